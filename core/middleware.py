from django.conf import settings
from django.http import HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html
from django.utils.translation import gettext as _

from core.api.exceptions import API_PREFIX, problem_response


class SwedishFirstLocaleMiddleware(LocaleMiddleware):
    """Swedish unless the user chose English with the language switch.

    Django's own middleware would follow the browser's Accept-Language, so staff whose
    browser happens to be set to English would get a portal their colleagues do not see.
    The switch's cookie is the only way to another language.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class NoStoreBehindLoginMiddleware:
    """``Cache-Control: no-store`` (and its older companions) on every answer to a request
    that carries a sign-in: a session cookie, a bearer token, or a user signed in by then.

    Pages, API JSON, CSV and PDF exports behind the login hold confidential records; no
    browser, shared computer's disk or proxy may keep a copy. Answers to anonymous visitors
    (the login page, the public medborgarlöfte) keep whatever caching their views chose;
    static files never reach this middleware (WhiteNoise answers them before it).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if self._signed_in(request):
            add_never_cache_headers(response)
        return response

    @staticmethod
    def _signed_in(request) -> bool:
        if settings.SESSION_COOKIE_NAME in request.COOKIES or "HTTP_AUTHORIZATION" in request.META:
            return True
        # DRF sets the token's client on the underlying request too; a fresh sign-in's
        # answer has no session cookie in its request yet.
        user = getattr(request, "user", None)
        return bool(user is not None and user.is_authenticated)


class QueryStringLimitMiddleware:
    """A 400 for a query string longer than ``TRYGG_MAX_QUERY_STRING_BYTES``: the API's JSON
    error under ``/api/``, a plain page elsewhere.

    No form or filter of the portal needs more than a few hundred bytes; a longer address is
    an attack or a broken link, and the web server's own limit (gunicorn's request line)
    would answer with its HTML page instead of the API's error. It runs before anything that
    reads the session or the database, and needs neither.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.TRYGG_MAX_QUERY_STRING_BYTES
        length = len(request.META.get("QUERY_STRING", ""))  # WSGI: one character per byte
        if length <= limit:
            return self.get_response(request)
        # Before the locale middleware: the portal's language, Swedish.
        with translation.override(settings.LANGUAGE_CODE):
            message = _("The address is too long: its query part may be at most %(max)s bytes.")
            message %= {"max": limit}
            if request.path.startswith(API_PREFIX):
                return problem_response(
                    400, "query_string_too_long", message, errors={"query_string": [message]}
                )
            title = _("Bad request")
            page = format_html(
                '<!doctype html><html lang="{}"><head><meta charset="utf-8"><title>{}</title>'
                "</head><body><h1>{}</h1><p>{}</p></body></html>",
                settings.LANGUAGE_CODE,
                title,
                title,
                message,
            )
        return HttpResponse(page, status=400, content_type="text/html; charset=utf-8")
