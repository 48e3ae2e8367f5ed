"""Administration: the only way assignments, settings, the holiday table and user accounts change.

Every change needs a reason, passes the rules of its kind (五不直接分管 for assignments), and
writes one event to the administration log: actor, time, reason, the values before and after,
chained by hash in the same canonical form as the case trails (engine/audit.py). The log is
append-only; `verify_admin_log` checks it, and `verify_audit` runs that check.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import models, transaction
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _

from engine import audit
from engine import exceptions as exc
from engine.models import AdminEvent, AdminLogHead, Assignment, CalendarDay
from engine.names import SYSTEM_ACTOR

# fields never copied into the log (a password hash is secret; the log records that it changed)
_SECRET_FIELDS = {"password"}
_USER_FIELDS = ("username", "first_name", "last_name", "email", "is_active", "is_staff", "is_superuser")


def snapshot(instance: models.Model | None) -> dict[str, Any] | None:
    """The instance's field values as stored JSON (None for no instance)."""
    if instance is None:
        return None
    if isinstance(instance, get_user_model()):
        values = {name: getattr(instance, name) for name in _USER_FIELDS if hasattr(instance, name)}
    else:
        values = {k: v for k, v in model_to_dict(instance).items() if k not in _SECRET_FIELDS}
        values = {k: [getattr(o, "pk", o) for o in v] if isinstance(v, Iterable) and not isinstance(v, str | bytes | dict) else v
                  for k, v in values.items()}  # fmt: skip
    values["id"] = instance.pk
    return audit.normalize_payload({k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in values.items()})


def target_of(instance: models.Model) -> str:
    return f"{instance._meta.label_lower}:{instance.pk}"


def _body(event: AdminEvent) -> dict[str, Any]:
    return {
        "sequence": event.sequence, "kind": event.kind, "actor": event.actor_name, "at": audit.canonical_time(event.at),
        "reason": event.reason, "target": event.target, "before": event.before, "after": event.after,
    }  # fmt: skip


def clean_reason(reason: Any) -> str:
    if not isinstance(reason, str) or not reason.strip():
        raise exc.ReasonRequired()
    return reason.strip()


@transaction.atomic
def record(
    *, kind: str, actor: AbstractBaseUser | None, now: datetime, reason: str, target: str,
    before: Mapping[str, Any] | None, after: Mapping[str, Any] | None,
) -> AdminEvent:  # fmt: skip
    """Append one event to the administration log (under the head's lock).

    Raises:
        ReasonRequired, ClockBehindRecord (earlier than the last logged change).
    """
    reason = clean_reason(reason)
    if now is None or now.tzinfo is None:
        raise exc.ClockNotSet()
    AdminLogHead.objects.get_or_create(pk=1)
    head = AdminLogHead.objects.select_for_update().get(pk=1)
    if head.last_at is not None and now < head.last_at:
        raise exc.ClockBehindRecord(at=audit.canonical_time(now), last=audit.canonical_time(head.last_at))
    event = AdminEvent(
        sequence=head.last_sequence + 1, kind=kind, actor=actor,
        actor_name=actor.get_username() if actor is not None else SYSTEM_ACTOR, at=now, reason=reason,
        target=target, before=audit.normalize_payload(before) if before is not None else None,
        after=audit.normalize_payload(after) if after is not None else None,
        prev_hash=head.last_hash or audit.GENESIS_HASH, hash_scheme=audit.HASH_SCHEME,
    )  # fmt: skip
    event.hash = audit.chain_hash(event.prev_hash, _body(event), event.hash_scheme)
    event.save()
    AdminLogHead.objects.filter(pk=1).update(last_sequence=event.sequence, last_hash=event.hash, last_at=now)
    return event


# ------------------------------------------------------------------------------------------
# Rules per kind of record
# ------------------------------------------------------------------------------------------


