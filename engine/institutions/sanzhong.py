"""三重一大: the 大额 threshold, 会前酝酿, the meeting's matter type, 任前廉政谈话 before an appointment.

The threshold and the circulation period are the township's settings (`large_amount_threshold`,
`sanzhong.circulation_days`); a fund use that reaches the threshold (达到或超过) is decided only by
the 大额资金 procedure (SZ-04): a power whose start data or disbursement reaches it is refused
unless it names a passed SZ-04 decision of the township for at least that amount.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, time
from typing import Any

from django.utils.translation import gettext as _

from engine import exceptions as exc
from engine import form_messages, meetings, rule_errors, township_rules, workdays
from engine.institutions import errors, talks
from engine.institutions.common import completions, start_data
from engine.models import Case

THRESHOLD_KEY = "large_amount_threshold"
CIRCULATION_KEY = "sanzhong.circulation_days"
FUND_PROCESS = "proc_sz_04"
FUND_CODE = "SZ-04"


def _setting(key: str, township_id: int | None) -> Any:
    """The township's own value of a setting, else the county template's, else the packaged default."""
    return township_rules.setting_value(key, township_id)


def threshold(township_id: int | None = None) -> float:
    """The township's 大额 threshold in yuan. Raises: RuleNotConfigured."""
    value = _setting(THRESHOLD_KEY, township_id)
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise rule_errors.RuleNotConfigured(key=THRESHOLD_KEY)
    return value


def is_large(amount: Any, township_id: int | None = None) -> bool:
    return isinstance(amount, int | float) and not isinstance(amount, bool) and amount >= threshold(township_id)


def _amount_text(amount: Any) -> str:
    return f"{amount:g}" if isinstance(amount, float) else str(amount)


KINDS_KEY = "sanzhong_kinds"


def kinds(township_id: int | None = None) -> list[dict[str, Any]]:
    """The township's 三重一大 kinds ({code, name, examples}) from its settings."""
    value = _setting(KINDS_KEY, township_id)
    return [dict(k) for k in value if isinstance(k, Mapping) and k.get("code")] if isinstance(value, list) else []


def check_kind(kind: str, organization_id: int) -> None:
    """A 三重一大 procedure starts only for a kind the township lists. Raises: SanzhongKindNotListed."""
    if kind not in {k["code"] for k in kinds(meetings.township_of(organization_id))}:
        raise errors.SanzhongKindNotListed(kind=kind)


def decided_amount(reference: str, organization_id: int) -> float | None:
    """The amount a passed, completed 大额资金 decision of the township allows; None if there is none."""
    case = Case.objects.filter(reference=reference, definition__process_id=FUND_PROCESS,
                               township_id=meetings.township_of(organization_id),
                               status=Case.Status.COMPLETED).first()  # fmt: skip
    if case is None or not completions(case, "decision_document"):
        return None
    proposals = completions(case, "proposal")
    amount = proposals[-1][1].get("fund_amount") if proposals else start_data(case).get("fund_amount")
    return amount if isinstance(amount, int | float) else None


def require_decision(*, amount: Any, reference: Any, organization_id: int) -> None:
    """A fund use at or above the threshold needs a passed SZ-04 decision for at least its amount.

    Raises: LargeAmountRequiresSanzhong, SanzhongDecisionNotFound, RuleNotConfigured.
    """
    township_id = meetings.township_of(organization_id)
    if not is_large(amount, township_id):
        return
    if not reference:
        raise errors.LargeAmountRequiresSanzhong(amount=_amount_text(amount),
                                                 threshold=_amount_text(threshold(township_id)),
                                                 procedure=FUND_CODE)  # fmt: skip
    allowed = decided_amount(str(reference), organization_id)
    if allowed is None or allowed < amount:
        raise errors.SanzhongDecisionNotFound(reference=str(reference), amount=_amount_text(amount))


def check_power_start(*, power: Any, data: Mapping[str, Any], organization_id: int) -> None:
    """A power started with a fund amount at or above the threshold is routed into SZ-04.

    Raises: LargeAmountRequiresSanzhong, SanzhongDecisionNotFound.
    """
    if power is None:
        return
    require_decision(amount=data.get("fund_amount"), reference=data.get("sanzhong_decision"),
                     organization_id=organization_id)  # fmt: skip


