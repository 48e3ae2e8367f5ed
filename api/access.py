"""The API's position check; who sees which case lives in `engine.access` (shared with the web pages)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from engine.access import (  # noqa: F401  (re-exported for the views)
    ADMINISTRATOR, ARCHIVIST, CANCELLERS, CHIEF, COMMITTEE_MEMBER, CONFLICT_RECORDERS, DEPUTY, HANDLER, INSPECTOR,
    INSPECTORS, LEADERS_AND_INSPECTOR, RECORDER, REPLAYERS, STARTERS, STATION_HEAD, VILLAGE_AGENT, VILLAGE_COMMITTEE,
    WINDOW_CLERK, default_township, files_as_agent, get_visible_case, inbox, organization_for_new_case, positions_held,
    scope_of, sees, visible_cases, visible_organizations,
)  # fmt: skip


class PositionPermission(BasePermission):
    """Grants a method when the user holds one of `view.required_positions[method]`
    (`None`: any position). Methods not listed are refused."""

    message = _("您的岗位无权执行此操作")

    def has_permission(self, request, view) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        method = "GET" if request.method == "HEAD" else request.method
        if method == "OPTIONS" or not hasattr(view, method.lower()):
            return True  # OPTIONS describes; an unimplemented method answers 405, not 403
        required = getattr(view, "required_positions", {})
        if method not in required:
            return False
        held = positions_held(request.user)
        wanted = required[method]
        return bool(held) if wanted is None else bool(held & wanted)
