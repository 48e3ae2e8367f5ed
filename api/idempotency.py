"""Safe retries: `Idempotency-Key` on the API's POST requests.

A client that lost the answer to a POST (a dropped connection, a timeout) sends it again with the
same `Idempotency-Key` header. The first request runs; its answer (status and body) is stored with
the key in the same transaction as the request's own writes. A retry by the same caller with the
same key and the same body gets the stored answer back (header `Idempotent-Replayed: true`) and
writes nothing. The same key with a different body is refused (422 `idempotency_key_reused`); a
retry that arrives while the first request still runs waits for it (the key's row is locked until
the first request commits) and then gets its answer, or 409 `idempotency_key_in_progress` when the
first one is still running in this very transaction. Keys are kept IDEMPOTENCY_KEY_TTL_HOURS
(24 by default); after that the key may be used again. An answer of 5xx is never stored (the
transaction is rolled back with the key), nor are 401 and 429 (the request never ran).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from rest_framework.request import Request
from rest_framework.settings import api_settings

from api.middleware import error_response, is_api
from engine import clock
from engine.idempotency_models import IdempotencyKey

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
NOT_STORED = {401, 429}


def ttl() -> timedelta:
    return timedelta(hours=getattr(settings, "IDEMPOTENCY_KEY_TTL_HOURS", 24))


def caller_of(request: HttpRequest) -> str:
    """Who sends the request, as DRF will authenticate it (token or session); "anonymous" else."""
    drf_request = Request(request)
    for authenticator in api_settings.DEFAULT_AUTHENTICATION_CLASSES:
        try:
            result = authenticator().authenticate(drf_request)
        except Exception:  # the view will refuse it with its own 401/403
            return "anonymous"
        if result is not None:
            return f"user:{result[0].pk}"
    return "anonymous"


def fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    for part in (request.method or "", request.get_full_path(), request.META.get("CONTENT_TYPE", "")):
        digest.update(part.encode("utf-8") + b"\0")
    digest.update(request.body)
    return digest.hexdigest()


def replay(request: HttpRequest, row: IdempotencyKey) -> HttpResponse:
    response = HttpResponse(bytes(row.body), status=row.status, content_type=row.content_type or None)
    response["Idempotent-Replayed"] = "true"
    return response


class IdempotencyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        if key is None or request.method != "POST" or not is_api(request):
            return self.get_response(request)
        if not key.strip() or len(key) > MAX_KEY_LENGTH:
            return error_response(request, 400, "idempotency_key_invalid",
                                  _("Idempotency-Key 须为 1 至 255 个字符"))  # fmt: skip
        caller, print_ = caller_of(request), fingerprint(request)
        now = clock.now()
        with transaction.atomic():
            IdempotencyKey.objects.filter(created_at__lt=now - ttl()).delete()
            try:
                with transaction.atomic():
                    row = IdempotencyKey.objects.create(caller=caller, key=key, fingerprint=print_, created_at=now)
            except IntegrityError:  # the key exists: committed (a concurrent first request waited for)
                row = IdempotencyKey.objects.select_for_update().get(caller=caller, key=key)
                return self._answer_again(request, row, print_)
            response = self.get_response(request)
            if response.status_code >= 500 or getattr(response, "streaming", False):
                transaction.set_rollback(True)
                return response
            if response.status_code in NOT_STORED:
                row.delete()
                return response
            row.status, row.body = response.status_code, response.content
            row.content_type = response.get("Content-Type", "")
            row.save(update_fields=["status", "body", "content_type"])
            return response

    @staticmethod
    def _answer_again(request: HttpRequest, row: IdempotencyKey, print_: str) -> HttpResponse:
        if row.fingerprint != print_:
            return error_response(request, 422, "idempotency_key_reused",
                                  _("该 Idempotency-Key 已用于另一请求，请换用新的键"))  # fmt: skip
        if row.status is None:
            return error_response(request, 409, "idempotency_key_in_progress",
                                  _("使用该 Idempotency-Key 的请求仍在处理中，请稍后重试"))  # fmt: skip
        return replay(request, row)
