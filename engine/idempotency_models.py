"""Idempotency keys of the API's write requests: the first answer to a POST sent with an
`Idempotency-Key` header, kept so a retry of the same request (same caller, key and body) gets
that answer again instead of doing the work twice (api/idempotency.py)."""

from __future__ import annotations

from django.db import models


class IdempotencyKey(models.Model):
    """One caller's key: the request's fingerprint and, once answered, the stored answer.

    The row is written in the same transaction as the request's own writes, so a request that
    fails (or a server that crashes) leaves no key behind and the retry runs afresh."""

    caller = models.CharField(max_length=64)  # "user:<pk>", or "anonymous"
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)  # sha256 of method, path and body
    created_at = models.DateTimeField(db_index=True)
    status = models.PositiveSmallIntegerField(null=True)
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(default=b"")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["caller", "key"], name="idempotency_key_per_caller")]

    def __str__(self) -> str:
        return f"{self.caller} {self.key}"
