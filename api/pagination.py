"""Limit/offset pagination with bounds, so no query parameter can overflow a database integer,
and a bounded count: no page counts a whole table."""

from __future__ import annotations

from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    """`count` is exact up to `count_ahead` rows past the page; beyond that the count stops there
    and says so (`count_capped`: there are at least `count` rows), so a page of a 100k-row list
    costs what a page of a short one does."""

    default_limit = 50
    max_limit = 500
    max_offset = 1_000_000_000
    count_ahead = 200

    def get_offset(self, request) -> int:
        return min(super().get_offset(request), self.max_offset)

    def get_count(self, queryset) -> int:
        upto = self.get_offset(self.request) + self.limit + self.count_ahead
        if hasattr(queryset, "query"):
            found = queryset.order_by()[: upto + 1].count()  # any upto+1 rows count the same: no sort
        else:
            found = len(queryset)
        self.count_capped = found > upto
        return min(found, upto)

    def get_paginated_response(self, data) -> Response:
        return Response({"count": self.count, "count_capped": self.count_capped, "next": self.get_next_link(),
                         "previous": self.get_previous_link(), "results": data})  # fmt: skip

    def get_paginated_response_schema(self, schema: dict) -> dict:
        result = super().get_paginated_response_schema(schema)
        result["properties"]["count_capped"] = {
            "type": "boolean",
            "description": "true: there are at least `count` rows (the count stops 200 rows past the page)",
        }
        result["required"] = [*result.get("required", []), "count_capped"]
        return result
