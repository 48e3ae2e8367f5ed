"""Services that change a case: start, claim, complete, messages, conflicts, cancel.

Each is one transaction under the case's lock and writes exactly one audit event; on any error
nothing is written and the in-memory workflow is discarded.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from engine import audit, authority, bpmn, computed, history, rules, steps
from engine import exceptions as exc
from engine.institutions import services as institutions
from processes.procedures import by_code
from engine.models import AuditEvent, Case, ConflictDeclaration, Organization, WorkItem
from engine.names import NOTICE_TIMER_ID, OBJECTION_MESSAGE
from engine.services._case_io import (
    _check_clock,
    _check_clock_start,
    _load_state,
    _locked_case,
    _record,
    _work_items,
)
from engine.services.definitions import current_definition, parsed_definition
from engine.townships import check_township_member, township_of, visible_township_ids


def _check_sees(case: Case, actor: AbstractBaseUser | None) -> None:
    """A user of another township never reaches a case: for him it does not exist."""
    check_township_member(actor, case.township_id, not_found=exc.CaseNotFound(case_id=case.pk))


def _new_reference(power_code: str, process_id: str, now: datetime) -> str:
    prefix = power_code or process_id[:24]
    return f"{prefix}-{now:%Y%m%d}-{uuid.uuid4().hex[:6].upper()}"


@transaction.atomic
def start_case(
    *, process_id: str, actor: AbstractBaseUser, organization: Organization, now: datetime,
    data: Mapping[str, Any] | None = None, power_code: str = "",
    applicant_user: AbstractBaseUser | None = None, agent_user: AbstractBaseUser | None = None,
    limits: Mapping[str, Any] | None = None,
) -> Case:  # fmt: skip
    """Start a case of the current version of `process_id` and run it to its first wait state.

    `applicant_user` / `agent_user`: the applicant, when a system user (e.g. a village cadre),
    and the village agent who filed for them; neither may act on the case. `limits` sets the
    promised/legal limits of a process that is not on the power list (powers bring their own).

    Raises:
        NotAuthorized (no starting position in `organization`), OrganizationNotInTownship,
        OrganizationNotFound (the actor holds no post in its township), DefinitionNotFound, PowerNotListed,
        ProcessError.
    """
    township = township_of(organization)  # OrganizationNotInTownship
    check_township_member(actor, township.pk, not_found=exc.OrganizationNotFound(organization=organization.code))
    if by_code(power_code) is None:  # a procedure's own starters are checked with its conditions below
        authority.require(authority.START, actor=actor, organization_id=organization.pk)
    _check_clock_start(now)
    bpmn.check_data_size(data or {})
    definition = current_definition(process_id)
    power = rules.check_can_start(definition=definition, power_code=power_code, actor=actor, organization=organization)
    parsed = parsed_definition(definition)
    start_data = audit.normalize_payload(data or {})
    rules.check_start_data(parsed, start_data)
    # the institutions: a procedure's starters and conditions; a power's fund use against the 三重一大 threshold
    institutions.check_start(code=power_code, power=power, actor=actor, organization=organization, data=start_data)
    state = steps.start(parsed, data=start_data, at=now, state_format=history.STATE_FORMAT)
    case = Case(
        reference=_new_reference(power_code, process_id, now), definition=definition, power_code=power_code,
        organization=organization, township=township, started_by=actor, started_at=now, updated_at=now,
        applicant_user=applicant_user, agent_user=agent_user,
    )  # fmt: skip
    if power is not None:
        from processes.models import CatalogVersion

        case.catalog_version = CatalogVersion.current()
    rules.setup_case(case, power, now=now)
    limits = limits or institutions.procedure_limits(power_code)
    if power is None and limits:
        case.promised_limit, case.legal_limit = limits.get("promised"), limits.get("legal")
        rules.set_deadlines(case)
    _store_initial(case, state, now=now)
    if power is not None:  # 好差评: the code printed on the receipt and the decision
        from engine import ratings

        ratings.issue_code(case, now=now)
    return _record(case, state, kind=AuditEvent.Kind.CASE_STARTED, actor=actor, now=now, items=[],
                   payload={"data": start_data, "process_id": process_id, "definition_sha256": definition.sha256,
                            "state_format": history.STATE_FORMAT})  # fmt: skip


def _store_initial(case: Case, state: steps.CaseState, *, now: datetime) -> None:
    # The row must exist before work items and timers point at it.
    case.workflow_json = bpmn.dumps(state.workflow)
    case.state_hash = ""
    case.save()


@dataclass
class _Step:
    case: Case
    state: steps.CaseState
    items: list[WorkItem]
    work_item: WorkItem
    key: bpmn.TaskKey
    now: datetime  # the time the input is recorded at (see _check_clock)


def _task_step(
    case_id: UUID | str, task_id: UUID | str, actor: AbstractBaseUser, now: datetime, action: str,
    sees: Callable[[Case], bool] | None = None,
) -> _Step:  # fmt: skip
    case = _locked_case(case_id)
    _check_sees(case, actor)
    if sees is not None and not sees(case):  # the caller's narrower rule (the API's visibility)
        raise exc.CaseNotFound(case_id=case_id)
    items = _work_items(case)
    state = _load_state(case, items)
    now = _check_clock(case, now)
    task_uuid = _as_uuid(task_id)
    key = bpmn.task_key(state.workflow, task_uuid)  # TaskNotFound / TaskNotReady
    work_item = next((wi for wi in items if wi.task_id == task_uuid), None)
    if work_item is None:
        raise exc.TaskNotReady(task=str(task_id), state="NOT_READY")
    rules.check_task_action(case=case, work_item=work_item, actor=actor, action=action, now=now, state=state)
    if not work_item.lane and not work_item.member:  # lane and member are checked by the rules
        authority.require_staff(actor=actor, organization_id=case.organization_id, action=action)
    return _Step(case, state, items, work_item, key, now)


FIRST_RESPONDER = "first_responder"


def _with_first_responder(step: _Step, actor: AbstractBaseUser, data: dict[str, Any]) -> dict[str, Any]:
    """首问负责: the registration of an application (a form with `first_responder`, which the rules
    compute as the registering user) also records that user on the case."""
    if data.get(FIRST_RESPONDER) == actor.get_username() and step.case.first_responder_id is None:
        step.case.first_responder = actor
    return data


def _as_uuid(value: UUID | str) -> UUID:
    if isinstance(value, UUID):
        return value
    try:
        return UUID(str(value))
    except ValueError as error:
        raise exc.TaskNotFound(task=str(value)) from error


@transaction.atomic
def claim_task(
    case_id: UUID | str, *, task_id: UUID | str, actor: AbstractBaseUser, now: datetime,
    sees: Callable[[Case], bool] | None = None,
) -> Case:  # fmt: skip
    """Claim a ready task so that only `actor` may complete it. `sees`: a visibility rule of the
    caller's, checked on the locked row (a case it refuses is not found).

    Raises:
        CaseNotFound, CaseClosed, TaskNotFound, TaskNotReady, TaskClaimedByOther, plus the rules' errors.
    """
    step = _task_step(case_id, task_id, actor, now, rules.CLAIM, sees)
    now = step.now
    steps.claim(step.state, step.key, user=actor.get_username())
    return _record(step.case, step.state, kind=AuditEvent.Kind.TASK_CLAIMED, actor=actor, now=now, key=step.key,
                   payload={}, items=step.items, claimed_by={step.work_item.task_id: actor})  # fmt: skip


@transaction.atomic
def unclaim_task(
    case_id: UUID | str, *, task_id: UUID | str, actor: AbstractBaseUser, now: datetime,
    sees: Callable[[Case], bool] | None = None,
) -> Case:  # fmt: skip
    """Give a claimed task back to the pool.

    Raises:
        CaseNotFound, CaseClosed, TaskNotFound, TaskNotReady, TaskNotClaimed.
    """
    step = _task_step(case_id, task_id, actor, now, rules.UNCLAIM, sees)
    now = step.now
    steps.unclaim(step.state, step.key)
    return _record(step.case, step.state, kind=AuditEvent.Kind.TASK_UNCLAIMED, actor=actor, now=now, key=step.key,
                   payload={}, items=step.items, claimed_by={step.work_item.task_id: None})  # fmt: skip


@transaction.atomic
def complete_task(
    case_id: UUID | str, *, task_id: UUID | str, actor: AbstractBaseUser, data: Mapping[str, Any], now: datetime,
    sees: Callable[[Case], bool] | None = None,
) -> Case:  # fmt: skip
    """Complete a ready task with form data and run the case to its next wait state (`sees`: as
    for `claim_task`).

    Raises:
        CaseNotFound, CaseClosed, TaskNotFound, TaskNotReady, TaskClaimedByOther, InvalidTaskData,
        DataTooLarge, ProcessError, ScriptBudgetExceeded, SnapshotTooLarge, plus the rules' errors.
    """
    if not isinstance(data, Mapping):
        raise exc.InvalidTaskData(fields={"data": [_("表单数据应为 JSON 对象")]})
    bpmn.check_data_size(data)
    step = _task_step(case_id, task_id, actor, now, rules.COMPLETE, sees)
    now = step.now
    submission = computed.Submission(step.case, step.state, step.work_item, actor, audit.normalize_payload(data), now)
    # values the rules compute (periods, the meeting roster and fractions, 首问负责) join what was typed
    submitted = _with_first_responder(step, actor, audit.normalize_payload(computed.prepare(submission)))
    rules.check_task_data(case=step.case, state=step.state, work_item=step.work_item, actor=actor, data=submitted)
    steps.complete(step.state, step.key, data=submitted, at=now, task_id=step.work_item.task_id)
    return _record(step.case, step.state, kind=AuditEvent.Kind.TASK_COMPLETED, actor=actor, now=now, key=step.key,
                   payload={"data": submitted}, items=step.items)  # fmt: skip


@transaction.atomic
def send_message(
    case_id: UUID | str, *, name: str, data: Mapping[str, Any], actor: AbstractBaseUser | None, now: datetime,
) -> Case:  # fmt: skip
    """Deliver a message to a case, e.g. an objection during its notice period (any number of them).

    Raises:
        CaseNotFound, CaseClosed, MessageNotExpected, NotAuthorized (a named actor without a position in
        the case's organization), ClockBehindRecord.
    """
    bpmn.check_data_size(data)
    case = _locked_case(case_id)
    _check_sees(case, actor)
    if actor is not None:  # None: the public (an objection on the notice board)
        authority.require_staff(actor=actor, organization_id=case.organization_id, action="message")
    now = _check_clock(case, now)
    items = _work_items(case)
    state = _load_state(case, items)
    if name == OBJECTION_MESSAGE and not any(t.bpmn_id == NOTICE_TIMER_ID for t in bpmn.pending_timers(state.workflow)):
        raise exc.MessageNotExpected(name=name)
    body = audit.normalize_payload(data)
    steps.message(state, name=name, payload=body, at=now)
    return _record(case, state, kind=AuditEvent.Kind.MESSAGE_RECEIVED, actor=actor, now=now, items=items,
                   payload={"name": name, "data": body})  # fmt: skip


@transaction.atomic
def declare_conflict(
    case_id: UUID | str, *, user: AbstractBaseUser, relation: str, note: str = "", actor: AbstractBaseUser,
    now: datetime,
) -> Case:  # fmt: skip
    """Record a conflict of interest: `user` is recused from the case, which is marked 单独备案.

    Raises:
        CaseNotFound, CaseClosed, NotAuthorized, ClockBehindRecord, InvalidTaskData (unknown relation or a
        second declaration).
    """
    case = _locked_case(case_id)
    _check_sees(case, actor)
    authority.require(authority.DECLARE_CONFLICT, actor=actor, organization_id=case.organization_id)
    now = _check_clock(case, now)
    if relation not in ConflictDeclaration.Relation.values:
        raise exc.InvalidTaskData(fields={"relation": [_("未知的利害关系“%(relation)s”") % {"relation": relation}]})
    if case.township_id not in visible_township_ids(user) or user.pk is None:
        raise exc.InvalidTaskData(fields={"user": [_("该人员不是本案所属乡镇的工作人员")]})
    if case.conflicts.filter(user=user).exists():
        raise exc.InvalidTaskData(fields={"user": [_("该人员已申报过利害关系")]})
    items = _work_items(case)
    state = _load_state(case, items)
    ConflictDeclaration.objects.create(case=case, user=user, relation=relation, note=note, declared_at=now)
    case.separate_filing = True
    case.save(update_fields=["separate_filing"])
    return _record(case, state, kind=AuditEvent.Kind.CONFLICT_DECLARED, actor=actor, now=now, items=items,
                   payload={"user": user.get_username(), "relation": relation, "note": note})  # fmt: skip


@transaction.atomic
def cancel_case(case_id: UUID | str, *, actor: AbstractBaseUser, reason: str, now: datetime) -> Case:
    """Cancel a running case with a reason; its work items and timers are withdrawn.

    Raises:
        ReasonRequired, CaseNotFound, CaseClosed, NotAuthorized (not chief, deputy or administrator),
        ClockBehindRecord.
    """
    if not isinstance(reason, str) or not reason.strip():
        raise exc.ReasonRequired()
    case = _locked_case(case_id)
    _check_sees(case, actor)
    authority.require(authority.CANCEL, actor=actor, organization_id=case.organization_id)
    now = _check_clock(case, now)
    items = _work_items(case)
    state = _load_state(case, items)
    steps.cancel(state)
    return _record(case, state, kind=AuditEvent.Kind.CASE_CANCELLED, actor=actor, now=now, items=items,
                   payload={"reason": reason.strip()})  # fmt: skip
