"""A brute-force limit on every password login: the token endpoint, the API login and the admin.

Failures are counted in the shared cache per user name and per client address (ops.client); past
the limit, every login for that name or from that address is refused, right password or not,
until LOGIN_LOCKOUT_SECONDS have passed since the last failure. A success clears the name's count.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import PermissionDenied

from ops.client import client_address

logger = logging.getLogger(__name__)


def _keys(request, username: str) -> tuple[str, str]:
    name = hashlib.sha256((username or "").strip().lower().encode()).hexdigest()[:32]
    return f"login-failures:user:{name}", f"login-failures:addr:{client_address(request)}"


def is_locked(request, username: str) -> bool:
    user_key, addr_key = _keys(request, username)
    counts = cache.get_many([user_key, addr_key])
    return (counts.get(user_key, 0) >= settings.LOGIN_FAILURE_LIMIT
            or counts.get(addr_key, 0) >= settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS)  # fmt: skip


def record_failure(request, username: str) -> None:
    for key in _keys(request, username):
        cache.add(key, 0, timeout=settings.LOGIN_LOCKOUT_SECONDS)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=settings.LOGIN_LOCKOUT_SECONDS)
            count = 1
        cache.touch(key, settings.LOGIN_LOCKOUT_SECONDS)
    logger.warning("login failed", extra={"username": username, "client": client_address(request),
                                          "failures": count})  # fmt: skip


def clear(request, username: str) -> None:
    cache.delete(_keys(request, username)[0])


class LockoutModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:  # not a login over HTTP (management commands, tests' force_login)
            return super().authenticate(request, username=username, password=password, **kwargs)
        if username is None:
            username = kwargs.get(self._username_field(), "")
        if is_locked(request, username or ""):
            logger.warning("login refused: locked", extra={"username": username, "client": client_address(request)})
            raise PermissionDenied
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            record_failure(request, username or "")
        else:
            clear(request, username or "")
        return user

    @staticmethod
    def _username_field() -> str:
        from django.contrib.auth import get_user_model

        return get_user_model().USERNAME_FIELD
