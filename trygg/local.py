"""The local run's secret key: generated once per checkout and kept under var/, so that
sessions survive a restart of `make run` and no key is written into the code."""

import contextlib
import os
import secrets
import tempfile
from pathlib import Path

SECRET_FILE = "secret_key"  # noqa: S105 (the file's name, not a secret)


def local_secret_key(var_dir: Path) -> str:
    """The key in ``<var_dir>/secret_key``, made on first use (readable by its owner only).

    Several processes start at once under `make run` (web, worker, beat): the file appears
    whole or not at all (written aside, then hard-linked into place, which fails if another
    process got there first), so each of them reads the same key.
    """
    var_dir = Path(var_dir)
    path = var_dir / SECRET_FILE
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        descriptor, aside = tempfile.mkstemp(dir=var_dir, prefix=".secret-")
        try:
            with os.fdopen(descriptor, "w") as file:
                file.write(secrets.token_urlsafe(64))
            with contextlib.suppress(FileExistsError):
                os.link(aside, path)
        finally:
            os.unlink(aside)
    return path.read_text().strip()
