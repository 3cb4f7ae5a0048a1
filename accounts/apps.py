from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Users and organisations")

    def ready(self) -> None:
        from accounts import audit_changes, signals  # noqa: F401 - connects the audit receivers

        audit_changes.connect()
