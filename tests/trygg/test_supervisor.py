"""`make run` heals (issue #10): each child killed with SIGKILL comes back, the portal answers
/readyz 200 again within 30 s, and after Ctrl-C nothing is left.

One run of the supervisor (``python -m trygg.run``, what `make run` runs) on the embedded
default, in a var folder and on a port of its own; the children are killed one after the
other, the embedded servers last. The time from each kill to the first /readyz 200 with the
new child running is printed (``pytest -s``): the README's table comes from it.
"""

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
import requests

from trygg.embedded import BASE_DIR
from trygg.run import Child

# Migrate, geography and the demo data come first: minutes on a busy shared machine.
START_SECONDS = 600
HEAL_SECONDS = 30
STOP_SECONDS = 60
# The servers last: while one is down the others must keep retrying, and come back with it.
CHILDREN = ("web", "worker", "beat", "postgres", "redis")
SERVER_LABELS = {"supervisor", "prepare", "postgres", "redis"}
# Variables of the test run that must not reach a `make run` of its own.
TEST_ONLY = (
    "DATABASE_URL",
    "DATABASE_OWNER_URL",
    "REDIS_URL",
    "DJANGO_SETTINGS_MODULE",
    "TRYGG_TEST_QUEUE",
    "TRYGG_TEST_WORKER_DATABASE",
    "DATABASE_TEST_NAME",
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Supervisor:
    """``python -m trygg.run`` in a session of its own, its output read line by line."""

    STARTED = re.compile(r"^supervisor \| (\w+) started \(pid (\d+)\)$")

    def __init__(self, var_dir: Path, port: int) -> None:
        environ = {k: v for k, v in os.environ.items() if k not in TEST_ONLY}
        environ.update(
            PORT=str(port),
            TRYGG_VAR_DIR=str(var_dir),
            MEDIA_ROOT=str(var_dir / "media"),
            CELERY_CONCURRENCY="1",
        )
        self.var_dir = var_dir
        self.url = f"http://127.0.0.1:{port}"
        self.lines: list[str] = []
        self.pids: dict[str, list[int]] = {}
        self._changed = threading.Condition()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "trygg.run"],
            cwd=BASE_DIR,
            env=environ,
            text=True,
            errors="replace",
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        with (self.var_dir / "supervisor.log").open("w") as log:
            for line in self.process.stdout:
                log.write(line)
                log.flush()
                self._note(line.strip())

    def _note(self, line: str) -> None:
        with self._changed:
            self.lines.append(line)
            if found := self.STARTED.match(line):
                self.pids.setdefault(found[1], []).append(int(found[2]))
            self._changed.notify_all()

    def said(self) -> str:
        """For a failure's message: the supervisor's own lines and the servers', then the
        last of the rest; the whole output is in <var>/supervisor.log."""
        own = [line for line in self.lines if line.split(" |")[0].strip() in SERVER_LABELS]
        return "\n".join([*own[-60:], "…", *self.lines[-30:]])

    def pid(self, label: str) -> int:
        return self.pids[label][-1]

    def wait_for(self, predicate, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        with self._changed:
            while not predicate():
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self.process.poll() is not None:
                    pytest.fail(f"{what}; the supervisor said:\n{self.said()}")
                self._changed.wait(min(remaining, 0.5))

    def ready(self) -> bool:
        try:
            return requests.get(f"{self.url}/readyz", timeout=10).status_code == 200
        except requests.RequestException:
            return False

    def wait_until_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not self.ready():
            if time.monotonic() > deadline or self.process.poll() is not None:
                pytest.fail(f"/readyz never answered 200:\n{self.said()}")
            time.sleep(0.2)

    def all_pids(self) -> list[int]:
        return [pid for pids in self.pids.values() for pid in pids]

    def interrupt(self) -> int | None:
        """What Ctrl-C in a terminal does: SIGINT to the supervisor's process group."""
        os.killpg(self.process.pid, signal.SIGINT)
        try:
            return self.process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            return None

    def kill_everything(self) -> None:
        """After a failure: nothing of this run may stay behind for the next test."""
        for pgid in [self.process.pid, *self.all_pids()]:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pgid, signal.SIGKILL)
        self.process.wait(10)


