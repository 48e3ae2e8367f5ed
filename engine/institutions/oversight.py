"""What the institutions show to whom.

The cases of the confidential procedures (问责, 四谈话: `confidential: true` in the catalog) are
seen by the discipline inspector and the leaders (chief, deputy) of the township, and by those who
have or had work on them (the person concerned states his side there). A person concerned sees
his own accountability records, outcomes, statements and talks; only the inspector and the
leaders see everyone's.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet

from engine.institution_models import AccountabilityOutcome
from engine.institutions import talks, wenze
from engine.models import AccountabilityRecord, Case, WorkItem
from processes.procedures import procedures

OVERSEERS = frozenset({"discipline_inspector", "chief", "deputy"})


def confidential_process_ids() -> list[str]:
    return [p.process_id for p in procedures() if p.confidential]


def restrict_confidential(cases: QuerySet[Case], *, positions: Iterable[str], involved: Q) -> QuerySet[Case]:
    """Leave out the confidential procedures' cases unless the user oversees them or is involved."""
    if set(positions) & OVERSEERS:
        return cases
    return cases.filter(~Q(definition__process_id__in=confidential_process_ids()) | involved)


def outcomes(township_ids: Iterable[int]) -> QuerySet[AccountabilityOutcome]:
    return (AccountabilityOutcome.objects.filter(township_id__in=list(township_ids))
            .select_related("case", "person", "accountability_record", "complaint", "subject_case"))  # fmt: skip


def own_records(user: AbstractBaseUser, township_ids: Iterable[int]) -> dict[str, Any]:
    """Everything about the user himself: the accountability records naming him (as the handler or
    the station head of the overdue step), the outcomes of
    问责 cases about him, the statements he made and those still waiting for him, the talks with him."""
    username = user.get_username()
    ids = list(township_ids)
    named = AccountabilityRecord.objects.filter(Q(handler_name__contains=username) | Q(station_head_name__contains=username),
                                                township_id__in=ids).select_related("case")  # fmt: skip
    records = [r for r in named.order_by("-created_at", "-id")
               if username in r.handler_name.split("、") + r.station_head_name.split("、")]  # fmt: skip
    mine = outcomes(ids).filter(person=user)
    waiting = WorkItem.objects.filter(bpmn_id=wenze.HEARING_TASK, member=username, township_id__in=ids,
                                      case__status=Case.Status.RUNNING).select_related("case")  # fmt: skip
    cases = Case.objects.filter(definition__process_id=wenze.WENZE_PROCESS, township_id__in=ids)
    statements = []
    for case in cases.order_by("-started_at"):
        if username in (wenze.start_data(case).get("persons_concerned") or []):
            for actor, data in wenze.completions(case, wenze.HEARING_TASK):
                if actor == username:
                    statements.append({"case": case, "statement": data.get("statement", ""),
                                       "stated_at": data.get("stated_at", "")})  # fmt: skip
    talk_rows = [row for township in ids for row in talks.talks_with(township, username)]
    return {"records": records, "outcomes": list(mine), "statements": statements,
            "waiting": list(waiting), "talks": talk_rows}  # fmt: skip
