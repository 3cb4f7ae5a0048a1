"""The second factor: a TOTP app, with one-time recovery codes (django-otp).

Managers, coordinators and administrators must pass it (superusers and staff, who reach the
admin, count as administrators); anyone else may turn it on, and then must pass it too. A
session counts as verified once django-otp's ``login`` has put the device in it; the
``OTPMiddleware`` checks that device on every request, so deleting a person's devices in the
admin ends the verification of all their sessions at once.

Enrolment is only offered while a person has no confirmed TOTP device: otherwise whoever
learnt the password could add a device of their own. A lost phone is replaced by an
administrator deleting the device in the admin, after which the person enrols again.
"""

import re
from base64 import b32encode
from dataclasses import dataclass

from django.db import transaction
from django_otp import login as otp_login
from django_otp.models import VerifyNotAllowed
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.access import access_for
from accounts.choices import Role
from accounts.services import audit_record

SECOND_FACTOR_ROLES = frozenset({Role.MANAGER, Role.COORDINATOR, Role.ADMIN})
RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "app"
RECOVERY_DEVICE_NAME = "recovery"
# Set at login (accounts.session_limits): whether the person had a device then, so that the
# optional factor costs no query per request for the many who never turned it on.
HAS_DEVICE_SESSION_KEY = "trygg_has_second_factor"
_SIX_DIGITS = re.compile(r"^\d{6}$")


def second_factor_required(user) -> bool:
    """Whether ``user``'s roles demand a second factor (tokens are not people: never)."""
    if getattr(user, "is_api_client", False) or not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff:
        return True
    return access_for(user).has_role(*SECOND_FACTOR_ROLES, any_district=True)


def has_second_factor(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def second_factor_pending(request) -> bool:
    """Whether the request's person must still pass the second factor in this session."""
    user = request.user
    if not user.is_authenticated or getattr(user, "is_api_client", False):
        return False
    is_verified = getattr(user, "is_verified", None)
    if is_verified is not None and is_verified():
        return False
    return bool(request.session.get(HAS_DEVICE_SESSION_KEY)) or second_factor_required(user)


def totp_enrolment_device(user) -> TOTPDevice:
    """The unconfirmed device a person enrols with: the same one until confirmed, so that a
    reload shows the same QR code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def totp_secret(device: TOTPDevice) -> str:
    """The secret as an authenticator app asks for it: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(text: str) -> str:
    """An inline SVG QR code of ``text``, drawn on the server (no script, no image file)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    svg = image.to_string(encoding="unicode")
    return re.sub(r"^<\?xml[^>]*\?>\s*", "", svg)


def recovery_codes_create(*, user, request=None) -> list[str]:
    """New recovery codes, replacing any old ones; shown once, by the caller."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME)
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
        audit_record(action="auth.recovery_codes_created", actor=user, request=request)
    return codes


def totp_enrolment_confirm(*, request, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirms ``device`` with a code from the app, verifies the session and returns the
    new recovery codes; None if the code is wrong."""
    user = request.user
    code = code.strip().replace(" ", "")
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
        if device.confirmed or not device.verify_token(code):
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        audit_record(action="auth.second_factor_enrolled", actor=user, request=request)
        codes = recovery_codes_create(user=user, request=request)
    _session_verified(request, device)
    return codes


@dataclass(frozen=True)
class Verification:
    device: TOTPDevice | StaticDevice | None
    throttled: bool = False
    recovery_codes_left: int | None = None


def second_factor_verify(*, request, code: str) -> Verification:
    """Checks a code from the app, or a recovery code, and verifies the session if right.

    django-otp throttles each device: after a wrong code the next try must wait, doubling
    each time (``OTP_TOTP_THROTTLE_FACTOR``), so six digits cannot be guessed through.
    """
    user = request.user
    code = code.strip().replace(" ", "").replace("-", "").lower()
    model = TOTPDevice if _SIX_DIGITS.match(code) else StaticDevice
    throttled = False
    with transaction.atomic():
        for device in model.objects.select_for_update().filter(user=user, confirmed=True):
            allowed, details = device.verify_is_allowed()
            if not allowed and details.get("reason") == VerifyNotAllowed.N_FAILED_ATTEMPTS:
                throttled = True
                continue
            if device.verify_token(code):
                break
        else:
            device = None
    if device is None:
        audit_record(action="auth.second_factor_failed", actor=user, request=request)
        return Verification(device=None, throttled=throttled)
    _session_verified(request, device)
    left = device.token_set.count() if isinstance(device, StaticDevice) else None
    return Verification(device=device, recovery_codes_left=left)


def _session_verified(request, device) -> None:
    # A new session key at the step up in privilege, as at the password step.
    request.session.cycle_key()
    otp_login(request, device)
    request.session[HAS_DEVICE_SESSION_KEY] = True
    audit_record(action="auth.second_factor_verified", actor=request.user, request=request)