def check_assignment(assignment: Assignment) -> list[str]:
    """五不直接分管 for an assignment about to be saved; returns warnings (one deputy holding all
    five areas).

    Raises:
        PositionNotFound, ChiefNotDirectHandler.
    """
    from engine import rules
    from processes.models import Position, Power

    position = Position.objects.filter(pk=assignment.position_id).first()
    if position is None:
        raise exc.PositionNotFound(position=str(assignment.position_id))
    others = Assignment.objects.filter(user_id=assignment.user_id).exclude(pk=assignment.pk)
    five = set(rules.FIVE_AREAS)
    areas = set(assignment.areas or ())
    if position.code == "deputy":
        unit = assignment.organization.name
        for tags in Power.objects.filter(handling_unit=unit, is_active=True).values_list("five_areas", flat=True):
            areas.update(tags or ())
    held_as_deputy = set()
    for other in others.filter(position__code="deputy"):
        held_as_deputy.update(other.areas or ())
    is_chief = position.code == rules.CHIEF or others.filter(position__code=rules.CHIEF).exists()
    supervised = (areas | (held_as_deputy if position.code == rules.CHIEF else set())) & five
    if is_chief and supervised:
        raise exc.ChiefNotDirectHandler(areas=sorted(supervised))
    warnings = []
    if position.code == "deputy" and five <= (held_as_deputy | set(assignment.areas or ())):
        user = get_user_model().objects.get(pk=assignment.user_id)
        warnings.append(_("%(user)s 一人分管了全部五个领域（%(areas)s），原则上应分设")
                        % {"user": user.get_username(), "areas": "、".join(rules.FIVE_AREAS)})  # fmt: skip
    return warnings


def _check_calendar_day(day: CalendarDay) -> list[str]:
    return []


def _check_nothing(instance: models.Model) -> list[str]:
    return []


CHECKS: dict[type[models.Model], Callable[[Any], list[str]]] = {
    Assignment: check_assignment,
    CalendarDay: _check_calendar_day,
}


def check(instance: models.Model) -> list[str]:
    """The rules of the instance's kind (raises a domain error); returns warnings."""
    return CHECKS.get(type(instance), _check_nothing)(instance)


@dataclass(frozen=True)
class Saved:
    instance: models.Model
    event: AdminEvent
    warnings: list[str]


def _kind(instance: models.Model, verb: str) -> str:
    return f"{instance._meta.label_lower}.{verb}"


@transaction.atomic
def save_record(
    instance: models.Model, *, actor: AbstractBaseUser | None, reason: str, now: datetime,
    save: Callable[[], None] | None = None,
) -> Saved:  # fmt: skip
    """Create or change a record after its rules pass, and log the change.

    `save` performs the write when it is more than `instance.save()` (e.g. a form that also saves
    many-to-many fields). Raises: ReasonRequired, and the rules' errors; nothing is written then.
    """
    clean_reason(reason)
    model = type(instance)
    before = snapshot(model._default_manager.filter(pk=instance.pk).first()) if instance.pk is not None else None
    warnings = check(instance)
    (save or instance.save)()
    instance.refresh_from_db()
    event = record(kind=_kind(instance, "change" if before else "create"), actor=actor, now=now, reason=reason,
                   target=target_of(instance), before=before, after=snapshot(instance))  # fmt: skip
    return Saved(instance, event, warnings)


@transaction.atomic
def delete_record(instance: models.Model, *, actor: AbstractBaseUser | None, reason: str, now: datetime) -> AdminEvent:
    """Delete a record and log its last values. Raises: ReasonRequired."""
    clean_reason(reason)
    before, target = snapshot(instance), target_of(instance)
    instance.delete()
    return record(kind=_kind(instance, "delete"), actor=actor, now=now, reason=reason, target=target,
                  before=before, after=None)  # fmt: skip


# ------------------------------------------------------------------------------------------
# Named services
# ------------------------------------------------------------------------------------------


def assign_position(
    *, user: AbstractBaseUser, position_code: str, organization: Any, areas: Iterable[str] = (),
    actor: AbstractBaseUser | None, reason: str, now: datetime,
) -> tuple[Assignment, list[str]]:  # fmt: skip
    """Give a user a position; a deputy (分管领导) also gets the areas he supervises.

    五不直接分管: the chief may not supervise 财务, 人事, 工程项目, 行政审批 or 物资采购, whether
    named as areas or carried by the powers of the unit he would supervise. Returns the
    assignment and warnings (one deputy holding all five areas).

    Raises:
        ReasonRequired, PositionNotFound, ChiefNotDirectHandler.
    """
    from processes.models import Position

    position = Position.objects.filter(code=position_code).first()
    if position is None:
        raise exc.PositionNotFound(position=position_code)
    assignment = Assignment(user=user, position=position, organization=organization, areas=list(areas))
    saved = save_record(assignment, actor=actor, reason=reason, now=now)
    return saved.instance, saved.warnings


