"""The sign-in pages of our own: login with a warning before the lock, and the second factor
(verification, enrolment, recovery codes)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.forms import LoginForm, SecondFactorCodeForm, SecondFactorEnrolForm
from accounts.login_throttle import login_failures_for
from accounts.second_factor import (
    HAS_DEVICE_SESSION_KEY,
    has_second_factor,
    qr_code_svg,
    recovery_codes_create,
    second_factor_pending,
    second_factor_required,
    second_factor_verify,
    totp_enrolment_confirm,
    totp_enrolment_device,
    totp_secret,
)


def second_factor_exempt(view):
    """Marks a view that a person who still owes the second factor may open."""
    view.second_factor_exempt = True
    return view


class LoginView(auth_views.LoginView):
    """Django's login, which also warns on the last failed attempts before the lock."""

    redirect_authenticated_user = True
    form_class = LoginForm

    # The warning comes this many attempts ahead of the lock, so the first lock is never a
    # surprise (issue #13).
    WARN_WHEN_ATTEMPTS_LEFT = 2

    def form_invalid(self, form):
        username = form.data.get("username", "")
        if username and getattr(self.request, "axes_ip_address", None) is not None:
            attempts = login_failures_for(self.request, username).attempts_left
            if 0 < attempts <= self.WARN_WHEN_ATTEMPTS_LEFT:
                form.lockout_warning = lockout_warning(attempts)
        return super().form_invalid(form)


def lockout_warning(attempts: int) -> str:
    """ "2 attempts left before logging in is blocked for 15 minutes", with the limit and the
    cool-off from the settings."""
    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    duration = ngettext("%(minutes)s minute", "%(minutes)s minutes", minutes) % {"minutes": minutes}
    return ngettext(
        "%(attempts)s attempt left before logging in is blocked for %(duration)s.",
        "%(attempts)s attempts left before logging in is blocked for %(duration)s.",
        attempts,
    ) % {"attempts": attempts, "duration": duration}


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


@second_factor_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def second_factor_verify_view(request):
    next_url = _next_url(request)
    if not second_factor_pending(request):
        return redirect(next_url)
    if not has_second_factor(request.user):
        # The device was deleted (a lost phone): enrol again, or go on if it was optional.
        if second_factor_required(request.user):
            return redirect(_with_next("second_factor_enrol", next_url))
        request.session[HAS_DEVICE_SESSION_KEY] = False
        return redirect(next_url)
    form = SecondFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = second_factor_verify(request=request, code=form.cleaned_data["code"])
        if result.device is not None:
            if result.recovery_codes_left is not None:
                messages.warning(
                    request,
                    ngettext(
                        "You used a recovery code; %(count)s is left. "
                        "Create new ones under Second factor.",
                        "You used a recovery code; %(count)s are left. "
                        "Create new ones under Second factor.",
                        result.recovery_codes_left,
                    )
                    % {"count": result.recovery_codes_left},
                )
            return redirect(next_url)
        form.add_error(
            "code",
            _("Too many wrong codes. Wait a moment and try again.")
            if result.throttled
            else _("The code is not right. Check the time on your phone and try the new code."),
        )
    return render(
        request, "registration/second_factor_verify.html", {"form": form, "next": next_url}
    )


@second_factor_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def second_factor_enrol_view(request):
    next_url = _next_url(request)
    if has_second_factor(request.user):
        if second_factor_pending(request):
            return redirect(_with_next("second_factor_verify", next_url))
        return redirect("second_factor")
    device = totp_enrolment_device(request.user)
    form = SecondFactorEnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = totp_enrolment_confirm(
            request=request, device=device, code=form.cleaned_data["code"]
        )
        if codes is not None:
            return render(
                request,
                "registration/second_factor_codes.html",
                {"codes": codes, "next": next_url, "enrolled": True},
            )
        form.add_error(
            "code", _("The code is not right. Check the time on your phone and try the new code.")
        )
    return render(
        request,
        "registration/second_factor_enrol.html",
        {
            "form": form,
            "next": next_url,
            "required": second_factor_required(request.user),
            "secret": totp_secret(device),
            "config_url": device.config_url,
            "qr_svg": qr_code_svg(device.config_url),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def second_factor_view(request):
    """The person's second factor: whether it is on, and new recovery codes."""
    enrolled = has_second_factor(request.user)
    if request.method == "POST" and enrolled:
        codes = recovery_codes_create(user=request.user, request=request)
        return render(
            request,
            "registration/second_factor_codes.html",
            {"codes": codes, "next": reverse("second_factor"), "enrolled": False},
        )
    return render(
        request,
        "registration/second_factor.html",
        {"enrolled": enrolled, "required": second_factor_required(request.user)},
    )
