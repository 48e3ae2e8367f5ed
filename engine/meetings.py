"""The collective-decision meeting (DOMAIN.md §3): the roster from the organization, the rules from
the township's settings, the presider's final stance (末位表态), reasons and minutes.

应到会 is every person holding a 班子 position (`BOARD_POSITIONS`) in the case's township on the
meeting day; the recorder only marks who is present, absent (with a reason) and recused. The
presider is the chief when present, otherwise the deputy the chief designated (recorded).
Each check raises a refusal from engine/rule_errors.py before anything is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from engine import exceptions as exc
from engine import form_messages, rule_errors, township_rules, workdays

BOARD_POSITIONS = ("chief", "committee_member")
CHIEF, DEPUTY = "chief", "deputy"
STANCE_KEYS = ("agree", "disagree", "defer", "abstain")


def township_of(organization_id: int) -> int:
    """The township an organization belongs to (itself, or its nearest township ancestor)."""
    from engine.models import Organization

    rows = {pk: (parent, kind) for pk, parent, kind in Organization.objects.values_list("pk", "parent_id", "kind")}
    current: int | None = organization_id
    while current is not None and current in rows:
        parent, kind = rows[current]
        if kind == Organization.Kind.TOWNSHIP:
            return current
        current = parent
    return organization_id


def holders(organization_id: int, positions: tuple[str, ...], day: date) -> list[str]:
    """User names holding any of `positions` in the township of `organization_id` on `day`."""
    from engine.models import Assignment

    query = Assignment.objects.filter(organization_id=township_of(organization_id), position__code__in=positions)
    query = query.filter(Q(started_on__isnull=True) | Q(started_on__lte=day))
    query = query.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day))
    return sorted(set(query.values_list("user__username", flat=True)))


def roster(organization_id: int, day: date) -> list[str]:
    """应到会: the 班子 of the township on the meeting day, minus no one."""
    return holders(organization_id, BOARD_POSITIONS, day)


def _names(entries: Any) -> list[str]:
    return [e.get("member") if isinstance(e, Mapping) else e for e in entries or []]


def _blank_reasons(entries: Any) -> list[str]:
    return [e.get("member", "") for e in entries or [] if isinstance(e, Mapping) and not str(e.get("reason", "")).strip()]


def _meeting_day(data: Mapping[str, Any], now: datetime) -> date:
    try:
        when = datetime.fromisoformat(str(data.get("meeting_time")))
    except ValueError:
        when = now
    if when.tzinfo is None:
        return when.date()
    return workdays.local_date(when)


def attendance(*, organization_id: int, data: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    """Check a meeting's attendance record and compute what the rules decide.

    Returns expected_members, host (presider), presider_designated_by, major_matter and the
    quorum/pass fractions of the matter type from the township's settings.

    Raises: NotAMember, RosterIncomplete, PresiderNotDesignated, InvalidTaskData.
    """
    day = _meeting_day(data, now)
    expected = roster(organization_id, day)
    present, absent, recused = list(data.get("attendees") or []), _names(data.get("absentees")), _names(
        data.get("recused"))
    strangers = sorted({m for m in [*present, *absent, *recused] if m not in expected})
    if strangers:
        raise rule_errors.NotAMember(members=strangers)
    problems: dict[str, list[str]] = {}
    both = sorted(set(present) & set(absent))
    if both:
        problems[form_messages.field_path(["absentees"])] = [
            _("%(members)s：不能同时到会和缺席") % {"members": "、".join(both)}]
    for field in ("absentees", "recused"):
        blank = _blank_reasons(data.get(field))
        if blank:
            problems.setdefault(form_messages.field_path([field]), []).append(
                _("%(members)s：须写明原因") % {"members": "、".join(blank)})
    if problems:
        raise exc.InvalidTaskData(fields=problems)
    unmarked = [m for m in expected if m not in present and m not in absent]
    if unmarked:
        raise rule_errors.RosterIncomplete(members=unmarked)
    voting = [m for m in present if m not in recused]
    chiefs = [m for m in holders(organization_id, (CHIEF,), day) if m in voting]
    designated = str(data.get("designated_presider") or "")
    if chiefs:
        host, designated_by = chiefs[0], ""
    else:
        deputies = holders(organization_id, (DEPUTY,), day)
        if designated not in voting or designated not in deputies or not str(data.get("presider_designation", "")).strip():
            raise rule_errors.PresiderNotDesignated(candidate=designated)
        host, designated_by = designated, "、".join(holders(organization_id, (CHIEF,), day))
    matter = data.get("matter_type") or "ordinary"
    if matter not in township_rules.MATTER_TYPES:
        raise exc.InvalidTaskData(fields={form_messages.field_path(["matter_type"]): [
            _("未知的事项类型“%(matter)s”") % {"matter": matter}]})
    return {
        "expected_members": expected, "host": host, "presider_designated_by": designated_by,
        "major_matter": matter != "ordinary", **township_rules.meeting_fractions(matter, township_of(organization_id)),
    }  # fmt: skip


def check_member_stance(data: Mapping[str, Any]) -> None:
    """Raises StanceReasonRequired: anything but agreement needs a reason that is not only spaces."""
    stance = data.get("stance")
    if stance != "agree" and not str(data.get("reason") or "").strip():
        raise rule_errors.StanceReasonRequired(stance=str(stance))


def check_presider_stance(data: Mapping[str, Any], context: Mapping[str, Any]) -> None:
    """The presider's final stance: reasons when it differs from the majority or is not agreement.

    Raises: StanceReasonRequired, PresiderReasonRequired.
    """
    stance, reason = data.get("chief_stance"), str(data.get("chief_reason") or "").strip()
    if reason:
        return
    stances = [s.get("stance") for s in context.get("stances") or [] if isinstance(s, Mapping)]
    majority = next((k for k in STANCE_KEYS if stances.count(k) * 2 > len(stances)), "none")
    if majority != "none" and stance != majority:
        raise rule_errors.PresiderReasonRequired(majority=majority, stance=str(stance))
    if stance != "agree":
        raise rule_errors.StanceReasonRequired(stance=str(stance))


def check_minutes(data: Mapping[str, Any], context: Mapping[str, Any]) -> None:
    """Minutes carry each member's stance, every dissent verbatim, the presider's reasons and the count.

    Raises: MinutesIncomplete.
    """
    minutes = data.get("minutes") or {}
    host = context.get("host", "")
    said = [dict(s) for s in context.get("stances") or [] if isinstance(s, Mapping)]
    said.append({"member": host, "stance": context.get("chief_stance"), "reason": context.get("chief_reason") or ""})
    recorded = {o.get("member"): o for o in minutes.get("member_opinions") or [] if isinstance(o, Mapping)}
    dissent = {d.get("member"): str(d.get("opinion", "")) for d in minutes.get("dissent") or [] if isinstance(d, Mapping)}
    problems = []
    for s in said:
        member, reason = s.get("member"), str(s.get("reason") or "").strip()
        entry = recorded.get(member)
        if entry is None or entry.get("stance") != s.get("stance"):
            problems.append(f"{member}：表态未记录或与表态不符")
        elif member == host and reason and reason not in str(entry.get("opinion", "")):
            problems.append(f"{member}：主持人的理由未载明")
        if s.get("stance") != "agree" and reason and reason not in dissent.get(member, ""):
            problems.append(f"{member}：不同意见未如实载明")
    counts = {k: len([s for s in said if s.get("stance") == k]) for k in STANCE_KEYS}
    if minutes.get("result") != counts:
        problems.append("表决结果与计票不符")
    if minutes.get("host") != host:
        problems.append("主持人与签到记录不符")
    if problems:
        raise rule_errors.MinutesIncomplete(problems=problems)
