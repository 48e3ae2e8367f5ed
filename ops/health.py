"""GET /api/health/: 200 when the database answers, the cache answers and every timer worker's
heartbeat is fresh (at least one running); 503 otherwise, with what is wrong. No login; for load
balancers and monitoring."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ops.models import WorkerHeartbeat
from ops.worker import close_connections


def _database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return {"ok": True}
    except DatabaseError as error:
        close_connections()
        return {"ok": False, "error": type(error).__name__}


def _cache() -> dict:
    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    key, value = "health-probe", uuid.uuid4().hex
    try:
        cache.set(key, value, timeout=10)
        ok = cache.get(key) == value
    except Exception as error:  # noqa: BLE001 - any cache failure is reported, not raised
        return {"ok": False, "backend": backend, "error": type(error).__name__}
    return {"ok": ok, "backend": backend}


def _workers(now) -> dict:
    stale_after = settings.HEARTBEAT_STALE_SECONDS
    workers = []
    try:
        rows = list(WorkerHeartbeat.objects.all())
    except DatabaseError:
        close_connections()
        return {"ok": False, "fresh": 0, "stale": 0, "workers": []}
    for row in rows:
        age = (now - row.beat_at).total_seconds()
        workers.append({"name": row.name, "beat_at": row.beat_at.isoformat(), "age_seconds": round(age, 1),
                        "stale": age > stale_after, "rounds": row.rounds, "errors": row.errors,
                        "last_error": row.last_error[:300]})  # fmt: skip
    fresh = sum(1 for w in workers if not w["stale"])
    stale = len(workers) - fresh
    return {"ok": fresh > 0 and stale == 0, "fresh": fresh, "stale": stale, "stale_after_seconds": stale_after,
            "workers": workers}  # fmt: skip


@never_cache
@require_GET
def health(request):
    database = _database()
    body = {"database": database, "cache": _cache(),
            "timer_workers": _workers(timezone.now()) if database["ok"] else {"ok": False, "workers": []}}  # fmt: skip
    ok = all(part["ok"] for part in body.values())
    body = {"status": "ok" if ok else "unavailable", **body}
    return JsonResponse(body, status=200 if ok else 503, json_dumps_params={"ensure_ascii": False})
