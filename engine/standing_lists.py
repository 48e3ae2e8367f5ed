"""Standing public lists (长期公示): after approval, the cases of the powers whose rules require it
stay on a public list with only the fields the rule names, masked like the notice board; a
minor's case is never listed; each line has its start and end dates and leaves the list when
the benefit ends (the end date passes, or the station records the end with its reason).

The rules (which powers, which fields, for how long) are the catalog's notice requirements
(`Power.notice["what"]`: 低保 “批准后长期公示户主姓名、保障人数、保障金额”, 特困 “批准后公布供养对象”,
危房改造 and the 计生 rewards: “审批结果”); the fields are read from the case's final data, the
applicant's name from its start form. 党员发展 is not a power on the list: its 公示 before admission
goes through the 三务公开 register (党务).
"""

from __future__ import annotations

from dataclasses import dataclass
import calendar
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from engine import authority
from engine import exceptions as exc
from engine import public_errors as err
from engine.masking import is_minor, mask_text
from engine.models import AuditEvent, Case
from engine.public_models import StandingListEntry


@dataclass(frozen=True)
class StandingRule:
    title: str
    fields: tuple[tuple[str, str], ...]  # (label, data key): the only things published
    months: int  # the listing lasts until the periodic review (动态管理), unless ended earlier


RULES: dict[str, StandingRule] = {
    "JF-01": StandingRule("农村最低生活保障对象", (("户主姓名", "applicant"), ("保障人数（人）", "household_members"),
                                                 ("保障金额（元/月）", "disbursed_amount")), 12),
    "JF-02": StandingRule("特困人员救助供养对象", (("姓名", "applicant"), ("供养金额（元/月）", "disbursed_amount")), 12),
    "JF-06": StandingRule("农村危房改造补助对象", (("户主姓名", "applicant"), ("补助金额（元）", "disbursed_amount")), 12),
    "QR-01": StandingRule("农村部分计划生育家庭奖励扶助对象", (("姓名", "applicant"),), 12),
    "QR-02": StandingRule("计划生育家庭特别扶助对象", (("姓名", "applicant"),), 12),
}  # fmt: skip


def _add_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _start_data(case: Case) -> dict[str, Any]:
    event = case.audit_events.filter(kind=AuditEvent.Kind.CASE_STARTED).only("payload").first()
    return dict((event.payload or {}).get("data") or {}) if event is not None else {}


def _place(power_code: str) -> str:
    from processes.models import Power

    notice = Power.objects.filter(code=power_code).values_list("notice", flat=True).first() or {}
    return str(notice.get("where") or "")


def feed(case: Case, data: dict[str, Any], *, now: datetime) -> StandingListEntry | None:
    """Called when a case completes (inside its transaction): an approved case of a listed power
    gets its line; a rejected one, a minor's, or an unlisted power gets nothing."""
    rule = RULES.get(case.power_code)
    if rule is None or data.get("approved") is not True:
        return None
    start = _start_data(case)
    values = [(label, data.get(key, start.get(key))) for label, key in rule.fields]
    texts = tuple(str(v) for _, v in values if v is not None)
    today = timezone.localdate(now)
    if is_minor(start, on=today, texts=texts):
        return None
    fields = [[label, mask_text("" if value is None else str(value))] for label, value in values]
    return StandingListEntry.objects.create(
        township_id=case.township_id, case=case, power_code=case.power_code, list_title=rule.title,
        place=_place(case.power_code), fields=fields, starts_on=today,
        ends_on=_add_months(today, rule.months) - timedelta(days=1), created_at=now,
    )  # fmt: skip


@transaction.atomic
def end_entry(entry_id: int, *, actor: AbstractBaseUser, reason: str, now: datetime) -> StandingListEntry:
    """The benefit ended (停保、死亡、迁出…): the line leaves the list from today.

    Raises: StandingEntryNotFound (also for other townships), NotAuthorized, TextRequired, StandingEntryEnded.
    """
    from engine.townships import check_township_member

    entry = StandingListEntry.objects.select_for_update().filter(pk=entry_id).first()
    if entry is None:
        raise err.StandingEntryNotFound(entry_id=entry_id)
    check_township_member(actor, entry.township_id, not_found=err.StandingEntryNotFound(entry_id=entry_id))
    held = authority.position_codes(actor, authority._scope(entry.township_id))
    if not held & {"handler", "station_head", "deputy", "chief"}:
        raise exc.NotAuthorized(action="end_standing_entry", required=["handler", "station_head"])
    if not reason.strip():
        raise err.TextRequired(field="reason")
    today = timezone.localdate(now)
    if entry.ended_at is not None or (entry.ends_on is not None and entry.ends_on < today):
        raise err.StandingEntryEnded(entry_id=entry_id)
    entry.ended_at, entry.end_reason, entry.ended_by = now, reason.strip(), actor
    entry.ends_on = min(entry.ends_on or today, today)
    entry.save()
    return entry


def current(*, township_id: int, on: date, power_code: str = "") -> QuerySet[StandingListEntry]:
    """The lines on the list on a day: started, not past their end, not ended."""
    query = StandingListEntry.objects.filter(township_id=township_id, starts_on__lte=on, ended_at__isnull=True)
    query = query.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
    if power_code:
        query = query.filter(power_code=power_code)
    return query.order_by("power_code", "starts_on", "id")
