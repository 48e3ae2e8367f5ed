"""Services that change cases. Each public function is one transaction under the case's lock and
writes exactly one audit event per input; on any error nothing is written and the in-memory
workflow is discarded."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from engine import audit, bpmn, rules, steps, workdays
from engine import exceptions as exc
from engine.models import (
    AccountabilityRecord,
    Assignment,
    AuditEvent,
    Case,
    ConflictDeclaration,
    Organization,
    ProcessDefinition,
    Timer,
    WorkItem,
)

logger = logging.getLogger(__name__)

SYSTEM_ACTOR = "system"
OBJECTION_MESSAGE = "objection"
NOTICE_TIMER_ID = "notice_period"

_PARSED: dict[int, bpmn.ParsedDefinition] = {}


# ------------------------------------------------------------------------------------------
# Definitions
# ------------------------------------------------------------------------------------------


def parsed_definition(definition: ProcessDefinition) -> bpmn.ParsedDefinition:
    """The parsed spec of a stored definition (cached per row; rows never change content)."""
    parsed = _PARSED.get(definition.pk)
    if parsed is None or parsed.sha256 != definition.sha256:
        parsed = bpmn.parse_definition(definition.sources, definition.process_id)
        _PARSED[definition.pk] = parsed
    return parsed


def register_definition(*, process_id: str, sources: Mapping[str, str], name: str = "") -> tuple[ProcessDefinition, bool]:
    """Store `sources` as the current version of `process_id` unless that content is already stored.

    Returns the definition and whether a new version was created. Cases keep the version they
    started on. Call inside the caller's transaction to make a batch atomic.

    Raises:
        DefinitionInvalid: the sources do not parse.
    """
    parsed = bpmn.parse_definition(sources, process_id)
    existing = ProcessDefinition.objects.filter(process_id=process_id, sha256=parsed.sha256).first()
    if existing is not None:
        if not existing.is_current:
            ProcessDefinition.objects.filter(process_id=process_id, is_current=True).update(is_current=False)
            ProcessDefinition.objects.filter(pk=existing.pk).update(is_current=True)
            existing.is_current = True
        return existing, False
    last = ProcessDefinition.objects.filter(process_id=process_id).order_by("-version").first()
    ProcessDefinition.objects.filter(process_id=process_id, is_current=True).update(is_current=False)
    definition = ProcessDefinition.objects.create(
        process_id=process_id, version=(last.version + 1) if last else 1, name=name or parsed.spec.description or "",
        sources=dict(sources), sha256=parsed.sha256, spiff_version=bpmn.SPIFF_VERSION,
        serializer_version=bpmn.SERIALIZER_VERSION, is_current=True,
    )  # fmt: skip
    return definition, True


def current_definition(process_id: str) -> ProcessDefinition:
    """Raises: DefinitionNotFound."""
    definition = ProcessDefinition.objects.filter(process_id=process_id, is_current=True).first()
    if definition is None:
        raise exc.DefinitionNotFound(process_id=process_id)
    return definition


# ------------------------------------------------------------------------------------------
# Case services
# ------------------------------------------------------------------------------------------


def _actor_name(actor: AbstractBaseUser | None) -> str:
    return actor.get_username() if actor is not None else SYSTEM_ACTOR


def _locked_case(case_id: UUID | str, *, running: bool = True, skip_locked: bool = False) -> Case:
    try:
        # the definition's sources are only needed on a spec-cache miss: don't decode them per step
        # of=("self",): lock the case row only, not the definition row every case of a process
        # shares (which would serialize unrelated cases, and make SKIP LOCKED skip them)
        query = Case.objects.select_for_update(skip_locked=skip_locked, of=("self",)).select_related("definition")
        case = query.defer("definition__sources").get(pk=case_id)
    except (Case.DoesNotExist, ValueError, TypeError, ValidationError) as error:
        raise exc.CaseNotFound(case_id=case_id) from error
    if running and case.status != Case.Status.RUNNING:
        raise exc.CaseClosed(case_id=case.pk, status=case.status)
    return case


def _work_items(case: Case) -> list[WorkItem]:
    """The case's work items, each with the claimant's user name as `claimant` (or None)."""
    items = list(WorkItem.objects.filter(case_id=case.pk))
    claimed = {wi.claimed_by_id for wi in items if wi.claimed_by_id is not None}
    names = dict(get_user_model().objects.filter(pk__in=claimed).values_list("pk", "username")) if claimed else {}
    for wi in items:
        wi.claimant = names.get(wi.claimed_by_id)
    return items


def _load_state(case: Case, items: list[WorkItem]) -> steps.CaseState:
    parsed = parsed_definition(case.definition)
    workflow = bpmn.loads(case.workflow_json, parsed)
    claims = {wi.task_id: wi.claimant for wi in items if wi.claimed_by_id is not None}
    return steps.CaseState(parsed=parsed, workflow=workflow, status=case.status, claims=claims)


def _store(
    case: Case, state: steps.CaseState, *, now: datetime, items: list[WorkItem],
    claimed_by: dict[UUID, Any] | None = None,
) -> None:  # fmt: skip
    """Write the snapshot, work items and timers of `state` to `case` (caller saves the case)."""
    ready = state.ready_tasks() if state.status == Case.Status.RUNNING else []
    ready_ids = {t.id for t in ready}
    existing = {wi.task_id: wi for wi in items}
    stale = [task_id for task_id in existing if task_id not in ready_ids]
    if stale:
        WorkItem.objects.filter(case=case, task_id__in=stale).delete()
    new_items = [
        WorkItem(
            case=case, task_id=t.id, bpmn_id=t.bpmn_id, name=t.name, mi_index=t.mi_index or "",
            member=t.member or "", lane=t.lane or "", form=t.form or "", created_at=now,
            due_at=rules.task_due_at(case, t, now=now),
        )  # fmt: skip
        for t in ready
        if t.id not in existing
    ]
    if new_items:
        WorkItem.objects.bulk_create(new_items)
    for task_id, user in (claimed_by or {}).items():
        WorkItem.objects.filter(case=case, task_id=task_id).update(claimed_by=user)

    pending = bpmn.pending_timers(state.workflow) if state.status == Case.Status.RUNNING else []
    wanted = {(t.bpmn_id, t.due_at) for t in pending}
    had_timers = case.next_timer_due is not None  # no pending rows otherwise: skip the query
    have = {(t.bpmn_id, t.due_at): t for t in case.timers.filter(status=Timer.Status.PENDING)} if had_timers else {}
    for key, row in have.items():
        if key not in wanted:
            fired = row.due_at <= now and state.status != Case.Status.CANCELLED
            row.status = Timer.Status.FIRED if fired else Timer.Status.CANCELLED
            row.fired_at = now if fired else None
            row.save(update_fields=["status", "fired_at"])
    new_timers = [Timer(case=case, bpmn_id=b, due_at=d) for (b, d) in sorted(wanted) if (b, d) not in have]
    if new_timers:
        Timer.objects.bulk_create(new_timers)

    if state.status == Case.Status.RUNNING:
        rules.update_clock(case, paused=rules.is_clock_paused(ready, (t.bpmn_id for t in pending)), now=now)
    case.status = state.status
    case.next_timer_due = min((t.due_at for t in pending), default=None)
    case.workflow_json = bpmn.dumps(state.workflow)
    case.state_hash = state.state_hash()
    case.updated_at = now
    if state.status != Case.Status.RUNNING and case.closed_at is None:
        case.closed_at = now


_CASE_FIELDS = ["status", "next_timer_due", "workflow_json", "state_hash", "updated_at", "closed_at",
                "last_sequence", "last_hash", "paused_since", "paused_working_days", "due_at", "legal_due_at"]  # fmt: skip


def _record(
    case: Case, state: steps.CaseState, *, kind: str, actor: AbstractBaseUser | None, now: datetime,
    items: list[WorkItem], key: bpmn.TaskKey | None = None, payload: Mapping[str, Any],
    claimed_by: dict[UUID, Any] | None = None,
) -> Case:  # fmt: skip
    _store(case, state, now=now, items=items, claimed_by=claimed_by)
    body = dict(payload)
    if key is not None:
        body["nth"] = key.nth
    audit.append_event(
        case, kind=kind, actor=actor, actor_name=_actor_name(actor), at=now,
        bpmn_id=key.bpmn_id if key else "", mi_index=key.mi_index if key else None,
        payload=body, state_hash=case.state_hash,
    )  # fmt: skip
    case.save(update_fields=_CASE_FIELDS)
    return case


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
        DefinitionNotFound, PowerNotListed, ProcessError.
    """
    definition = current_definition(process_id)
    power = rules.check_can_start(definition=definition, power_code=power_code, actor=actor, organization=organization)
    parsed = parsed_definition(definition)
    start_data = audit.normalize_payload(data or {})
    state = steps.start(parsed, data=start_data, at=now)
    case = Case(
        reference=_new_reference(power_code, process_id, now), definition=definition, power_code=power_code,
        organization=organization, started_by=actor, started_at=now, updated_at=now,
        applicant_user=applicant_user, agent_user=agent_user,
    )  # fmt: skip
    rules.setup_case(case, power, now=now)
    if power is None and limits:
        case.promised_limit, case.legal_limit = limits.get("promised"), limits.get("legal")
        rules.set_deadlines(case)
    _store_initial(case, state, now=now)
    return _record(case, state, kind=AuditEvent.Kind.CASE_STARTED, actor=actor, now=now, items=[],
                   payload={"data": start_data, "process_id": process_id, "definition_sha256": definition.sha256})  # fmt: skip


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


