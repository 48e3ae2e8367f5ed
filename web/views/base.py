"""What the pages share: the request clock, the staff check, engine errors shown as a page."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from engine import access, clock


def now() -> datetime:
    """The server clock every page uses (the same as the API's and the timer worker's)."""
    return clock.now()


def staff_page(positions: Iterable[str] | None = None) -> Callable:
    """A page for logged-in staff: anyone holding a post (`positions=None`) or one of `positions`.
    Not logged in: the login page; logged in without the post: 403."""
    wanted = frozenset(positions) if positions is not None else None

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            held = access.positions_held(request.user)
            if not held or (wanted is not None and not held & wanted):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
