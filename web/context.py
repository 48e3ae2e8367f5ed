"""What every page's layout needs: the township's name and the links the user's posts open."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from engine import access, townships
from engine.models import Organization
from processes.models import TownshipSetting


def township_name(township: Organization | None = None) -> str:
    """The name in the page header: the user's (or the visitor's chosen) township, else the county
    list's template name."""
    if township is not None:
        return townships.township_name(township)
    value = TownshipSetting.objects.filter(key="township_name").values_list("value", flat=True).first()
    return str(value) if value else "示范乡"


def site(request: HttpRequest) -> dict[str, Any]:
    from web.views.public import chosen_township

    user = getattr(request, "user", None)
    held = access.positions_held(user) if user is not None and user.is_authenticated else frozenset()
    township = access.default_township(user) if held else chosen_township(request)
    return {
        "township_name": township_name(township),
        "positions_held": held,
        "is_staff_user": bool(held),
        "can_start": bool(held & access.STARTERS),
        "can_inspect": bool(held & access.REPLAYERS),
    }