def check_payment(case: Case, amount: Any) -> None:
    """A disbursement of a power reaching the threshold: the case must name the decision."""
    if not case.power_code or case.definition.process_id.startswith("proc_"):
        return
    require_decision(amount=amount, reference=start_data(case).get("sanzhong_decision"),
                     organization_id=case.organization_id)  # fmt: skip


def check_fund_matter(amount: Any, organization_id: int) -> dict[str, Any]:
    """The 大额资金 procedure is for amounts at or above the threshold only.

    Raises: NotASanzhongMatter.
    """
    township_id = meetings.township_of(organization_id)
    limit = threshold(township_id)
    if not is_large(amount, township_id):
        raise errors.NotASanzhongMatter(amount=_amount_text(amount), threshold=_amount_text(limit))
    return {"large_amount_threshold": limit}


def _period(key: str, township_id: int) -> tuple[int, str]:
    value = _setting(key, township_id)
    days = value.get("value") if isinstance(value, Mapping) else None
    unit = value.get("unit", workdays.WORKING_DAY) if isinstance(value, Mapping) else None
    if isinstance(days, bool) or not isinstance(days, int) or days <= 0 or unit not in (workdays.WORKING_DAY,
                                                                                         workdays.CALENDAR_DAY):
        raise rule_errors.RuleNotConfigured(key=key)
    return days, unit


def circulation(*, organization_id: int, now: datetime) -> dict[str, Any]:
    """The topic and materials go to every member of the 班子 today; the meeting may open once the
    township's circulation period (working days, the circulation day not counted) has run."""
    days, unit = _period(CIRCULATION_KEY, meetings.township_of(organization_id))
    last = workdays.add_limit(now, days, unit)
    earliest = datetime.combine(workdays.local_date(last), time(0, 0), tzinfo=last.tzinfo)
    return {"circulated_at": now.isoformat(timespec="seconds"),
            "circulated_to": meetings.roster(organization_id, workdays.local_date(now)),
            "circulation_days": days, "earliest_meeting_at": earliest.isoformat(timespec="seconds")}  # fmt: skip


def check_meeting(data: Mapping[str, Any], context: Mapping[str, Any], now: datetime) -> None:
    """In a 三重一大 case: no meeting before the circulation period ends, and the matter type the
    procedure fixes (三重一大 or 干部任免), never 一般事项.

    Raises: MeetingBeforeCirculation, MatterTypeMismatch.
    """
    required = context.get("sanzhong_matter_type")
    if required and data.get("matter_type") != required:
        raise errors.MatterTypeMismatch(required=str(required), given=str(data.get("matter_type") or ""))
    earliest_text = context.get("earliest_meeting_at")
    if not earliest_text:
        return
    earliest = datetime.fromisoformat(earliest_text)
    try:
        meeting = datetime.fromisoformat(str(data.get("meeting_time")))
    except ValueError:
        meeting = now
    if meeting.tzinfo is None:
        meeting = meeting.replace(tzinfo=earliest.tzinfo)
    if meeting < earliest or now < earliest:
        raise errors.MeetingBeforeCirculation(earliest=earliest_text, meeting_time=meeting.isoformat(timespec="seconds"))


def check_appointment(case: Case, context: Mapping[str, Any]) -> dict[str, Any]:
    """Every appointee has a 任前廉政谈话 record made since this case started.

    Raises: PreAppointmentTalkRequired, InvalidTaskData.
    """
    persons = [a.get("person") for a in context.get("appointees") or [] if isinstance(a, Mapping)]
    if not persons:
        raise exc.InvalidTaskData(fields={form_messages.field_path(["appointees"]): [_("没有拟任免人员")]})
    found = talks.pre_appointment_talks(case.organization_id, persons, since=workdays.local_date(case.started_at))
    missing = [p for p in persons if p not in found]
    if missing:
        raise errors.PreAppointmentTalkRequired(persons=missing)
    return {"pre_appointment_talks": sorted(set(found.values()))}
