"""Who may do what on a case, and when work is due.

Checks run before a service changes anything and raise a domain error with its own code:
lanes map to positions (`not_in_lane`), separation of duties (`separation_of_duties`),
declared conflicts of interest (`conflict_of_interest`), 五不直接分管
(`chief_not_direct_handler`), 末位表态 (`chief_must_speak_last`), meeting quorum
(`quorum_not_met`), claims and assigned members.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AbstractBaseUser

from engine import bpmn, form_messages, rule_errors, workdays
from engine import exceptions as exc

if TYPE_CHECKING:
    from engine.models import Case, Organization, ProcessDefinition, WorkItem
    from engine.steps import CaseState

logger = logging.getLogger(__name__)

CLAIM = "claim"
UNCLAIM = "unclaim"
COMPLETE = "complete"
CHIEF = "chief"
FIVE_AREAS = ("财务", "人事", "工程项目", "行政审批", "物资采购")

# separation-of-duties rules a power may declare in the catalog
APPLICANT_NEVER_ACTS = "applicant_never_acts"
AGENT_NEVER_ACTS = "agent_never_acts"
ACCEPTOR_NOT_REVIEWER = "acceptor_not_reviewer"
REVIEWER_NOT_APPROVER = "reviewer_not_approver"
CONFLICT_RECUSAL = "conflict_recusal"
DEFAULT_SEPARATION = (APPLICANT_NEVER_ACTS, AGENT_NEVER_ACTS, ACCEPTOR_NOT_REVIEWER, REVIEWER_NOT_APPROVER,
                      CONFLICT_RECUSAL)  # fmt: skip


# ------------------------------------------------------------------------------------------
# Organizations and positions
# ------------------------------------------------------------------------------------------


def org_subtree(organization: Organization | int) -> list[int]:
    """The organization (a row or its id) and everything below it (township → stations and
    villages), in one query."""
    return org_subtrees([organization])


def org_subtrees(organizations: Iterable[Organization | int]) -> list[int]:
    """The organizations (rows or ids) and everything below each, in one query however many."""
    from engine.models import Organization

    roots = list(dict.fromkeys(o if isinstance(o, int) else o.pk for o in organizations))
    if not roots:
        return []
    children: dict[int | None, list[int]] = {}
    for pk, parent in Organization.objects.values_list("pk", "parent_id"):
        children.setdefault(parent, []).append(pk)
    ids, seen, frontier = list(roots), set(roots), roots
    while frontier:
        frontier = [child for pk in frontier for child in children.get(pk, ()) if child not in seen]
        seen.update(frontier)
        ids.extend(frontier)
    return ids


def positions_of(user: AbstractBaseUser, organization_ids: Iterable[int]) -> set[str]:
    """Position codes and names the user holds in any of the organizations."""
    from engine.models import Assignment
    from engine.townships import REQUEST_ASSIGNMENTS

    held: set[str] = set()
    cached = getattr(user, REQUEST_ASSIGNMENTS, None)  # posts a request already read (engine.townships)
    if cached is not None:
        ids = set(organization_ids)
        for assignment in cached:
            if assignment.organization_id in ids:
                held.update((assignment.position.code, assignment.position.name))
        return held
    for code, name in Assignment.objects.filter(user=user, organization_id__in=list(organization_ids)).values_list(
        "position__code", "position__name"
    ):
        held.update((code, name))
    return held


def holds(user: AbstractBaseUser, position_code: str, organization: Organization) -> bool:
    return position_code in positions_of(user, org_subtree(organization))


# ------------------------------------------------------------------------------------------
# Starting
# ------------------------------------------------------------------------------------------


def check_can_start(
    *, definition: ProcessDefinition, power_code: str, actor: AbstractBaseUser, organization: Organization
) -> Any:
    """清单之外无权力: a power's process starts only for a code on the current list.

    Returns the catalog power (or None for a process that is not a power).

    Raises:
        PowerNotListed: the code is unknown, removed from the list, or not this process's power.
    """
    from processes.models import Power

    if power_code:
        from processes.procedures import by_code

        procedure = by_code(power_code)  # the institutions (三重一大, 四议两公开, 问责, 四谈话)
        if procedure is not None and procedure.process_id == definition.process_id:
            return None
        power = Power.objects.filter(code=power_code).first()
        if power is None or not power.is_active or power.process_id != definition.process_id:
            raise exc.PowerNotListed(power=power_code)
        return power
    if Power.objects.filter(process_id=definition.process_id).exists():
        raise exc.PowerNotListed(power=definition.process_id)
    return None


# values the workflow uses as rules or computes itself: never part of a case's start data
RULE_KEYS = ("quorum_fraction", "quorum_fraction_major", "pass_fraction", "expected_members", "host",
             "village_quorum", "village_pass", "notice_start", "notice_end", "notice_period", "notice_history",
             "first_responder", "received_at", "correction_notice_deadline", "meeting_round", "meeting_records",
             "approved", "outcome", "power_code")  # fmt: skip


def check_start_data(parsed: bpmn.ParsedDefinition, data: Mapping[str, Any]) -> None:
    """Start data carries no rule value and matches the power's start form (立案数据).

    Raises: InvalidTaskData (field errors).
    """
    from django.utils.translation import gettext as _

    ruled = sorted(k for k in data if k in RULE_KEYS)
    if ruled:
        raise exc.InvalidTaskData(fields={form_messages.field_path([k]): [_("由权力清单和乡镇设置决定，不能在启动数据中填写")] for k in ruled})
    bpmn.validate_start_data(parsed, data)


def setup_case(case: Case, power: Any, *, now: datetime) -> None:
    """Fill the fields that follow from the power: handling station and deadlines."""
    from engine.townships import promised_limit, township_power

    if power is None:
        return
    # the station the case's own township names for this power (an id, within that township)
    entry = township_power(case.township, power)
    case.handling_unit = entry.handling_station
    # the limits are copied: a later catalog change does not move a running case's deadlines
    value, unit = promised_limit(entry, power)
    case.promised_limit = {"value": value, "unit": unit or workdays.WORKING_DAY}
    if power.legal_limit_value is not None:
        case.legal_limit = {"value": power.legal_limit_value, "unit": power.legal_limit_unit or workdays.WORKING_DAY}
    set_deadlines(case)


def set_deadlines(case: Case) -> None:
    """Case deadlines from its limits, counted from the start, plus the working days paused."""
    for limit, field in ((case.promised_limit, "due_at"), (case.legal_limit, "legal_due_at")):
        if limit:
            extra = case.paused_working_days if limit["unit"] == workdays.WORKING_DAY else 0
            setattr(case, field, workdays.add_limit(case.started_at, limit["value"] + extra, limit["unit"]))


def _power(case: Case) -> Any:
    if not case.power_code:
        return None
    from processes.models import Power

    return Power.objects.filter(code=case.power_code).first()


@functools.lru_cache(maxsize=16)
def _rules_of_snapshot(snapshot_hash: str) -> dict[str, tuple[str, ...]]:
    """Separation rules per power code in a published list version (a version never changes)."""
    from processes.models import CatalogVersion

    snapshot = CatalogVersion.objects.filter(snapshot_hash=snapshot_hash).values_list("snapshot", flat=True).first()
    return {code: tuple(row.get("separation_of_duties") or ()) for code, row in (snapshot or {}).get("power", {}).items()}


def _version_rules(version_id: int) -> dict[str, tuple[str, ...]]:
    from processes.models import CatalogVersion

    digest = CatalogVersion.objects.filter(pk=version_id).values_list("snapshot_hash", flat=True).first()
    return _rules_of_snapshot(digest) if digest else {}


def separation_rules(case: Case) -> tuple[str, ...]:
    """The rules of the list version the case started under (a later change does not reach it)."""
    if case.power_code and getattr(case, "catalog_version_id", None):
        rules = _version_rules(case.catalog_version_id)
        if case.power_code in rules:
            return rules[case.power_code]
    power = _power(case)
    if power is None:
        return DEFAULT_SEPARATION
    return tuple(power.separation_of_duties or ())


# ------------------------------------------------------------------------------------------
# Acting on a task
# ------------------------------------------------------------------------------------------


def check_task_action(
    *, case: Case, work_item: WorkItem, actor: AbstractBaseUser, action: str, now: datetime, state: CaseState,
) -> None:  # fmt: skip
    """Raises: TaskClaimedByOther, TaskNotClaimed, NotAssignedMember, NotInLane,
    SeparationOfDuties, ConflictOfInterest, ChiefNotDirectHandler, ChiefMustSpeakLast."""
    username = actor.get_username()
    holder = getattr(work_item, "claimant", None) if work_item.claimed_by_id else None
    if action == UNCLAIM:
        if holder != username:
            raise exc.TaskNotClaimed(task=work_item.bpmn_id)
        return
    if action == CLAIM and holder is not None:
        raise exc.TaskClaimedByOther(task=work_item.bpmn_id, claimed_by=holder)
    if action == COMPLETE and holder is not None and holder != username:
        raise exc.TaskClaimedByOther(task=work_item.bpmn_id, claimed_by=holder)
    if work_item.member and work_item.member != username:
        raise exc.NotAssignedMember(task=work_item.bpmn_id, member=work_item.member)

    scope = org_subtree(case.organization_id)
    held = positions_of(actor, scope)
    properties = _task_properties(case, work_item, state)
    if properties.get("presider") == "true" and state is not None:
        # 末位表态 belongs to this meeting's presider (the chief, or the deputy he designated)
        presider = bpmn.task_data(state.workflow, work_item.task_id).get("host") or ""
        if username != presider:
            raise rule_errors.NotThePresider(presider=presider)
    elif properties.get("concerned") == "true":
        # 问责: the person concerned states his side himself, whatever posts he holds
        if username != work_item.member:
            from engine.institutions.errors import NotThePersonConcerned

            raise NotThePersonConcerned(person=work_item.member)
    elif work_item.lane and work_item.lane not in held:
        raise exc.NotInLane(task=work_item.bpmn_id, lane=work_item.lane)

    rules = separation_rules(case)
    if APPLICANT_NEVER_ACTS in rules and case.applicant_user_id == actor.pk:
        raise exc.SeparationOfDuties(rule=APPLICANT_NEVER_ACTS)
    if AGENT_NEVER_ACTS in rules and case.agent_user_id == actor.pk:
        raise exc.SeparationOfDuties(rule=AGENT_NEVER_ACTS)
    # a declaration always marks the case for separate filing, so most cases skip the query
    if CONFLICT_RECUSAL in rules and case.separate_filing and case.conflicts.filter(user=actor).exists():
        raise exc.ConflictOfInterest(user=username)

    duty = properties.get("duty", "")
    if duty in ("review", "approve"):
        earlier = {"review": "accept", "approve": "review"}[duty]
        rule = ACCEPTOR_NOT_REVIEWER if duty == "review" else REVIEWER_NOT_APPROVER
        if rule in rules and username in _actors_of_duty(case, earlier, state):
            raise exc.SeparationOfDuties(rule=rule)

    tags = {t.strip() for t in properties.get("tags", "").split(",") if t.strip()}
    if tags & set(FIVE_AREAS) and CHIEF in held:
        raise exc.ChiefNotDirectHandler(areas=sorted(tags & set(FIVE_AREAS)))

    # 末位表态: on a stance task (property stance=true) the chief's own instance waits for the others
    if properties.get("stance") == "true" and work_item.member and CHIEF in held and action == COMPLETE:
        from engine.models import WorkItem

        others = WorkItem.objects.filter(case=case, bpmn_id=work_item.bpmn_id).exclude(pk=work_item.pk)
        if others.exists():
            raise exc.ChiefMustSpeakLast(waiting=others.count())


def _task_properties(case: Case, work_item: WorkItem, state: CaseState) -> Mapping[str, str]:
    info = state.parsed.user_tasks.get(work_item.bpmn_id)
    return info.properties if info is not None else {}


def _actors_of_duty(case: Case, duty: str, state: CaseState) -> set[str]:
    """Users who completed tasks of the given duty on this case (from its audit trail)."""
    from engine.models import AuditEvent

    ids = [bpmn_id for bpmn_id, info in state.parsed.user_tasks.items() if info.properties.get("duty") == duty]
    if not ids:
        return set()
    return set(
        AuditEvent.objects.filter(case=case, kind=AuditEvent.Kind.TASK_COMPLETED, bpmn_id__in=ids).values_list(
            "actor_name", flat=True
        )
    )


def check_task_data(
    *, case: Case, state: CaseState, work_item: WorkItem, actor: AbstractBaseUser, data: Mapping[str, Any]
) -> None:
    """Rules on submitted data beyond the form: attendance (quorum, recusal).

    A task with the property ``attendance=true`` records ``expected_members`` (应到会),
    ``present_members`` and ``proceed``. Proceeding needs a quorum of those expected:
    ``quorum_fraction`` (default: more than one half; see `_meets`); recused members may not vote.

    Raises: QuorumNotMet, ConflictOfInterest.
    """
    _check_declared_conflicts_are_recused(case, data)
    properties = _task_properties(case, work_item, state)
    if properties.get("attendance") != "true":
        return
    expected = list(data.get("expected_members") or [])
    present = list(data.get("present_members") or [])
    recused = set(case.conflicts.values_list("user__username", flat=True))
    voting = [m for m in present if m in recused]
    if voting:
        raise exc.ConflictOfInterest(user=voting[0])
    if not data.get("proceed", True):
        return
    rule = data.get("quorum_fraction") or properties.get("quorum_fraction") or 0.5
    if not expected or not _meets(len(present), len(expected), rule):
        raise exc.QuorumNotMet(present=len(present), expected=len(expected), fraction=str(rule))


def _check_declared_conflicts_are_recused(case: Case, data: Mapping[str, Any]) -> None:
    """A meeting record (`attendees`, optional `recused` [{member, reason}]) must list every
    attendee with a declared conflict as recused; otherwise he would get a stance to state that
    he may not state, and the meeting would stall."""
    attendees = data.get("attendees")
    if not case.separate_filing or not isinstance(attendees, list):
        return
    declared = set(case.conflicts.values_list("user__username", flat=True))
    listed = {r.get("member") for r in data.get("recused") or [] if isinstance(r, Mapping)}
    unlisted = sorted((declared & set(attendees)) - listed)
    if unlisted:
        raise exc.ConflictOfInterest(user=unlisted[0])


def _meets(count: int, base: int, rule: Any) -> bool:
    """`count` against `base` by a fraction: a number (strictly more than), or the catalog's form
    {numerator, denominator, comparison: gt|gte} (gte: "2/3 以上" includes exactly two thirds)."""
    if isinstance(rule, Mapping):
        left, right = count * int(rule["denominator"]), base * int(rule["numerator"])
        return left >= right if rule.get("comparison") == "gte" else left > right
    return count > base * float(rule)


# ------------------------------------------------------------------------------------------
# Deadlines
# ------------------------------------------------------------------------------------------


def task_due_at(case: Case, task: bpmn.ReadyTask, *, now: datetime) -> datetime | None:
    """A task's own `time_limit` (e.g. `3WD`), else the case's promised deadline."""
    limit = workdays.parse_limit(task.properties.get("time_limit"))
    if limit is not None:
        return workdays.add_limit(now, *limit)
    return case.due_at


def is_clock_paused(
    ready: Iterable[bpmn.ReadyTask], pending_timer_ids: Iterable[str], parsed: bpmn.ParsedDefinition
) -> bool:
    """The stages the law does not count (补正 waiting, 公示, 听证, the county's decision, the
    party's own periods) stop the clock: one mechanism, the `pauses_clock` property the stage
    blocks put on their waiting task or timer. The clock stops while any of them is waiting."""
    if set(pending_timer_ids) & parsed.clock_pausing_timers:
        return True
    return any(t.properties.get("pauses_clock") == "true" for t in ready)


def paused_days(case: Case, now: datetime, lights: Any = None) -> int:
    """Working days the clock has stood still so far (past pauses plus the running one);
    `lights`: a `selectors.Lights` holding the request's holiday table."""
    if case.paused_since is None:
        return case.paused_working_days
    between = lights.working_days_between if lights is not None else workdays.working_days_between
    running = between(case.paused_since, now)
    return case.paused_working_days + running


def update_clock(case: Case, *, paused: bool, now: datetime) -> None:
    """Pause or resume the case's deadline clock; on resume, push deadlines out by the pause."""
    if paused and case.paused_since is None:
        case.paused_since = now
    elif not paused and case.paused_since is not None:
        days = workdays.working_days_between(case.paused_since, now)
        case.paused_since = None
        if days:
            case.paused_working_days += days
            set_deadlines(case)


def holders_of(position: str, case: Case, *, station_only: bool = False) -> list[str]:
    """User names holding a position (code or lane name) for the case: in its handling station,
    else anywhere in its organization."""
    from engine.models import Assignment

    query = Assignment.objects.filter(models_q_position(position))
    if case.handling_unit_id is not None:
        names = sorted(set(query.filter(organization_id=case.handling_unit_id).values_list("user__username", flat=True)))
        if names or station_only:
            return names
    return sorted(set(query.filter(organization_id__in=org_subtree(case.organization_id))
                      .values_list("user__username", flat=True)))  # fmt: skip


def models_q_position(position: str) -> Any:
    from django.db.models import Q

    return Q(position__code=position) | Q(position__name=position)


def responsibility_for(case: Case) -> str:
    """The responsibility item an overdue case of this power answers to (the first linked one)."""
    power = _power(case)
    if power is None:
        return ""
    first = power.responsibilities.order_by("code").first()
    return first.code if first is not None else ""
