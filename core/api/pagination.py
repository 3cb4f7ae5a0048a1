"""Cursor pagination for the API: the house keyset pages (``core.pagination``) behind DRF.

A page answers ``{"next": <url or null>, "results": [...]}``. The cursor is opaque and
signed; it costs the same on any page. The ordering is one of the view's
``ordering_fields`` (``-`` for descending), id breaking ties; anything else is refused
with 400 rather than silently ignored.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from core.pagination import InvalidCursor, keyset_page

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


class KeysetCursorPagination(BasePagination):
    cursor_query_param = "cursor"
    page_size_query_param = "page_size"
    ordering_query_param = "ordering"
    page_size = PAGE_SIZE
    max_page_size = MAX_PAGE_SIZE

    def _orderings(self, view) -> list[str]:
        fields = getattr(view, "ordering_fields", None)
        if not fields:
            raise AssertionError(f"{type(view).__name__} must name its ordering_fields.")
        return [prefix + field for field in fields for prefix in ("-", "")]

    def get_ordering(self, request, view) -> str:
        default = getattr(view, "ordering", None) or f"-{view.ordering_fields[0]}"
        ordering = request.query_params.get(self.ordering_query_param, default)
        if ordering not in self._orderings(view):
            raise ValidationError(
                {self.ordering_query_param: [_("Unknown ordering: %s.") % ordering[:50]]}
            )
        return ordering

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("A whole number from 1 to %d.") % self.max_page_size
                    ]
                }
            )
        return size

    def paginate_queryset(self, queryset, request, view=None):
        ordering = self.get_ordering(request, view)
        size = self.get_page_size(request)
        try:
            page = keyset_page(
                queryset,
                ordering=ordering,
                cursor=request.query_params.get(self.cursor_query_param),
                size=size,
                salt=f"api:{type(view).__name__}",
            )
        except InvalidCursor:
            raise ValidationError(
                {self.cursor_query_param: [_("The cursor is not valid for this list.")]}
            ) from None
        self.request = request
        self.next_cursor = page.next_cursor
        return page.rows

    def get_next_link(self) -> str | None:
        if not self.next_cursor:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, self.next_cursor)

    def get_first_link(self) -> str:
        return remove_query_param(self.request.build_absolute_uri(), self.cursor_query_param)

    def get_paginated_response(self, data):
        return Response({"next": self.get_next_link(), "results": data})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "results"],
            "properties": {
                "next": {
                    "type": "string",
                    "format": "uri",
                    "nullable": True,
                    "description": "The next page, or null on the last one.",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "in": "query",
                "required": False,
                "description": "Where the page starts: the cursor of the previous page's `next`.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "in": "query",
                "required": False,
                "description": f"Rows per page (default {self.page_size}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
            {
                "name": self.ordering_query_param,
                "in": "query",
                "required": False,
                "description": "Sort order; `-` for descending. Ties are broken by id.",
                "schema": {"type": "string", "enum": self._orderings(view)},
            },
        ]
