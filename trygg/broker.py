"""A guard in kombu's Redis transport, so a worker survives its Redis going away (issue #10).

The crash (kombu 5.7.0 with celery 5.7.0): when the broker connection is lost, the consumer
first ``collect()``s the connection, which detaches the transport from it
(``transport.client = None``) while the channel it was polling (BRPOP) is left open, because
closing it failed on the dead socket. The consumer then ``close()``s the connection: the channel
closes for real and tries to put its unacknowledged messages back
(``QoS.restore_unacked_once``), which builds a new connection pool from
``Channel._connparams``, which reads ``self.connection.client.hostname``: ``AttributeError``.
``kombu.common.ignore_errors`` lets only connection and channel errors through, so the
``AttributeError`` ends the worker ("Unrecoverable error", exit 1). It happens whenever the
worker holds unacknowledged messages (late-ack tasks, tasks waiting for their ETA or retry
countdown). The same read fails when a fanout channel closes after the transport was detached
(celery/kombu#582, closed without a fix).

The guard: a channel whose transport is detached answers ``redis.ConnectionError`` instead,
which is what the restore would have met anyway (the server is gone), and which every caller
handles as the connection loss it is. The messages stay in Redis' ``unacked`` hash and are
put back by ``restore_visible`` once Redis is up again (after ``visibility_timeout``); the
rollup's sweep folds whatever they were for in the meantime.

No Celery or kombu setting reaches this path (``broker_connection_retry``,
``worker_cancel_long_running_tasks_on_connection_loss`` and the transport options all act
elsewhere), and no released kombu fixes it (5.7.0 is the latest). Remove this module when an
upgrade makes tests/overview/test_worker_redis_outage.py pass without it.
"""

import functools

import kombu
import redis
from kombu.transport import redis as kombu_redis

PATCHED_KOMBU = ("5.5", "5.6", "5.7")


def _guard_connparams(connparams):
    @functools.wraps(connparams)
    def guarded(self, *args, **kwargs):
        if self.connection is None or self.connection.client is None:
            raise redis.ConnectionError("The broker connection was closed (Redis went away).")
        return connparams(self, *args, **kwargs)

    guarded.trygg_guard = True
    return guarded


def install() -> None:
    """Wrap ``Channel._connparams`` once; refuse an unchecked kombu version, so that an upgrade
    is looked at rather than patched blindly."""
    if not kombu.__version__.startswith(PATCHED_KOMBU):
        raise RuntimeError(
            f"trygg.broker patches kombu {', '.join(PATCHED_KOMBU)}; kombu {kombu.__version__} "
            "is installed: check whether the guard is still needed (see trygg/broker.py)."
        )
    channel = kombu_redis.Channel
    if not getattr(channel._connparams, "trygg_guard", False):
        channel._connparams = _guard_connparams(channel._connparams)
