"""Error pages: JSON in the API's one error shape under /api/, the HTML pages elsewhere.

With DEBUG off nothing shows a traceback or an exception's text. The database being
unreachable is not a bug but an outage: 503 with Retry-After and a short message, whether
the error arose in a view or in a middleware (the session and the user are loaded from the
database before any view runs). Django hands every such exception, from any layer, to
`server_error` while it is being handled, so that is where it is recognised.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import defaults

DATABASE_DOWN = (OperationalError, InterfaceError)
UNAVAILABLE = gettext_lazy("The service is briefly unavailable. Please retry.")
RETRY_AFTER_SECONDS = "30"


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _json(code: str, message, status: int) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": str(message)}}, status=status)


def bad_request(request, exception=None):
    if _is_api(request):
        return _json("invalid", _("The request is not valid."), 400)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception=None):
    if _is_api(request):
        return _json("permission_denied", _("You do not have permission to do this."), 403)
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception=None):
    if _is_api(request):
        return _json("not_found", _("Not found."), 404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if isinstance(sys.exc_info()[1], DATABASE_DOWN):
        return service_unavailable(request)
    if _is_api(request):
        return _json("server_error", _("Something went wrong on our side. Please try again."), 500)
    return defaults.server_error(request)


def service_unavailable(request):
    if _is_api(request):
        response = _json("unavailable", UNAVAILABLE, 503)
    else:
        # Rendered without the request: no context processor, so nothing reads the database.
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = RETRY_AFTER_SECONDS
    return response
