"""`make run`: the portal with demo data, in the foreground, on one terminal, kept alive.

Runs the embedded PostgreSQL and Redis where DATABASE_URL / REDIS_URL are not set, prepares
the database (migrate as the owner role, which grants the runtime role its rights; then
geography and demo data as the runtime role: all idempotent), then runs the web server
(gunicorn, gunicorn.conf.py), a Celery worker and Celery beat as the runtime role, with their
output interleaved and labelled.

It is a supervisor: a child that dies, whichever, is restarted after a pause that doubles with
each quick death (1 s, 2 s, 4 s … at most 30 s) and starts at 1 s again once the child has
stayed up for a minute, with one labelled line each time ("supervisor | worker exited (signal
9); restart 1 in 1 s"). What the dead child left in its process group (gunicorn's workers,
Celery's pool, PostgreSQL's backends) is killed with it, so the new one starts clean. The
others reconnect by themselves: Django checks its database connection before reuse, Celery
retries its broker. Only Ctrl-C, SIGTERM or SIGHUP stop everything: web, beat and worker
first, then the servers.
"""

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from trygg.embedded import BASE_DIR, EmbeddedPostgres, EmbeddedRedis, services

BIN = Path(sys.executable).parent
STOP_GRACE_SECONDS = 15
SERVER_START_SECONDS = 60
FIRST_BACKOFF_SECONDS = 1.0
MAX_BACKOFF_SECONDS = 30.0
# A child that stayed up this long had recovered: its next death starts the backoff afresh.
STABLE_AFTER_SECONDS = 60.0
TICK_SECONDS = 0.2
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>

try:
    # Looked up here, not in the child: between fork and exec only this call runs there.
    _prctl = ctypes.CDLL(None, use_errno=True).prctl
except (OSError, AttributeError):  # not Linux
    _prctl = None

_output_lock = threading.Lock()


def say(label: str, text: str) -> None:
    with _output_lock:
        sys.stdout.write(f"{label:>10} | {text}\n")
        sys.stdout.flush()


def _pump(label: str, stream) -> None:
    for line in iter(stream.readline, ""):
        say(label, line.rstrip("\n"))
    stream.close()


def _describe_exit(returncode: int) -> str:
    if returncode < 0:
        return f"signal {-returncode}"
    return f"exit {returncode}"


