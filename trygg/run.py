"""`make run`: the portal with demo data, in the foreground, on one terminal.

Starts the embedded PostgreSQL and Redis where DATABASE_URL / REDIS_URL are not set, prepares
the database (migrate as the owner role, which grants the runtime role its rights; then
geography and demo data as the runtime role: all idempotent), then runs the web server, a
Celery worker and Celery beat as the runtime role, with their output interleaved and labelled.
Ctrl-C (or SIGTERM) stops the three, then the embedded servers this run started.
"""

import ctypes
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from trygg.embedded import BASE_DIR, ensure_started, services

BIN = Path(sys.executable).parent
STOP_GRACE_SECONDS = 15
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def _die_with_parent() -> None:
    """In the child: ask Linux to send SIGTERM when the supervisor dies, however it dies.

    The children run in sessions of their own (so Ctrl-C reaches only the supervisor), which
    would otherwise leave them running if the supervisor were killed outright.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass  # not Linux: Ctrl-C and SIGTERM still stop everything in order


def _pump(label: str, stream, lock: threading.Lock) -> None:
    for line in iter(stream.readline, ""):
        with lock:
            sys.stdout.write(f"{label:>6} | {line}")
            sys.stdout.flush()


def _prepare(environ: dict) -> None:
    manage = [sys.executable, str(BASE_DIR / "manage.py")]
    runtime_environ = {k: v for k, v in environ.items() if k != "DATABASE_OWNER_URL"}
    for args, env in (
        (["migrate", "--noinput"], environ),  # as the owner (DATABASE_OWNER_URL)
        (["load_geography"], runtime_environ),
        (["seed_demo"], runtime_environ),
    ):
        print(f"  prepare | manage.py {' '.join(args)}", flush=True)
        subprocess.run([*manage, *args], env=env, check=True, cwd=BASE_DIR)


def _processes(port: int, environ: dict) -> dict[str, list[str]]:
    var_dir = Path(environ.get("TRYGG_VAR_DIR", BASE_DIR / "var"))
    return {
        "web": [
            str(BIN / "gunicorn"),
            "trygg.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            environ.get("WEB_CONCURRENCY", "2"),
            "--access-logfile",
            "-",
            "--graceful-timeout",
            "5",
            # Several portals on one machine (CI beside a developer) must not share it.
            "--no-control-socket",
        ],
        "worker": [
            str(BIN / "celery"),
            "-A",
            "trygg",
            "worker",
            "--loglevel",
            "INFO",
            "--concurrency",
            environ.get("CELERY_CONCURRENCY", "2"),
        ],
        "beat": [
            str(BIN / "celery"),
            "-A",
            "trygg",
            "beat",
            "--loglevel",
            "INFO",
            "--schedule",
            str(var_dir / "celerybeat-schedule"),
        ],
    }


def main() -> int:
    port = int(os.environ.get("PORT", "8000"))
    environ = dict(os.environ)
    environ.setdefault("DEBUG", "1")
    environ["PYTHONUNBUFFERED"] = "1"
    was_running = {name for name, server in services().items() if server.is_running()}
    started = [name for name in ensure_started(environ) if name not in was_running]
    for name in ("DATABASE_URL", "DATABASE_OWNER_URL", "REDIS_URL"):
        if environ.get(name):
            print(f"  prepare | {name}={environ[name]}", flush=True)

    children: dict[str, subprocess.Popen] = {}
    stopping = threading.Event()

    def request_stop(signum, frame):
        stopping.set()

    # SIGHUP too: closing the terminal must stop everything as Ctrl-C does.
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, request_stop)
    exit_code = 0
    try:
        _prepare(environ)
        lock = threading.Lock()
        # The portal's processes know only the runtime role.
        runtime_environ = {k: v for k, v in environ.items() if k != "DATABASE_OWNER_URL"}
        for label, command in _processes(port, runtime_environ).items():
            # A session of their own: Ctrl-C reaches only this supervisor, which then stops
            # the children in order instead of all of them racing at once.
            children[label] = subprocess.Popen(
                command,
                env=runtime_environ,
                cwd=BASE_DIR,
                text=True,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
        # The readers start only now: forking while other threads run is not safe.
        for label, child in children.items():
            threading.Thread(target=_pump, args=(label, child.stdout, lock), daemon=True).start()
        password = environ.get("TRYGG_DEMO_PASSWORD", "trygg-demo")
        print(
            f"\n  Trygg runs on http://127.0.0.1:{port}/  (Ctrl-C stops everything)\n"
            f"  Demo logins, password '{password}': samordnare, polis.centrum,"
            " social.centrum, social.hisingen, partner.bostad, chef.polis.centrum,"
            " chef.social.centrum\n",
            flush=True,
        )
        while not stopping.is_set():
            for label, child in children.items():
                if child.poll() is not None:
                    print(f"  {label} exited with {child.returncode}; stopping.", flush=True)
                    exit_code = 1
                    stopping.set()
            stopping.wait(0.5)
    except subprocess.CalledProcessError as error:
        print(f"  prepare failed: {error}", file=sys.stderr, flush=True)
        exit_code = 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        for child in children.values():
            if child.poll() is None:
                child.terminate()
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for child in children.values():
            try:
                child.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()
        for name in started:
            print(f"  stop | {name} (embedded)", flush=True)
            services()[name].stop()
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
