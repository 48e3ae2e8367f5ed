"""Helpers shared by the institutions' rules: the audit trail of a case, its start data."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.models import AuditEvent, Case


def start_data(case: Case) -> dict[str, Any]:
    first = AuditEvent.objects.filter(case=case, kind=AuditEvent.Kind.CASE_STARTED).values_list("payload", flat=True)
    payload = first.first() or {}
    data = payload.get("data") if isinstance(payload, Mapping) else None
    return dict(data) if isinstance(data, Mapping) else {}


def completions(case: Case, bpmn_id: str) -> list[tuple[str, dict[str, Any]]]:
    """(actor, submitted data) of every completion of a task, oldest first."""
    events = AuditEvent.objects.filter(case=case, kind=AuditEvent.Kind.TASK_COMPLETED, bpmn_id=bpmn_id)
    return [(actor, dict((payload or {}).get("data") or {}))
            for actor, payload in events.order_by("sequence").values_list("actor_name", "payload")]  # fmt: skip


def township_scope(organization_id: int) -> list[int]:
    """The organization ids of the township an organization belongs to (the township and below)."""
    from engine.meetings import township_of
    from engine.rules import org_subtree

    return org_subtree(township_of(organization_id))
