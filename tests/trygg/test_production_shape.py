"""The production shape (docker-compose.yml, Dockerfile) read as files: Docker does not run in
the test environment (issue #10: web and worker shared no media storage, so an uploaded import
never reached the worker, and /app/var/media was not writable by the container user)."""

import re
import shlex

import pytest
import yaml

from trygg.embedded import BASE_DIR


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def dockerfile():
    # One instruction per entry, continuation lines joined.
    text = re.sub(r"\\\n", " ", (BASE_DIR / "Dockerfile").read_text())
    return [line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"]


def _media_root(service: dict) -> str:
    return service["environment"]["MEDIA_ROOT"]


def _mounts(service: dict) -> dict[str, str]:
    """Target path → named volume, for the short ``volume:/path`` syntax and the long one."""
    mounts = {}
    for volume in service.get("volumes", []):
        if isinstance(volume, str):
            source, target = volume.split(":")[:2]
        else:
            source, target = volume.get("source"), volume["target"]
        mounts[target] = source
    return mounts


def test_it_shares_one_named_volume_at_media_root_between_web_and_worker(compose):
    web, worker = compose["services"]["web"], compose["services"]["worker"]
    media_root = _media_root(web)
    assert media_root.startswith("/")
    assert _media_root(worker) == media_root
    volume = _mounts(web).get(media_root)
    assert volume, f"web mounts nothing at MEDIA_ROOT ({media_root})"
    assert _mounts(worker).get(media_root) == volume
    # A named volume (declared at the top level), not a folder of the host.
    assert volume in compose["volumes"]


def test_it_creates_media_root_in_the_image_owned_by_the_runtime_user(compose, dockerfile):
    media_root = _media_root(compose["services"]["web"])
    users = [line.split()[1] for line in dockerfile if line.startswith("USER ")]
    assert users, "the image runs as root"
    runtime_user = users[-1].split(":")[0]
    assert runtime_user != "root"
    user_line = max(i for i, line in enumerate(dockerfile) if line.startswith("USER "))

    def made_and_owned(words: list[str]) -> tuple[bool, bool]:
        made = owned = False
        for command in " ".join(words).split("&&"):
            parts = command.split()
            if parts[:1] == ["mkdir"] and media_root in parts:
                made = True
            target = parts[-1] if parts[:1] == ["chown"] else None
            if target == media_root or ("-R" in parts and target in _parents(media_root)):
                owner = next(p for p in parts[1:] if not p.startswith("-"))
                owned = owner.split(":")[0] == runtime_user
        return made, owned

    # Created and handed over as root, before the image switches to its user.
    made = owned = False
    for line in dockerfile[:user_line]:
        if line.startswith("RUN "):
            line_made, line_owned = made_and_owned(shlex.split(line[4:]))
            made, owned = made or line_made, owned or line_owned
    assert made, f"the Dockerfile does not create {media_root}"
    assert owned, f"{media_root} is not owned by {runtime_user}"


def _parents(path: str) -> set[str]:
    """The folders above a path (a recursive chown of one of them covers it)."""
    parts = path.rstrip("/").split("/")
    return {"/".join(parts[:i]) for i in range(2, len(parts))}


def test_it_runs_gunicorn_with_the_shared_config(dockerfile):
    command = next(line for line in reversed(dockerfile) if line.startswith("CMD "))
    assert "gunicorn.conf.py" in command
