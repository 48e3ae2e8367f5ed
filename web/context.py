"""What every page's layout needs: the township's name and the links the user's posts open."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from engine import access
from processes.models import TownshipSetting


def township_name() -> str:
    value = TownshipSetting.objects.filter(key="township_name").values_list("value", flat=True).first()
    return str(value) if value else "示范乡"


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    held = access.positions_held(user) if user is not None and user.is_authenticated else frozenset()
    return {
        "township_name": township_name(),
        "positions_held": held,
        "is_staff_user": bool(held),
        "can_start": bool(held & access.STARTERS),
        "can_inspect": bool(held & access.REPLAYERS),
    }
