"""Rate limits for what the public may post without logging in (objections, complaints)."""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

DEFAULT_PUBLIC_POST_RATE = "20/hour"


class PublicPostThrottle(SimpleRateThrottle):
    """Per client address, shared by every public POST endpoint.

    The rate is `settings.PUBLIC_POST_THROTTLE_RATE` when set (read per request, so tests can
    lower it), else 20 per hour: enough for a household, too few for a flood.
    """

    scope = "public_post"

    def get_rate(self) -> str:
        return getattr(settings, "PUBLIC_POST_THROTTLE_RATE", DEFAULT_PUBLIC_POST_RATE)

    def allow_request(self, request, view) -> bool:
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
