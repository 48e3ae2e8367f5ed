"""System checks for a production configuration (run by `manage.py check --deploy`)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.caches, deploy=True)
def shared_cache(app_configs, **kwargs):
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith("LocMemCache") or backend.endswith("DummyCache"):
        return [
            Warning(
                "The cache is per process: throttles and login limits are not shared by the workers.",
                hint="Set REDIS_URL (make serve starts a local Redis).",
                id="ops.W001",
            )
        ]
    return []