def set_setting(*, key: str, value: Any, actor: AbstractBaseUser | None, reason: str, now: datetime) -> Saved:
    """Change a township setting's value. Raises: ReasonRequired, SettingNotFound."""
    from processes.models import TownshipSetting

    setting = TownshipSetting.objects.filter(key=key).first()
    if setting is None:
        raise exc.SettingNotFound(key=key)
    setting.value = value
    return save_record(setting, actor=actor, reason=reason, now=now)


def set_calendar_day(
    *, date: Any, is_workday: bool, name: str = "", actor: AbstractBaseUser | None, reason: str, now: datetime
) -> Saved:
    """Enter or change one day of the holiday table (节假日与调休). Raises: ReasonRequired."""
    day = CalendarDay.objects.filter(date=date).first() or CalendarDay(date=date)
    day.is_workday, day.name = is_workday, name
    return save_record(day, actor=actor, reason=reason, now=now)


def set_user_active(*, user: AbstractBaseUser, active: bool, actor: AbstractBaseUser | None, reason: str,
                    now: datetime) -> Saved:  # fmt: skip
    """Enable or disable a user account (a disabled account loses every position's authority)."""
    user.is_active = active
    return save_record(user, actor=actor, reason=reason, now=now, save=lambda: user.save(update_fields=["is_active"]))


# ------------------------------------------------------------------------------------------
# Verification
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LogReport:
    ok: bool
    events: int
    first_bad_sequence: int | None = None
    problem: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"log": "administration", "ok": self.ok, "events": self.events,
                "first_bad_sequence": self.first_bad_sequence, "problem": self.problem}  # fmt: skip


def verify_admin_log() -> LogReport:
    """Check the administration log like a case chain: sequences from 1, links, hashes, time order,
    and the head (a deleted or inserted tail)."""
    head = AdminLogHead.objects.filter(pk=1).first()
    head_sequence, head_hash = (head.last_sequence, head.last_hash) if head else (0, "")
    prev_hash, expected, count, prev_at = audit.GENESIS_HASH, 1, 0, None
    for event in AdminEvent.objects.order_by("sequence", "pk").iterator():
        count += 1
        if event.sequence < expected:
            return LogReport(False, count, event.sequence, _("第 %(seq)s 条重复出现（事件被插入）") % {"seq": event.sequence})
        if event.sequence != expected:
            return LogReport(False, count, expected, _("应为第 %(expected)s 条，实为第 %(found)s 条（缺失或顺序被改）")
                             % {"expected": expected, "found": event.sequence})  # fmt: skip
        if event.prev_hash != prev_hash:
            return LogReport(False, count, event.sequence, _("前一哈希与上一条事件不衔接"))
        if audit.chain_hash(prev_hash, _body(event), event.hash_scheme) != event.hash:
            return LogReport(False, count, event.sequence, _("事件内容与其哈希不符（内容被改动）"))
        if prev_at is not None and event.at < prev_at:
            return LogReport(False, count, event.sequence, _("事件时间早于上一条事件或案件发起时间（时间倒退）"))
        prev_hash, prev_at, expected = event.hash, event.at, expected + 1
    found = expected - 1
    if head_sequence > found:
        return LogReport(False, count, expected, _("案件记录应有 %(head)s 条事件，链上只有 %(found)s 条（事件被删除）")
                         % {"head": head_sequence, "found": found})  # fmt: skip
    if head_sequence < found:
        return LogReport(False, count, head_sequence + 1, _("案件记录只有 %(head)s 条事件，链上却有 %(found)s 条（事件被插入）")
                         % {"head": head_sequence, "found": found})  # fmt: skip
    if head_sequence and head_hash != prev_hash:
        return LogReport(False, count, head_sequence, _("案件记录的最新哈希与链不符"))
    return LogReport(True, count)