def _task_step(case_id: UUID | str, task_id: UUID | str, actor: AbstractBaseUser, now: datetime, action: str) -> _Step:
    case = _locked_case(case_id)
    items = _work_items(case)
    state = _load_state(case, items)
    task_uuid = _as_uuid(task_id)
    key = bpmn.task_key(state.workflow, task_uuid)  # TaskNotFound / TaskNotReady
    work_item = next((wi for wi in items if wi.task_id == task_uuid), None)
    if work_item is None:
        raise exc.TaskNotReady(task=str(task_id), state="NOT_READY")
    rules.check_task_action(case=case, work_item=work_item, actor=actor, action=action, now=now, state=state)
    return _Step(case, state, items, work_item, key)


def _as_uuid(value: UUID | str) -> UUID:
    if isinstance(value, UUID):
        return value
    try:
        return UUID(str(value))
    except ValueError as error:
        raise exc.TaskNotFound(task=str(value)) from error


@transaction.atomic
def claim_task(case_id: UUID | str, *, task_id: UUID | str, actor: AbstractBaseUser, now: datetime) -> Case:
    """Claim a ready task so that only `actor` may complete it.

    Raises:
        CaseNotFound, CaseClosed, TaskNotFound, TaskNotReady, TaskClaimedByOther, plus the rules' errors.
    """
    step = _task_step(case_id, task_id, actor, now, rules.CLAIM)
    steps.claim(step.state, step.key, user=actor.get_username())
    return _record(step.case, step.state, kind=AuditEvent.Kind.TASK_CLAIMED, actor=actor, now=now, key=step.key,
                   payload={}, items=step.items, claimed_by={step.work_item.task_id: actor})  # fmt: skip


