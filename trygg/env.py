"""Typed readers for environment variables.

Each helper rejects a malformed value with an ``ImproperlyConfigured`` that names the
variable and what was expected, so a typo stops the portal at start-up instead of
turning into odd behaviour later.
"""

import os
from collections.abc import Mapping
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class Env:
    """Reads typed values from a mapping (``os.environ`` unless another is given)."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self.environ = os.environ if environ is None else environ

    def _raw(self, name: str) -> str | None:
        value = self.environ.get(name)
        return None if value is None else value.strip()

    def is_set(self, name: str) -> bool:
        return bool(self._raw(name))

    def get_str(
        self, name: str, default: str | None = None, *, required: bool = False
    ) -> str | None:
        value = self._raw(name)
        if not value:
            if required:
                raise ImproperlyConfigured(f"{name} must be set.")
            return default
        return value

    def get_bool(self, name: str, default: bool = False) -> bool:
        value = self._raw(name)
        if value is None:
            return default
        lowered = value.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ImproperlyConfigured(
            f"{name}={value!r} is not a boolean: use one of 1/0, true/false, yes/no, on/off."
        )

    def get_int(
        self, name: str, default: int, *, min_value: int | None = None, max_value: int | None = None
    ) -> int:
        value = self._raw(name)
        if not value:
            return default
        try:
            number = int(value)
        except ValueError:
            raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None
        if min_value is not None and number < min_value:
            raise ImproperlyConfigured(f"{name}={number} is below the minimum {min_value}.")
        if max_value is not None and number > max_value:
            raise ImproperlyConfigured(f"{name}={number} is above the maximum {max_value}.")
        return number

    def get_list(self, name: str, default: list[str] | None = None) -> list[str]:
        value = self._raw(name)
        if not value:
            return list(default or [])
        items = [item.strip() for item in value.split(",")]
        if any(not item for item in items):
            raise ImproperlyConfigured(f"{name}={value!r} has an empty item in its comma list.")
        return items

    def get_choice(self, name: str, choices: list[str], default: str) -> str:
        value = self._raw(name)
        if not value:
            return default
        if value not in choices:
            raise ImproperlyConfigured(f"{name}={value!r} must be one of {', '.join(choices)}.")
        return value

    def get_url(self, name: str, schemes: set[str], default: str | None = None) -> str | None:
        value = self._raw(name)
        if not value:
            return default
        parts = urlsplit(value)
        if parts.scheme not in schemes:
            raise ImproperlyConfigured(
                f"{name} must start with one of {', '.join(sorted(s + '://' for s in schemes))}; "
                f"got {parts.scheme or 'no scheme'}."
            )
        if parts.scheme == "unix" or parts.scheme.endswith("+socket"):
            if not parts.path:
                raise ImproperlyConfigured(f"{name} names no socket path.")
        elif not parts.hostname and "host=" not in parts.query:
            raise ImproperlyConfigured(f"{name} names no host.")
        try:
            parts.port  # noqa: B018 - urlsplit validates the port lazily
        except ValueError:
            raise ImproperlyConfigured(f"{name} has a port that is not a number.") from None
        return value


RANDOM_PAGE_COST = 1.1


def database_settings(url: str) -> dict:
    """Django's DATABASES entry for a ``postgres://`` URL (TCP or ``?host=/socket/dir``)."""
    import dj_database_url

    config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    if config["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL.")
    if not config.get("NAME"):
        raise ImproperlyConfigured("DATABASE_URL names no database.")
    options = config.setdefault("OPTIONS", {})
    socket_dir = options.pop("host", None)
    if socket_dir:
        config["HOST"] = socket_dir
    # The planner's default cost of a random read (4) is that of a spinning disk; on SSDs or
    # with the data in memory an index scan by time that stops after one page is far cheaper
    # than it thinks, and with the default it reads and sorts every matching row instead.
    options.setdefault("options", f"-c random_page_cost={RANDOM_PAGE_COST}")
    return config


def celery_broker_url(redis_url: str) -> str:
    """Celery spells a Unix socket ``redis+socket://``; redis-py spells it ``unix://``."""
    if redis_url.startswith("unix://"):
        return "redis+socket://" + redis_url.removeprefix("unix://")
    return redis_url
