"""The client's address, as far as this server can trust it.

With no trusted proxy (settings.TRUSTED_PROXIES = 0, the default) it is REMOTE_ADDR, whatever the
client wrote into X-Forwarded-For. Behind N trusted proxies it is the address the outermost of
them saw: the N-th entry from the right of X-Forwarded-For (each proxy appends the peer it talked
to), so entries a client forged to the left are never used. This is the rule DRF's throttles apply
with the same NUM_PROXIES setting.
"""

from __future__ import annotations

from django.conf import settings


def client_address(request) -> str:
    meta = request.META
    remote = meta.get("REMOTE_ADDR", "") or ""
    proxies = int(getattr(settings, "TRUSTED_PROXIES", 0) or 0)
    forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return remote
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if not hops:
        return remote
    return hops[-min(proxies, len(hops))]
