"""`manage.py migrate`, as the owner role, then the runtime role's rights.

With ``DATABASE_OWNER_URL`` set, the migrations run as that role (which owns the tables)
and the ``DATABASE_URL`` role is then created if missing and granted what the running portal
needs, but only INSERT and SELECT on the audit trail (accounts.database_roles). Without it,
Django's migrate runs as ``DATABASE_URL``, as it always did (the test suite, a single-role
development database).
"""

import contextlib

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands import migrate
from django.db import DEFAULT_DB_ALIAS, connections

from accounts.database_roles import RuntimeRoleError, runtime_role_grant

CONNECTION_KEYS = ("USER", "PASSWORD", "HOST", "PORT", "OPTIONS")


@contextlib.contextmanager
def connected_as_owner(alias: str = DEFAULT_DB_ALIAS):
    """Within the block, ``connections[alias]`` is the owner's; the runtime settings come
    back afterwards. Yields the runtime settings (or None without an owner)."""
    owner = getattr(settings, "TRYGG_DATABASE_OWNER", None)
    if owner is None or alias != DEFAULT_DB_ALIAS:
        yield None
        return
    connection = connections[alias]
    runtime = {key: connection.settings_dict.get(key) for key in CONNECTION_KEYS}
    connection.close()
    connection.settings_dict.update({key: owner.get(key) for key in CONNECTION_KEYS})
    try:
        yield runtime
    finally:
        connection.close()
        connection.settings_dict.update(runtime)


class Command(migrate.Command):
    help = (
        f"{migrate.Command.help} As the owner role (DATABASE_OWNER_URL) when it is set; then "
        "grants the DATABASE_URL role its rights (read and append only on the audit trail)."
    )

    def handle(self, *args, **options):
        with connected_as_owner(options["database"]) as runtime:
            super().handle(*args, **options)
            if runtime is None or options["plan"] or options["check_unapplied"]:
                return
            owner_user = connections[options["database"]].settings_dict["USER"]
            if runtime["USER"] == owner_user:
                raise CommandError(
                    "DATABASE_URL and DATABASE_OWNER_URL name the same role: the portal would "
                    "run as the owner and could erase the audit trail."
                )
            try:
                runtime_role_grant(
                    role=runtime["USER"],
                    password=runtime["PASSWORD"] or None,
                    using=connections[options["database"]],
                )
            except RuntimeRoleError as error:
                raise CommandError(str(error)) from error
            if options["verbosity"] >= 1:
                self.stdout.write(
                    f"Runtime role {runtime['USER']!r}: read and write, but only read and "
                    "append on the audit trail."
                )