def left_behind(supervisor: Supervisor) -> list[str]:
    """Processes of the run still alive: in a child's process group, or naming its var folder
    (PostgreSQL's data and Redis' config live there, as in .ci/run's check)."""
    groups = {supervisor.process.pid, *supervisor.all_pids()}
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            status = (entry / "stat").read_text()
        except OSError:
            continue  # gone meanwhile
        # pgrp is the 5th field, after "(comm)", which may itself hold spaces.
        fields = status.rsplit(")", 1)[1].split()
        state, pgrp = fields[0], int(fields[2])
        if state == "Z":
            continue
        if pgrp in groups or str(supervisor.var_dir) in command:
            found.append(f"{entry.name}: {command}")
    return found


@pytest.fixture
def var_dir():
    """A folder of the run's own, not under pytest's: under root PostgreSQL runs as pgserver's
    user, who must reach its data directory, and every pytest session that starts on the
    machine closes /tmp/pytest-of-root to anyone but its owner. Short, for the sockets."""
    path = Path(tempfile.mkdtemp(prefix="trygg-run-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.mark.embedded
@pytest.mark.slow
def test_it_restarts_every_child_killed_and_leaves_nothing_after_ctrl_c(var_dir):
    supervisor = Supervisor(var_dir, free_port())
    try:
        supervisor.wait_until_ready(START_SECONDS)
        assert set(CHILDREN) <= set(supervisor.pids), supervisor.pids
        heal_times = {}
        for label in CHILDREN:
            killed = supervisor.pid(label)
            os.kill(killed, signal.SIGKILL)
            killed_at = time.monotonic()
            supervisor.wait_for(
                lambda label=label, killed=killed: supervisor.pid(label) != killed,
                HEAL_SECONDS,
                f"{label} was not restarted",
            )
            # Back means: the new child still runs, and the portal answers /readyz 200 again.
            supervisor.wait_until_ready(HEAL_SECONDS)
            heal_times[label] = time.monotonic() - killed_at
            os.kill(supervisor.pid(label), 0)
            assert heal_times[label] < HEAL_SECONDS
            restart_lines = [line for line in supervisor.lines if f"| {label} exited" in line]
            assert restart_lines[0] == f"supervisor | {label} exited (signal 9); restart 1 in 1 s"
        print(
            "\nkilled with SIGKILL, back (/readyz 200) after: "
            + ", ".join(f"{label} {seconds:.1f} s" for label, seconds in heal_times.items())
        )
        # Nothing else died on the way: each child was restarted exactly once.
        restarted = {label: len(pids) - 1 for label, pids in supervisor.pids.items()}
        assert restarted == dict.fromkeys(CHILDREN, 1)

        assert supervisor.interrupt() == 0, supervisor.said()
        time.sleep(1)
        assert left_behind(supervisor) == []
    finally:
        if supervisor.process.poll() is None or left_behind(supervisor):
            supervisor.kill_everything()


def test_it_doubles_the_pause_of_a_child_that_keeps_dying_and_resets_it_once_it_stayed_up(capsys):
    """The backoff alone, on a child that exits at once; the clock is passed in."""
    child = Child("crashy", [sys.executable, "-c", "raise SystemExit(3)"], dict(os.environ))
    child.start()
    now = child.started_at
    delays = []
    for _ in range(8):
        child.process.wait(30)
        child.check(now)
        delays.append(child.restart_at - now)
        now = child.restart_at
        child.check(now)  # its time has come: started again
        assert child.process is not None
    assert delays == pytest.approx([1, 2, 4, 8, 16, 30, 30, 30])
    assert "supervisor | crashy exited (exit 3); restart 1 in 1 s" in capsys.readouterr().out

    # Up for a minute and more before it died: the next pause is short again.
    child.process.wait(30)
    child.check(child.started_at + 61)
    assert child.restart_at - (child.started_at + 61) == pytest.approx(1)
