"""One error format for every API error (RFC 9457 in spirit), never an HTML page:

    {"type": "urn:trygg:problem:<code>", "title": "...", "status": 404,
     "detail": "...", "errors": {"field": ["message", ...]}}

``errors`` holds field errors (``non_field_errors`` for the others) and is empty otherwise.
A ``DomainError`` whose code starts with ``not_`` (``not_a_reporter``, ``not_the_owner``)
means the actor may not do this: 403; any other refused rule is a conflict with the record's
state: 409. Django's own 400/403/404/500 pages answer in the same format under ``/api/``.
"""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler

from core.exceptions import DomainError

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"


def too_large_detail() -> str:
    return _("The request body is larger than %(max)s bytes.") % {
        "max": settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    }


class Unprocessable(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "unprocessable"


def _titles() -> dict[int, str]:
    return {
        400: _("Bad request"),
        401: _("Not authenticated"),
        403: _("Forbidden"),
        404: _("Not found"),
        405: _("Method not allowed"),
        406: _("Not acceptable"),
        409: _("Conflict"),
        413: _("Request too large"),
        415: _("Unsupported media type"),
        422: _("Unprocessable request"),
        429: _("Too many requests"),
        500: _("Server error"),
    }


def problem(
    status_code: int, *, code: str, detail: str, errors: dict | None = None
) -> dict[str, object]:
    return {
        "type": f"urn:trygg:problem:{code}",
        "title": _titles().get(status_code, _("Error")),
        "status": status_code,
        "detail": detail,
        "errors": errors or {},
    }


def _translate(exc):
    """Django's and our own exceptions as DRF's, so one handler formats them all."""
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(as_serializer_error(exc))
    if isinstance(exc, DomainError):
        kind = exceptions.PermissionDenied if exc.code.startswith("not_") else Conflict
        return kind(exc.message, code=exc.code)
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied()
    # Django refuses an oversized or overfull body when DRF first reads it; DRF leaves that
    # to the handler (a 500 before): too large is a 413, the rest (too many fields) a 400.
    if isinstance(exc, RequestDataTooBig):
        return PayloadTooLarge(too_large_detail())
    if isinstance(exc, SuspiciousOperation):
        return exceptions.ParseError()
    return exc


def _code_of(detail, fallback: str) -> str:
    code = getattr(detail, "code", None)
    return code if isinstance(code, str) else fallback


def api_exception_handler(exc, context):
    """DRF's ``EXCEPTION_HANDLER``: every error, expected or not, as a problem document."""
    exc = _translate(exc)
    response = exception_handler(exc, context)
    if response is None:
        # A bug: logged with its traceback for us, a plain 500 for the client.
        logger.exception("Unhandled error in %s", context.get("view"), exc_info=exc)
        return Response(
            problem(500, code="server_error", detail=_("Something went wrong on our side.")),
            status=500,
        )
    detail = exc.detail if isinstance(exc, exceptions.APIException) else None
    if isinstance(exc, exceptions.ValidationError):
        errors = detail if isinstance(detail, dict) else {"non_field_errors": detail}
        response.data = problem(
            response.status_code,
            code="invalid",
            detail=_("The request is not valid; see errors."),
            errors=errors,
        )
        return response
    code = _code_of(detail, getattr(exc, "default_code", "error"))
    response.data = problem(response.status_code, code=code, detail=str(detail or exc))
    return response


# --- Django's error pages, as problems under /api/ ---------------------------------------------


def _wants_problem(request) -> bool:
    return request.path.startswith(API_PREFIX)


def problem_response(
    status_code: int, code: str, detail: str, *, errors: dict | None = None
) -> JsonResponse:
    """A problem document outside DRF (Django's error pages, middleware)."""
    return JsonResponse(
        problem(status_code, code=code, detail=detail, errors=errors),
        status=status_code,
        json_dumps_params={"ensure_ascii": False},
    )


def handler400(request, exception=None):
    if isinstance(exception, RequestDataTooBig):
        return _too_large(request)
    if _wants_problem(request):
        return problem_response(400, "bad_request", _("The request could not be read."))
    return defaults.bad_request(request, exception)


def _too_large(request):
    """A body past ``DATA_UPLOAD_MAX_MEMORY_SIZE`` read outside DRF (a form, the CSRF check):
    413, as the API answers, not Django's generic 400."""
    if _wants_problem(request):
        return problem_response(413, "payload_too_large", too_large_detail())
    response = defaults.bad_request(request, None)
    response.status_code = 413
    return response


def handler403(request, exception=None):
    if _wants_problem(request):
        return problem_response(403, "permission_denied", _("You may not do this."))
    return defaults.permission_denied(request, exception)


def handler404(request, exception=None):
    if _wants_problem(request):
        return problem_response(404, "not_found", _("There is nothing at this address."))
    return defaults.page_not_found(request, exception)


def handler500(request):
    if _wants_problem(request):
        return problem_response(500, "server_error", _("Something went wrong on our side."))
    return defaults.server_error(request)
