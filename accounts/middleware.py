"""Sign-in rules that hold on every request: session time limits and the second factor."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.second_factor import HAS_DEVICE_SESSION_KEY, second_factor_pending
from accounts.session_limits import session_end, session_expired


class SessionTimeoutMiddleware:
    """Ends a session past its idle or absolute limit before any view sees it: the request
    goes on anonymous (a page sends the browser to the login page, the API answers 401)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            reason = session_expired(request)
            if reason is not None:
                session_end(request, reason=reason)
                if reason == "idle":
                    message = _(
                        "You were logged out after %(minutes)s minutes without activity."
                    ) % {"minutes": settings.TRYGG_SESSION_IDLE_MINUTES}
                else:
                    message = _("You were logged out: a session lasts %(hours)s hours at most.") % {
                        "hours": settings.TRYGG_SESSION_MAX_HOURS
                    }
                messages.info(request, message)
        return self.get_response(request)


class SecondFactorMiddleware:
    """Sends a person who must pass the second factor, and has not in this session, to it
    (or to enrolment when they have no device yet), from every page including the admin.

    Public pages (``login_not_required``) and the second-factor pages themselves
    (``second_factor_exempt``) stay open. The API is left to DRF, where
    ``accounts.authentication.VerifiedSessionAuthentication`` refuses such a session in the
    API's own error format; tokens are not people and are unaffected.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        if not getattr(view_func, "login_required", True):
            return None
        if getattr(view_func, "second_factor_exempt", False):
            return None
        if not second_factor_pending(request):
            return None
        step = (
            "second_factor_verify"
            if request.session.get(HAS_DEVICE_SESSION_KEY)
            else "second_factor_enrol"
        )
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = reverse(step)
            return response
        return redirect_to_login(request.get_full_path(), reverse(step))
