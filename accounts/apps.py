from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Users and organisations")

    def ready(self) -> None:
        from accounts import signals  # noqa: F401 - connects the audit receivers
        from accounts import session_limits  # noqa: F401 - stamps a session at login
