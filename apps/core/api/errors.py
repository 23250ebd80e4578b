from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from ..errors import DomainError
from ..handlers import DATABASE_DOWN, RETRY_AFTER_SECONDS, UNAVAILABLE, log_unavailable


class BodyRefused(exceptions.ParseError):
    """A body that cannot be read, with its reason in the request's language."""


def _error(
    code: str,
    message: object,
    fields: object = None,
    status: int = 400,
    headers: Mapping[str, str] | None = None,
) -> Response:
    body: dict[str, dict[str, object]] = {"error": {"code": code, "message": str(message)}}
    if fields:
        body["error"]["fields"] = fields
    return Response(body, status=status, headers=headers)


_CODES = {
    400: "invalid",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    415: "unsupported_media_type",
    429: "throttled",
    503: "unavailable",
}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Every API error as {"error": {"code", "message", "fields"?}}, in the request's language."""
    if isinstance(exc, DomainError):
        return _error(exc.code, exc.message, status=exc.status)
    if isinstance(exc, DATABASE_DOWN):
        # The database is down or restarting: tell the tablet to retry, not that it erred.
        response = _error(
            "unavailable", UNAVAILABLE, status=503, headers={"Retry-After": RETRY_AFTER_SECONDS}
        )
        return log_unavailable(context["request"], exc, response)
    if isinstance(exc, ProtectedError | RestrictedError):
        # A DELETE of a record that others still point at (a mediator with disputes).
        return _error(
            "conflict", _("This record is still in use and cannot be deleted."), status=409
        )
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, exceptions.ParseError) and not isinstance(exc, BodyRefused):
        # DRF's parsers say what Python's json or Django's multipart parser said, in English.
        exc = BodyRefused(_("The request body cannot be read: send well-formed JSON or a form."))
    drf_response = drf_exception_handler(exc, context)
    if drf_response is None:
        return None
    response = drf_response
    status = response.status_code
    code = _CODES.get(status, "error")
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        return _error("invalid", _("The data is not valid."), detail, status, response.headers)
    if isinstance(exc, exceptions.APIException):
        message = exc.detail if isinstance(exc.detail, str) else response.data
        return _error(code, message, status=status, headers=response.headers)
    return response
