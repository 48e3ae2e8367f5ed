"""A structured log line per request."""

from __future__ import annotations

import logging
import time

from ops.client import client_address

logger = logging.getLogger("township.request")


class RequestLogMiddleware:
    """One structured log record per request: method, path, status, duration, client, user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        user = getattr(request, "user", None)
        logger.info(
            "request",
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "client": client_address(request),
                "user": user.get_username() if user is not None and user.is_authenticated else "",
            },
        )
        return response
