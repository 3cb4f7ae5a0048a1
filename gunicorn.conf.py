"""gunicorn's settings, for `make run` (trygg/run.py) and the production image (Dockerfile).

Threads, not sync workers (issue #10: pages took 32 s in a browser with two tabs). A browser
opens connections it may send nothing on for a while (preconnects, a second tab's keep-alive);
a sync worker is held by each such socket until ``WORKER TIMEOUT`` kills it. A gthread worker
accepts in an event loop and lends a thread only to a connection that sends: gunicorn 27 hands
one that stays silent for 5 s back to the poller, and idle keep-alive connections wait there
too. Sized for 2 cores: 2 processes (one per core, for the CPU-bound part of rendering, which
the GIL would otherwise serialise) of 24 threads each (most of a request waits on PostgreSQL or
Redis). Each busy thread may hold one database connection: keep WEB_WORKERS x WEB_THREADS plus
the Celery worker's concurrency below PostgreSQL's max_connections (100 by default).
"""

from trygg.env import Env

env = Env()

wsgi_app = "trygg.wsgi"
worker_class = "gthread"
workers = env.get_int("WEB_WORKERS", 2, min_value=1, max_value=64)
threads = env.get_int("WEB_THREADS", 24, min_value=1, max_value=256)
# gunicorn's largest request line (its default is 4094). The API refuses long query strings
# itself, in its JSON error shape; gunicorn must let them reach Django rather than answer with
# its own HTML 414.
limit_request_line = 8190
# Idle keep-alive connections wait in the poller, not in a thread; close them after 5 s.
keepalive = 5
graceful_timeout = 10
accesslog = "-"
# Several portals on one machine (CI beside a developer) must not share gunicorn's control
# socket, and nothing here uses it.
control_socket_disable = True
