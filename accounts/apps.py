from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Users and organisations")

    def ready(self) -> None:
        # The audit receivers, and the stamp a session gets at login.
        from accounts import audit_changes, session_limits, signals  # noqa: F401

        audit_changes.connect()
