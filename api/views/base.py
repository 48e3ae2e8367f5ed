"""What every view shares: parsers, the position check, the request clock, pagination, context."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from api.access import PositionPermission
from api.pagination import BoundedLimitOffsetPagination
from api.parsers import SafeJSONParser
from engine import clock
from processes.models import Power

PARSERS = [SafeJSONParser]  # JSON request bodies only (the web pages have their own views)


def power_names() -> dict[str, str]:
    """Names by code: the powers and the institutions' procedures (三重一大, 四议两公开, 问责, 四谈话)."""
    from processes.procedures import procedures

    return {**{p.code: p.name for p in procedures()}, **dict(Power.objects.values_list("code", "name"))}


class _Context:
    """Serializer context with the request's clock and the power names (one query)."""

    def _context(self) -> dict[str, Any]:
        context = getattr(self, "_api_context", None)
        if context is None:
            context = {"now": clock.now(), "power_names": power_names()}
            self._api_context = context
        return context

    @property
    def now(self) -> datetime:
        return self._context()["now"]


class StaffView(_Context, APIView):
    """Logged-in staff; `required_positions` names the positions per method (None: any position)."""

    parser_classes = PARSERS
    permission_classes = [PositionPermission]
    required_positions: dict[str, frozenset[str] | None] = {"GET": None}

    def context(self, **extra: Any) -> dict[str, Any]:
        return {**self._context(), "request": self.request, **extra}


class StaffListView(_Context, ListAPIView):
    parser_classes = PARSERS
    pagination_class = BoundedLimitOffsetPagination
    permission_classes = [PositionPermission]
    required_positions: dict[str, frozenset[str] | None] = {"GET": None}

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), **self._context()}


class PublicView(_Context, APIView):
    """No login, no session (so no CSRF token needed): the public's endpoints."""

    parser_classes = PARSERS
    permission_classes = [AllowAny]
    authentication_classes: list = []

    def context(self, **extra: Any) -> dict[str, Any]:
        return {**self._context(), "request": self.request, **extra}


class PublicListView(_Context, ListAPIView):
    parser_classes = PARSERS
    pagination_class = BoundedLimitOffsetPagination
    permission_classes = [AllowAny]
    authentication_classes: list = []

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), **self._context()}