@transaction.atomic
def unclaim_task(case_id: UUID | str, *, task_id: UUID | str, actor: AbstractBaseUser, now: datetime) -> Case:
    """Give a claimed task back to the pool.

    Raises:
        CaseNotFound, CaseClosed, TaskNotFound, TaskNotReady, TaskNotClaimed.
    """
    step = _task_step(case_id, task_id, actor, now, rules.UNCLAIM)
    steps.unclaim(step.state, step.key)
    return _record(step.case, step.state, kind=AuditEvent.Kind.TASK_UNCLAIMED, actor=actor, now=now, key=step.key,
                   payload={}, items=step.items, claimed_by={step.work_item.task_id: None})  # fmt: skip


@transaction.atomic
def complete_task(
    case_id: UUID | str, *, task_id: UUID | str, actor: AbstractBaseUser, data: Mapping[str, Any], now: datetime,
) -> Case:  # fmt: skip
    """Complete a ready task with form data and run the case to its next wait state.

    Raises:
        CaseNotFound, CaseClosed, TaskNotFound, TaskNotReady, TaskClaimedByOther, InvalidTaskData,
        ProcessError, plus the rules' errors.
    """
    if not isinstance(data, Mapping):
        raise exc.InvalidTaskData(fields={"__all__": ["data must be a JSON object"]})
    step = _task_step(case_id, task_id, actor, now, rules.COMPLETE)
    submitted = audit.normalize_payload(data)
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
        CaseNotFound, CaseClosed, MessageNotExpected.
    """
    case = _locked_case(case_id)
    items = _work_items(case)
    state = _load_state(case, items)
    if name == OBJECTION_MESSAGE and not any(t.bpmn_id == NOTICE_TIMER_ID for t in bpmn.pending_timers(state.workflow)):
        raise exc.MessageNotExpected(name=name)
    body = audit.normalize_payload(data)
    steps.message(state, name=name, payload=body, at=now)
    return _record(case, state, kind=AuditEvent.Kind.MESSAGE_RECEIVED, actor=actor, now=now, items=items,
                   payload={"name": name, "data": body})  # fmt: skip


def fire_due_timers(*, now: datetime, limit: int | None = None) -> int:
    """Fire the timers of every case with a timer due at `now`; each case in its own transaction.

    Returns how many cases advanced. A case that fails is logged and skipped, never half-written.
    """
    fired = 0
    due = Case.objects.filter(status=Case.Status.RUNNING, next_timer_due__lte=now).order_by("next_timer_due")
    for case_id in list(due.values_list("pk", flat=True)[:limit] if limit else due.values_list("pk", flat=True)):
        try:
            if fire_case_timers(case_id, now=now):
                fired += 1
        except exc.EngineError:
            logger.exception("timers of case %s failed to fire", case_id)
    return fired


@transaction.atomic
def fire_case_timers(case_id: UUID | str, *, now: datetime) -> bool:
    """Fire the due timers of one case. Idempotent: returns False when nothing was due any more."""
    case = _locked_case_or_none(case_id)
    if case is None or case.next_timer_due is None or case.next_timer_due > now:
        return False
    items = _work_items(case)
    state = _load_state(case, items)
    due = [t.bpmn_id for t in bpmn.pending_timers(state.workflow) if t.due_at <= now]
    steps.timers(state, at=now)
    _record(case, state, kind=AuditEvent.Kind.TIMER_FIRED, actor=None, now=now, payload={"due": due}, items=items)
    return True


def _locked_case_or_none(case_id: UUID | str) -> Case | None:
    """The case, locked, or None when it is closed, gone, or locked by another worker (SKIP LOCKED)."""
    try:
        return _locked_case(case_id, skip_locked=True)
    except (exc.CaseNotFound, exc.CaseClosed):
        return None


@transaction.atomic
def declare_conflict(
    case_id: UUID | str, *, user: AbstractBaseUser, relation: str, note: str = "", actor: AbstractBaseUser,
    now: datetime,
) -> Case:  # fmt: skip
    """Record a conflict of interest: `user` is recused from the case, which is marked 单独备案.

    Raises:
        CaseNotFound, CaseClosed, InvalidTaskData (unknown relation or a second declaration).
    """
    if relation not in ConflictDeclaration.Relation.values:
        raise exc.InvalidTaskData(fields={"relation": [f"unknown relation {relation!r}"]})
    case = _locked_case(case_id)
    if case.conflicts.filter(user=user).exists():
        raise exc.InvalidTaskData(fields={"user": ["already declared"]})
    items = _work_items(case)
    state = _load_state(case, items)
    ConflictDeclaration.objects.create(case=case, user=user, relation=relation, note=note, declared_at=now)
    case.separate_filing = True
    case.save(update_fields=["separate_filing"])
    return _record(case, state, kind=AuditEvent.Kind.CONFLICT_DECLARED, actor=actor, now=now, items=items,
                   payload={"user": user.get_username(), "relation": relation, "note": note})  # fmt: skip


@transaction.atomic
def escalate_case(case_id: UUID | str, *, now: datetime) -> int:
    """Raise the deadline escalations now due on one case (SKIP LOCKED; idempotent).

    Ladder per overdue work item: level 1 reminds the handler, level 2 the station head (one
    working day later), level 3 the discipline inspector (two working days later). Each level
    is one audit event and one accountability record (超时, and 久拖不办 at level 3).
    Returns how many escalations were raised.
    """
    case = _locked_case_or_none(case_id)
    if case is None:
        return 0
    raised = 0
    items = _work_items(case)
    for item in items:
        if item.due_at is None or item.due_at >= now:
            continue
        for level in range(item.escalation_level + 1, ESCALATION_LEVELS + 1):
            if now <= workdays.add_limit(item.due_at, level - 1, workdays.WORKING_DAY) and level > 1:
                break
            _escalate(case, item, level=level, now=now, items=items)
            raised += 1
    return raised


ESCALATION_LEVELS = 3


def _escalate(case: Case, item: WorkItem, *, level: int, now: datetime, items: list[WorkItem]) -> None:
    handler = [item.claimant] if getattr(item, "claimant", None) else rules.holders_of(item.lane, case)
    station_heads = rules.holders_of("station_head", case, station_only=True)
    notified = {1: handler, 2: station_heads, 3: rules.holders_of("discipline_inspector", case)}[level]
    record = AccountabilityRecord.objects.create(
        case=case, kind=AccountabilityRecord.Kind.LONG_DELAY if level == ESCALATION_LEVELS else AccountabilityRecord.Kind.OVERDUE,
        level=level, bpmn_id=item.bpmn_id, task_name=item.name, responsibility_code=rules.responsibility_for(case),
        handler_name="、".join(handler), station_head_name="、".join(station_heads), notified=notified,
        due_at=item.due_at, created_at=now,
    )  # fmt: skip
    WorkItem.objects.filter(pk=item.pk).update(escalation_level=level)
    item.escalation_level = level
    audit.append_event(
        case, kind=AuditEvent.Kind.DEADLINE_ESCALATED, actor=None, actor_name=SYSTEM_ACTOR, at=now,
        bpmn_id=item.bpmn_id, mi_index=item.mi_index or None,
        payload={"level": level, "notified": notified, "record": record.pk, "due_at": audit.canonical_time(item.due_at)},
        state_hash=case.state_hash,
    )  # fmt: skip
    case.save(update_fields=["last_sequence", "last_hash"])


def escalate_overdue(*, now: datetime) -> int:
    """Escalate every case with an overdue work item; each case in its own transaction."""
    case_ids = (
        WorkItem.objects.filter(due_at__lt=now, escalation_level__lt=ESCALATION_LEVELS, case__status=Case.Status.RUNNING)
        .values_list("case_id", flat=True)
        .distinct()
    )
    return sum(escalate_case(case_id, now=now) for case_id in list(case_ids))


@transaction.atomic
def cancel_case(case_id: UUID | str, *, actor: AbstractBaseUser, reason: str, now: datetime) -> Case:
    """Cancel a running case with a reason; its work items and timers are withdrawn.

    Raises:
        ReasonRequired, CaseNotFound, CaseClosed.
    """
    if not isinstance(reason, str) or not reason.strip():
        raise exc.ReasonRequired()
    case = _locked_case(case_id)
    rules.check_can_cancel(case=case, actor=actor)
    items = _work_items(case)
    state = _load_state(case, items)
    steps.cancel(state)
    return _record(case, state, kind=AuditEvent.Kind.CASE_CANCELLED, actor=actor, now=now, items=items,
                   payload={"reason": reason.strip()})  # fmt: skip


# ------------------------------------------------------------------------------------------
# Positions
# ------------------------------------------------------------------------------------------


@transaction.atomic
def assign_position(
    *, user: AbstractBaseUser, position_code: str, organization: Organization, areas: list[str] | tuple = ()
) -> tuple[Assignment, list[str]]:
    """Give a user a position; a deputy (分管领导) also gets the areas he supervises.

    五不直接分管: the chief may not supervise 财务, 人事, 工程项目, 行政审批 or 物资采购, whether
    named as areas or carried by the powers of the unit he would supervise. Returns the
    assignment and warnings (one deputy holding all five areas).

    Raises:
        ChiefNotDirectHandler.
    """
    from processes.models import Position, Power

    position = Position.objects.filter(code=position_code).first()
    if position is None:
        raise exc.PositionNotFound(position=position_code)
    unit_areas = set()
    for tags in Power.objects.filter(handling_unit=organization.name, is_active=True).values_list("five_areas", flat=True):
        unit_areas.update(tags or ())
    supervised = (set(areas) | (unit_areas if position_code == "deputy" else set())) & set(rules.FIVE_AREAS)
    is_chief = position_code == rules.CHIEF or Assignment.objects.filter(user=user, position__code=rules.CHIEF).exists()
    if supervised and is_chief:
        raise exc.ChiefNotDirectHandler(areas=sorted(supervised))
    if position_code == rules.CHIEF and Assignment.objects.filter(user=user, position__code="deputy").exclude(
        areas=[]
    ).exists():
        held = set()
        for other in Assignment.objects.filter(user=user, position__code="deputy"):
            held.update(other.areas or ())
        if held & set(rules.FIVE_AREAS):
            raise exc.ChiefNotDirectHandler(areas=sorted(held & set(rules.FIVE_AREAS)))
    assignment = Assignment.objects.create(user=user, position=position, organization=organization, areas=list(areas))
    held_areas: set[str] = set()
    for other in Assignment.objects.filter(user=user, position__code="deputy"):
        held_areas.update(other.areas or ())
    warnings = []
    if set(rules.FIVE_AREAS) <= held_areas:
        warnings.append(f"{user.get_username()} 一人分管了全部五个领域（{'、'.join(rules.FIVE_AREAS)}），原则上应分设")
        logger.warning(warnings[-1])
    return assignment, warnings
