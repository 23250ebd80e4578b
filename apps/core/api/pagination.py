from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from ..pagination import LastPageCountsPaginator, NoCountPaginator

if TYPE_CHECKING:
    from django.core.paginator import Paginator
    from rest_framework.request import Request


class StrictPageSizeMixin:
    """A page_size that is not a whole number from 1 to max_page_size is a 400, not silently
    the default: the schema promises an integer, and clients should learn their mistake."""

    page_size_query_param: str | None = "page_size"
    max_page_size: int | None = 200
    page_size: int | None  # the pagination class's

    def get_page_size(self, request: "Request") -> int | None:
        name, largest = self.page_size_query_param, self.max_page_size
        if not name or largest is None:
            return self.page_size
        raw = request.query_params.get(name)
        if raw is None:
            return self.page_size
        if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= largest:
            message = _("Give a whole number from 1 to %(max)d.") % {"max": largest}
            raise ValidationError({name: [message]})
        return int(raw)


class PageNumberPagination(StrictPageSizeMixin, pagination.PageNumberPagination):
    django_paginator_class = LastPageCountsPaginator

    def get_page_number(self, request: "Request", paginator: "Paginator[Any]") -> int:
        """A page that is not a whole number from 1 is a 400 (DRF reads an empty one as the
        first page); a page past the last stays DRF's 404."""
        name = self.page_query_param
        raw = request.query_params.get(name)
        if raw is None:
            return 1
        if raw in self.last_page_strings:
            return int(paginator.num_pages)
        if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
            raise ValidationError({name: [_("Give a whole number of 1 or more.")]})
        return int(raw)


class UncountedPageNumberPagination(PageNumberPagination):
    """Page numbers without the total, for a registry whose scope runs to hundreds of
    thousands of rows: its COUNT(*) cost the list most of its time (issue 21, item 4), and
    nobody pages through it, they filter. `next` says whether there is more, as on the
    sieve's page (core.pagination.NoCountPaginator)."""

    last_page_strings = ()  # no total, no last page: "last" is refused like any other word
    template = None  # the browsable API's page links need the total

    def paginate_queryset(
        self, queryset: Any, request: "Request", view: Any = None
    ) -> list[Any] | None:
        self.request = request
        size = self.get_page_size(request)
        assert size is not None  # PAGE_SIZE is set (settings.REST_FRAMEWORK)
        paginator = NoCountPaginator(queryset, size)
        self.page = paginator.page(self.get_page_number(request, paginator))
        if self.page.number > 1 and not self.page.object_list:
            raise NotFound(self.invalid_page_message)
        return list(self.page)

    def get_paginated_response(self, data: Any) -> Response:
        links = {"next": self.get_next_link(), "previous": self.get_previous_link()}
        return Response({**links, "results": data})

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        described = super().get_paginated_response_schema(schema)
        del described["properties"]["count"]
        described["required"] = ["results"]
        return described


class TimeCursorPagination(StrictPageSizeMixin, pagination.CursorPagination):
    """Keyset pagination for tables that grow without bound (logs, readings, incidents):
    a stable newest-first order and no COUNT(*) over the table on any page."""

    ordering = ("-occurred_at", "-id")
