"""Error pages: JSON in the API's one error shape under /api/, the HTML pages elsewhere.

With DEBUG off nothing shows a traceback or an exception's text. The database being
unreachable is not a bug but an outage: 503 with Retry-After and a short message, whether
the error arose in a view or in a middleware (the session and the user are loaded from the
database before any view runs). Django hands every such exception, from any layer, to
`server_error` while it is being handled, so that is where it is recognised. Each such
503 is logged as one line (`log_unavailable`), never a traceback.

A form sent with more text than DATA_UPLOAD_MAX_MEMORY_SIZE (5 MB pasted into a
description) is refused with a page that says so and that nothing was saved, in the page's
language, DEBUG or not (`RequestSizeMiddleware`: Django would show its debug page, or an
English "Bad Request (400)").
"""

import logging
import sys
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import defaults

from .limits import TEXT_MAX_LENGTH

logger = logging.getLogger(__name__)

DATABASE_DOWN = (OperationalError, InterfaceError)
TOO_LARGE = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)
UNAVAILABLE = gettext_lazy("The service is briefly unavailable. Please retry.")
RETRY_AFTER_SECONDS = "30"

_R = TypeVar("_R", bound=HttpResponseBase)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _json(code: str, message: object, status: int) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": str(message)}}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, TOO_LARGE):
        return too_large(request)
    if _is_api(request):
        return _json("invalid", _("The request is not valid."), 400)
    return render(request, "400.html", status=400)


def too_large(request: HttpRequest) -> HttpResponse:
    """413: the form's text (not its files) is over the limit; nothing was read or saved."""
    logger.warning(
        "request refused, its form data is too large: %s %s", request.method, request.path
    )
    megabytes = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
    if _is_api(request):
        message = _(
            "The request is too large: its data is over %(size)d MB. Nothing was saved."
        ) % {"size": megabytes}
        return _json("too_large", message, 413)
    return render(
        request,
        "400.html",
        {"too_large": True, "megabytes": megabytes, "text_max": TEXT_MAX_LENGTH},
        status=413,
    )


class RequestSizeMiddleware:
    """Reads a POSTed form here (CsrfViewMiddleware reads it anyway), and checks the size
    of any other body against Django's own limit, so that too much is answered by
    `too_large` rather than by an exception deeper in. Files sent in a multipart form are
    not counted: their own limits are the upload checks' (apps.core.uploads)."""

    FORMS = ("multipart/form-data", "application/x-www-form-urlencoded")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        try:
            if request.method == "POST" and request.content_type in self.FORMS:
                request.POST  # noqa: B018  (parsing counts the fields' text)
            elif _content_length(request) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
                raise RequestDataTooBig
        except TOO_LARGE:
            return too_large(request)
        except MultiPartParserError:
            # A body that is no form (a broken boundary): its view refuses it, after the
            # login it needs, so that an anonymous caller learns 401 and nothing about it.
            pass
        return self.get_response(request)


def _content_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return _json("permission_denied", _("You do not have permission to do this."), 403)
    # Django's view only renders str(exception), which None is too.
    return defaults.permission_denied(request, exception)  # type: ignore[arg-type]


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return _json("not_found", _("Not found."), 404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    exc = sys.exc_info()[1]
    if isinstance(exc, DATABASE_DOWN):
        return service_unavailable(request, exc)
    if _is_api(request):
        return _json("server_error", _("Something went wrong on our side. Please try again."), 500)
    return defaults.server_error(request)


def log_unavailable(request: HttpRequest, exc: BaseException | None, response: _R) -> _R:
    """One line per 503, without the traceback: an outage answers hundreds of requests and
    each traceback would only repeat that the server is down. Marks the response logged, so
    that Django's `django.request` does not log it again (with the traceback)."""
    logger.warning(
        "database unavailable, answered 503: %s %s (%s: %s)",
        request.method,
        request.path,
        type(exc).__name__,
        " ".join(str(exc).split()),
    )
    response._has_been_logged = True  # type: ignore[attr-defined]  # Django's own private flag
    return response


def service_unavailable(request: HttpRequest, exc: BaseException | None = None) -> HttpResponse:
    response: HttpResponse
    if _is_api(request):
        response = _json("unavailable", UNAVAILABLE, 503)
    else:
        # Rendered without the request: no context processor, so nothing reads the database.
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = RETRY_AFTER_SECONDS
    return log_unavailable(request, exc or sys.exc_info()[1], response)
