"""Log-ins, log-outs and failed log-ins go to the audit trail."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from accounts.services import audit_record
from core.identity_numbers import mask_identity_numbers


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    audit_record(action="auth.login", actor=user, request=request)


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action="auth.logout", actor=user, request=request)


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs):
    # The attempted username is kept (it may be mistyped, never the password), but not an
    # identity number typed into it.
    username = mask_identity_numbers(str(credentials.get("username", ""))[:150])[0]
    audit_record(
        action="auth.login_failed",
        actor_label=username or "anonymous",
        request=request,
    )
