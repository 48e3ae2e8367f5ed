"""Rate limits for what the public may post without logging in (objections, complaints)."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

from ops.client import client_address

DEFAULT_PUBLIC_POST_RATE = "20/hour"


class PublicPostThrottle(BaseThrottle):
    """Per client address, shared by every public POST endpoint: at most N requests per window.

    The rate is `settings.PUBLIC_POST_THROTTLE_RATE` when set (read per request, so tests can
    lower it), else 20 per hour: enough for a household, too few for a flood.

    The count is one atomic counter per (address, window) in the shared cache (Redis INCR in
    production), so four workers or four app servers together let through no more than the rate:
    a read-then-write history (DRF's SimpleRateThrottle) lets concurrent requests in different
    processes all read the same count. The address is ops.client's: a client-written
    X-Forwarded-For is never used.
    """

    scope = "public_post"

    def get_rate(self) -> str:
        return getattr(settings, "PUBLIC_POST_THROTTLE_RATE", DEFAULT_PUBLIC_POST_RATE)

    def allow_request(self, request, view) -> bool:
        limit, duration = SimpleRateThrottle.parse_rate(None, self.get_rate())
        now = time.time()
        window = int(now // duration)
        key = f"throttle:{self.scope}:{client_address(request)}:{window}"
        cache.add(key, 0, timeout=duration + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # the window's key expired between add and incr
            cache.add(key, 1, timeout=duration + 1)
            count = 1
        self._wait = (window + 1) * duration - now
        return count <= limit

    def wait(self) -> float:
        return self._wait
