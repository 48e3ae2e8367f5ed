"""What every view shares: parsers, the position check, the request clock, pagination, context."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from api.access import PositionPermission
from api.pagination import BoundedLimitOffsetPagination
from api.parsers import SafeJSONParser
from engine import clock, selectors
from processes.models import Power

PARSERS = [SafeJSONParser]  # JSON request bodies only (the web pages have their own views)


def power_names() -> dict[str, str]:
    """Names by code: the powers and the institutions' procedures (三重一大, 四议两公开, 问责, 四谈话)."""
    from processes.procedures import procedures

    return {**{p.code: p.name for p in procedures()}, **dict(Power.objects.values_list("code", "name"))}


class _PowerNames(Mapping):
    """The power names, read (one query) the first time a serializer asks for one."""

    def __init__(self) -> None:
        self._names: dict[str, str] | None = None

    def _load(self) -> dict[str, str]:
        if self._names is None:
            self._names = power_names()
        return self._names

    def __getitem__(self, code: str) -> str:
        return self._load()[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())


class _Context:
    """Serializer context with the request's clock and the power names (one query, when used)."""

    def _context(self) -> dict[str, Any]:
        context = getattr(self, "_api_context", None)
        if context is None:
            context = {"now": clock.now(), "power_names": _PowerNames(), "lights": selectors.Lights()}
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
