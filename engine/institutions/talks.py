"""The 四谈话 records: each talk is a case of the talk procedure (TH-01), its record the completed
`record_talk` task (kind, date, talkers, persons, subject, summary, follow-up)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from engine.institutions.common import township_scope
from engine.models import AuditEvent

TALK_PROCESS = "proc_th_01"
PRE_APPOINTMENT = "pre_appointment"


def talk_records(organization_id: int) -> list[dict[str, Any]]:
    """Every recorded talk of the township, newest first, with its case reference."""
    events = AuditEvent.objects.filter(
        kind=AuditEvent.Kind.TASK_COMPLETED, bpmn_id="record_talk", case__definition__process_id=TALK_PROCESS,
        case__organization_id__in=township_scope(organization_id),
    ).order_by("-at")  # fmt: skip
    rows = []
    for reference, case_id, actor, at, payload in events.values_list("case__reference", "case_id", "actor_name", "at",
                                                                       "payload"):  # fmt: skip
        data = dict((payload or {}).get("data") or {})
        rows.append({"case_id": str(case_id), "reference": reference, "recorded_by": actor, "recorded_at": at, **data})
    return rows


def pre_appointment_talks(organization_id: int, persons: Iterable[str], *, since: date) -> dict[str, str]:
    """person -> reference of a 任前廉政谈话 with him dated on or after `since`."""
    wanted = set(persons)
    found: dict[str, str] = {}
    for row in talk_records(organization_id):
        if row.get("talk_kind") != PRE_APPOINTMENT or str(row.get("talk_date", "")) < since.isoformat():
            continue
        for person in row.get("persons") or []:
            if person in wanted:
                found.setdefault(person, row["reference"])
    return found


def talks_with(organization_id: int, username: str) -> list[dict[str, Any]]:
    """The talk records naming `username` as the person talked to (what he may see of them)."""
    return [row for row in talk_records(organization_id) if username in (row.get("persons") or [])]
