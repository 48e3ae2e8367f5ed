"""问责 (有追究): the person concerned states his side himself; no finding and no closing before
every person concerned has done so; the outcome closes the record or complaint it came from,
linked to the responsibility item and the case.

问责条例 art. 19 (as we read it; article not checked): before a decision the person's statement
and defence are heard and recorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from engine import exceptions as exc
from engine import form_messages
from engine.institution_models import AccountabilityOutcome
from engine.institutions import errors
from engine.institutions.common import completions, start_data
from engine.models import AccountabilityRecord, Case, Complaint, WorkItem

WENZE_PROCESS = "proc_wz_01"
HEARING_TASK = "hear_person"


def statement(*, actor: Any, data: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    """The person's own statement (the rules already checked it is him): who and when.

    Raises: InvalidTaskData (a statement of spaces only).
    """
    if not str(data.get("statement") or "").strip():
        raise exc.InvalidTaskData(fields={form_messages.field_path(["statement"]): [_("陈述和申辩不能只有空格")]})
    return {"stated_by": actor.get_username(), "stated_at": now.isoformat(timespec="seconds")}


def unheard(case: Case) -> list[str]:
    """Persons concerned who have not stated their side themselves."""
    persons = list(start_data(case).get("persons_concerned") or [])
    stated = {actor for actor, data in completions(case, HEARING_TASK) if str(data.get("statement") or "").strip()}
    waiting = set(WorkItem.objects.filter(case=case, bpmn_id=HEARING_TASK).values_list("member", flat=True))
    return [p for p in persons if p not in stated or p in waiting]


def require_hearing(case: Case) -> None:
    """Raises: HearingRequired."""
    missing = unheard(case)
    if missing:
        raise errors.HearingRequired(persons=missing)


def close(*, case: Case, data: Mapping[str, Any], context: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    """The decision is served: one outcome row per person concerned, closing the record or complaint.

    Raises: HearingRequired, ReferralRequired.
    """
    require_hearing(case)
    outcome = str(context.get("outcome") or "")
    referral = str(data.get("county_referral_no") or "").strip()
    if outcome == AccountabilityOutcome.Outcome.SANCTION and not referral:
        raise errors.ReferralRequired()
    start = start_data(case)
    record = AccountabilityRecord.objects.filter(pk=start.get("accountability_record")).first() \
        if start.get("accountability_record") else None  # fmt: skip
    complaint = Complaint.objects.filter(number=start.get("complaint_number")).first() \
        if start.get("complaint_number") else None  # fmt: skip
    subject = record.case if record is not None else complaint.case if complaint is not None else None
    responsibility = str(start.get("responsibility_code") or (record.responsibility_code if record else ""))
    users = get_user_model().objects.filter(username__in=start.get("persons_concerned") or [])
    ids = []
    for person in users:
        row = AccountabilityOutcome.objects.create(
            case=case, township_id=case.township_id, person=person, source=str(start.get("source")), accountability_record=record,
            complaint=complaint, subject_case=subject, responsibility_code=responsibility, outcome=outcome,
            decision_document_no=str(context.get("decision_document_no") or ""), county_referral_no=referral,
            decided_on=date.fromisoformat(str(context.get("decided_at"))), closed_at=now,
        )  # fmt: skip
        ids.append(row.pk)
    return {"outcome_record": min(ids)} if ids else {}
