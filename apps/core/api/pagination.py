from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200


class TimeCursorPagination(pagination.CursorPagination):
    """Keyset pagination for tables that grow without bound (logs, readings, incidents):
    a stable newest-first order and no COUNT(*) over the table on any page."""

    ordering = ("-occurred_at", "-id")
    page_size_query_param = "page_size"
    max_page_size = 200
