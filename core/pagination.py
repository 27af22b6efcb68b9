"""Pagination for API lists: cursors for feeds and logs, so pages stay stable while rows arrive."""

from rest_framework.pagination import CursorPagination


class NewestFirstCursor(CursorPagination):
    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"
    ordering = "-created_at"