@dataclass
class Child:
    """One supervised process, in a session (and process group) of its own, so that Ctrl-C
    reaches only the supervisor, which then stops the children in order."""

    label: str
    command: list[str]
    environ: dict
    user: str | None = None
    # What the supervisor sends to stop it, and what Linux sends when the supervisor dies.
    stop_signal: int = signal.SIGTERM
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    restart_at: float | None = None
    quick_deaths: int = 0
    restarts: int = 0
    pump: threading.Thread | None = None  # copies its output to ours, line by line

    def _die_with_parent(self) -> None:
        """In the child: ask Linux to send ``stop_signal`` when the supervisor dies, however it
        dies (kill -9 included), so no child outlives it."""
        if _prctl is not None:
            _prctl(PR_SET_PDEATHSIG, int(self.stop_signal))

    def start(self, now: float | None = None) -> None:
        self.process = subprocess.Popen(
            self.command,
            env=self.environ,
            cwd=BASE_DIR,
            user=self.user,
            text=True,
            errors="replace",
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=self._die_with_parent,
        )
        self.started_at = time.monotonic() if now is None else now
        self.restart_at = None
        self.pump = threading.Thread(
            target=_pump, args=(self.label, self.process.stdout), daemon=True
        )
        self.pump.start()
        say("supervisor", f"{self.label} started (pid {self.process.pid})")

    def running(self) -> bool:
        return self.process is not None and not self._has_exited()

    def _has_exited(self) -> bool:
        """Whether the child exited, without reaping it where Linux allows: while it is an
        unreaped zombie its pid, and so its process group's id, cannot be reused, and
        ``kill_group`` cannot hit a stranger."""
        if self.process.returncode is not None:
            return True
        if not hasattr(os, "waitid"):  # not Linux: reap at once
            return self.process.poll() is not None
        try:
            found = os.waitid(os.P_PID, self.process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        except ChildProcessError:
            return self.process.poll() is not None
        return found is not None

    def kill_group(self) -> None:
        """Whatever is left in the child's process group (its pool, its backends) goes too."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)

    def check(self, now: float) -> None:
        """Notice a death and schedule the restart; start it when its time has come."""
        if self.process is not None and self._has_exited():
            self.kill_group()
            returncode = self.process.wait()
            self.process = None
            self._schedule_restart(now, _describe_exit(returncode))
        elif self.process is None and self.restart_at is not None and now >= self.restart_at:
            try:
                self.start(now)
            except OSError as error:  # e.g. its program went missing: try again later
                self.started_at = now
                self._schedule_restart(now, f"could not start: {error}")

    def _schedule_restart(self, now: float, why: str) -> None:
        if now - self.started_at >= STABLE_AFTER_SECONDS:
            self.quick_deaths = 0
        self.quick_deaths += 1
        self.restarts += 1
        delay = min(MAX_BACKOFF_SECONDS, FIRST_BACKOFF_SECONDS * 2 ** (self.quick_deaths - 1))
        self.restart_at = now + delay
        say("supervisor", f"{self.label} exited ({why}); restart {self.restarts} in {delay:g} s")

    def stop(self) -> None:
        if self.running():
            self.process.send_signal(self.stop_signal)

    def wait(self, deadline: float) -> None:
        if self.process is None:
            return
        while not self._has_exited():
            if time.monotonic() > deadline:
                say("supervisor", f"{self.label} did not stop in time; killed")
                break
            time.sleep(0.05)
        self.kill_group()
        self.process.wait()
        if self.pump is not None:  # its last lines (a server's shutdown) printed before we exit
            self.pump.join(timeout=2)


def _prepare(environ: dict) -> None:
    manage = [sys.executable, str(BASE_DIR / "manage.py")]
    runtime_environ = {k: v for k, v in environ.items() if k != "DATABASE_OWNER_URL"}
    for args, env in (
        (["migrate", "--noinput"], environ),  # as the owner (DATABASE_OWNER_URL)
        (["load_geography"], runtime_environ),
        (["seed_demo"], runtime_environ),
    ):
        say("prepare", f"manage.py {' '.join(args)}")
        subprocess.run([*manage, *args], env=env, check=True, cwd=BASE_DIR)


def _portal(port: int, environ: dict, var_dir: Path) -> list[Child]:
    """The portal's processes, which know only the runtime role."""
    environ = {k: v for k, v in environ.items() if k != "DATABASE_OWNER_URL"}
    web = [
        str(BIN / "gunicorn"),
        "--config",
        str(BASE_DIR / "gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
    ]
    worker = [
        *(str(BIN / "celery"), "-A", "trygg", "worker", "--loglevel", "INFO"),
        *("--concurrency", environ.get("CELERY_CONCURRENCY", "2")),
    ]
    beat = [
        *(str(BIN / "celery"), "-A", "trygg", "beat", "--loglevel", "INFO"),
        *("--schedule", str(var_dir / "celerybeat-schedule")),
    ]
    return [
        Child("web", web, environ),
        Child("worker", worker, environ),
        Child("beat", beat, environ),
    ]


def _embedded(environ: dict, var_dir: Path) -> list[Child]:
    """Children for the embedded servers this run starts, with their URLs set in ``environ``.

    A server already running (``python -m trygg.embedded start``, a test run) is used as it
    is and not supervised: it belongs to whoever started it.
    """
    children = []
    for name, server in services(var_dir).items():
        if environ.get(name, "").strip():
            continue
        if server.is_running():
            say("supervisor", f"{name}: the embedded server already runs; used, not supervised")
        elif isinstance(server, EmbeddedPostgres):
            server.initialise()
            command, user = server.foreground_command()
            # SIGINT is PostgreSQL's fast shutdown: it does not wait for clients to leave.
            children.append(Child("postgres", command, environ, user, signal.SIGINT))
        else:
            command, user = server.foreground_command()
            children.append(Child("redis", command, environ, user))
        if isinstance(server, EmbeddedPostgres):
            environ[name] = server.runtime_url
            environ["DATABASE_OWNER_URL"] = server.url
        else:
            environ[name] = server.url
    return children


def _wait_until_ready(var_dir: Path, children: list[Child], stopping: threading.Event) -> None:
    servers = {"postgres": EmbeddedPostgres(var_dir), "redis": EmbeddedRedis(var_dir)}
    deadline = time.monotonic() + SERVER_START_SECONDS
    for child in children:
        while not servers[child.label].is_ready():
            if not child.running():
                raise RuntimeError(f"{child.label} exited at start ({child.process.returncode})")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{child.label} did not start in {SERVER_START_SECONDS} s")
            if stopping.wait(0.1):
                return
    if "postgres" in {child.label for child in children}:
        servers["postgres"].ensure_database()


def _stop(groups: list[list[Child]]) -> None:
    """The portal first (it may still write), then the servers."""
    for group in groups:
        for child in group:
            child.stop()
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for child in group:
            child.wait(deadline)


def local_environ(environ) -> dict:
    """The environment of `make run`'s processes: the portal as its users see it (DEBUG off,
    Swedish error pages) on this machine only (``TRYGG_LOCAL``, trygg/settings.py).
    ``DEBUG=1 make run`` brings Django's debugging aids back."""
    environ = dict(environ)
    environ.setdefault("TRYGG_LOCAL", "1")
    environ["PYTHONUNBUFFERED"] = "1"
    return environ


def main() -> int:
    port = int(os.environ.get("PORT", "8000"))
    environ = local_environ(os.environ)
    var_dir = Path(environ.get("TRYGG_VAR_DIR") or BASE_DIR / "var")
    stopping = threading.Event()

    def request_stop(signum, frame):
        stopping.set()

    # SIGHUP too: closing the terminal must stop everything as Ctrl-C does.
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, request_stop)

    servers: list[Child] = []
    portal: list[Child] = []
    exit_code = 0
    try:
        servers = _embedded(environ, var_dir)
        for child in servers:
            child.start()
        _wait_until_ready(var_dir, servers, stopping)
        for name in ("DATABASE_URL", "DATABASE_OWNER_URL", "REDIS_URL"):
            if environ.get(name):
                say("prepare", f"{name}={environ[name]}")
        if not stopping.is_set():
            _prepare(environ)
        if not stopping.is_set():
            portal = _portal(port, environ, var_dir)
            for child in portal:
                child.start()
            password = environ.get("TRYGG_DEMO_PASSWORD", "trygg-demo")
            print(
                f"\n  Trygg runs on http://127.0.0.1:{port}/  (Ctrl-C stops everything)\n"
                f"  Demo logins, password '{password}': samordnare, polis.centrum,"
                " social.centrum, social.hisingen, partner.bostad, chef.polis.centrum,"
                " chef.social.centrum\n",
                flush=True,
            )
        while not stopping.is_set():
            now = time.monotonic()
            for child in (*servers, *portal):
                child.check(now)
            stopping.wait(TICK_SECONDS)
    except (subprocess.CalledProcessError, RuntimeError) as error:
        say("supervisor", f"start-up failed: {error}")
        exit_code = 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        say("supervisor", "stopping")
        _stop([portal, servers])
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
