"""django-auditlog's request context (who changed a record, from which address) without its
per-request signal connect.

auditlog's own middleware connects a `pre_save` receiver for its log entries on every
request and disconnects it at the end; each connect also empties the signal's receiver
cache, so every save after it looks its receivers up again. That cost every request a
tenth of a millisecond and more, reads included (issue 21, item 4). Here one receiver is
connected once, and each request only sets auditlog's context variable, which that
receiver reads.
"""

from functools import partial
from typing import Any

from auditlog import get_logentry_model
from auditlog.cid import set_cid
from auditlog.context import _set_extra_data, auditlog_value
from auditlog.middleware import AuditlogMiddleware
from django.db.models.signals import pre_save
from django.http import HttpRequest, HttpResponse

# The dispatch uid of the one receiver, and the mark a request's context carries for it;
# a `set_actor()` opened inside a request marks its own and connects its own receiver.
REQUEST = ("policestation", "request")


def connect() -> None:
    """Connect the receiver that fills a log entry from the request's context (at start)."""
    pre_save.connect(
        partial(_set_extra_data, signal_duid=REQUEST),
        sender=get_logentry_model(),
        dispatch_uid=REQUEST,
        weak=False,
    )


class RequestAuditMiddleware(AuditlogMiddleware):  # type: ignore[misc]  # auditlog: no types
    def __call__(self, request: HttpRequest) -> HttpResponse:
        set_cid(request)
        context: dict[str, Any] = {**self.get_extra_data(request), "signal_duid": REQUEST}
        token = auditlog_value.set(context)
        try:
            response: HttpResponse = self.get_response(request)
        finally:
            auditlog_value.reset(token)
        return response
