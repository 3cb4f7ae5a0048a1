"""A real Celery worker in a process of its own, for tests that need one."""

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from celery import Celery
from django.conf import settings
from django.db import connection

from trygg.env import celery_broker_url

BASE_DIR = Path(__file__).resolve().parent.parent


class WorkerProcess:
    """``celery worker`` on the test settings' queue, reading the test database."""

    def __init__(
        self,
        name: str = "test",
        *,
        environ: dict | None = None,
        beat: bool = False,
        as_make_run: bool = False,
    ) -> None:
        """``environ`` adds to the worker's environment (e.g. another ``REDIS_URL``);
        ``beat`` runs Celery beat inside the worker, so the periodic tasks run too;
        ``as_make_run`` runs it as ``make run`` does (prefork pool of 2, with heartbeat,
        mingle and gossip) instead of the lighter solo pool."""
        self.name = name
        self.extra_environ = environ or {}
        self.beat = beat
        self.as_make_run = as_make_run
        self.process: subprocess.Popen | None = None
        self._schedule_dir: tempfile.TemporaryDirectory | None = None

    def start(self, timeout: float = 30) -> "WorkerProcess":
        from trygg.celery import app

        environ = dict(os.environ)
        environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
        # The worker must read the database the test wrote to.
        environ["TRYGG_TEST_WORKER_DATABASE"] = connection.settings_dict["NAME"]
        environ.update(self.extra_environ)
        hostname = f"{self.name}-{os.getpid()}@%h"
        beat = []
        if self.beat:
            self._schedule_dir = tempfile.TemporaryDirectory()
            beat = ["--beat", "--schedule", f"{self._schedule_dir.name}/celerybeat-schedule"]
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "trygg",
                "worker",
                "--loglevel",
                "INFO" if self.as_make_run else "WARNING",
                "--hostname",
                hostname,
                "--queues",
                settings.CELERY_TASK_DEFAULT_QUEUE,
                *(
                    ["--pool", "prefork", "--concurrency", "2"]
                    if self.as_make_run
                    else [
                        "--pool",
                        "solo",
                        "--without-heartbeat",
                        "--without-mingle",
                        "--without-gossip",
                    ]
                ),
                *beat,
            ],
            cwd=BASE_DIR,
            env=environ,
            start_new_session=True,
        )
        # Pinged through the broker the worker uses, which may not be this process's own:
        # then through an app of its own (a ping given another connection still publishes
        # on the app's own broker).
        control = app.control
        if "REDIS_URL" in self.extra_environ:
            broker = celery_broker_url(self.extra_environ["REDIS_URL"])
            # Not set as the current app: shared tasks sent later by this process must keep
            # using the portal's own broker.
            control = Celery("trygg-test-ping", broker=broker, set_as_current=False).control
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the worker exited with {self.process.returncode}")
            replies = control.ping(timeout=0.5)
            if any(self.name in next(iter(reply)) for reply in replies):
                return self
        self.kill()
        raise RuntimeError("the worker did not answer a ping in time")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()
