"""Values the rules compute when a task is completed, never typed by an operator.

A form marks such a field `readOnly` (processes/bpmn_build/forms.py); a submission that carries one
is refused (`computed_field`). After the form's own checks, the function registered for the form
below checks the rule and adds the computed values; the service stores the merged data in the
audit event, so replay applies exactly what the rules decided.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from engine import bpmn, meetings, rule_errors, township_rules, workdays
from engine.institutions import sanzhong, village, wenze
from engine.models import Case, WorkItem
from engine.steps import CaseState

CORRECTION_NOTICE_LIMIT = 5  # working days: 行政许可法 art. 32 (with art. 82)


@dataclass
class Submission:
    case: Case
    state: CaseState
    work_item: WorkItem
    actor: AbstractBaseUser
    data: Mapping[str, Any]
    now: datetime

    def context(self) -> dict[str, Any]:
        """What the process holds at this task (earlier stances, the presider, ...)."""
        return bpmn.task_data(self.state.workflow, self.work_item.task_id)


def readonly_fields(schema: Mapping[str, Any] | None) -> list[str]:
    return sorted(k for k, v in ((schema or {}).get("properties") or {}).items() if isinstance(v, Mapping)
                  and v.get("readOnly"))  # fmt: skip


def prepare(submission: Submission) -> dict[str, Any]:
    """The data to complete the task with: the submitted fields plus the computed ones.

    Raises: ComputedField, InvalidTaskData, and the refusals of the form's rule.
    """
    form = submission.work_item.form
    schema = submission.state.parsed.forms.get(form) if form else None
    typed = [name for name in readonly_fields(schema) if name in submission.data]
    if typed:
        raise rule_errors.ComputedField(fields=typed)
    compute = COMPUTERS.get(form)
    if compute is None:
        return dict(submission.data)
    # the form's own checks first, so the rule reads well-formed data
    bpmn.validate_form_data(submission.state.parsed, submission.work_item.bpmn_id, submission.data)
    return {**submission.data, **(compute(submission) or {})}


# ----------------------------------------------------------------------------- the meeting
def _attendance(sub: Submission) -> dict[str, Any]:
    sanzhong.check_meeting(sub.data, sub.context(), sub.now)  # 会前酝酿 and the matter type of a 三重一大 case
    return meetings.attendance(organization_id=sub.case.organization_id, data=sub.data, now=sub.now)


def _member_stance(sub: Submission) -> None:
    meetings.check_member_stance(sub.data)


def _presider_stance(sub: Submission) -> None:
    meetings.check_presider_stance(sub.data, sub.context())


def _minutes(sub: Submission) -> None:
    meetings.check_minutes(sub.data, sub.context())


# ----------------------------------------------------------------------------- public notice
def notice_setting_key(case: Case) -> str:
    """The setting holding this power's notice period (powers.yaml notice.period.setting)."""
    from processes.models import Power

    code = case.power_code
    if not code and case.definition.process_id.startswith("power_"):
        code = case.definition.process_id.removeprefix("power_").upper().replace("_", "-")
    power = Power.objects.filter(code=code).first() if code else None
    period = (power.notice or {}).get("period") if power is not None and isinstance(power.notice, Mapping) else None
    if isinstance(period, Mapping) and period.get("setting"):
        return str(period["setting"])
    if not code:
        raise rule_errors.RuleNotConfigured(key="notice_days")
    return "notice_days." + code.lower().replace("-", "_")


def period_end(start: datetime, days: int, unit: str) -> datetime:
    """The end of a period of `days` from `start`: the start day is not counted (民法典 art. 201);
    a last day that is a rest day moves to the next working day (art. 203); working days skip
    rest days anyway. The period ends at the end of its last day."""
    if unit == workdays.WORKING_DAY:
        return workdays.add_limit(start, days, unit)
    last = workdays.local_date(start) + timedelta(days=days)
    calendar = workdays.WorkCalendar(last, last + timedelta(days=40))
    while not calendar.is_workday(last):
        last += timedelta(days=1)
    return workdays.end_of_day(last)


def _earlier_rounds(case: Case, now: datetime) -> list[dict[str, Any]]:
    """The notice rounds posted before on this case, from its audit trail: a round whose period
    had not run out when the notice was posted again was interrupted by an upheld objection."""
    from engine.models import AuditEvent

    posted = AuditEvent.objects.filter(case=case, kind=AuditEvent.Kind.TASK_COMPLETED, bpmn_id="post_notice")
    rounds = []
    for data in posted.order_by("sequence").values_list("payload__data", flat=True):
        if not isinstance(data, Mapping) or "notice_end" not in data:
            continue
        ended = datetime.fromisoformat(data["notice_end"]) <= now
        rounds.append({"round": len(rounds) + 1, "place": data.get("notice_place", ""), "start": data["notice_start"],
                       "end": data["notice_end"], "photo_ref": data.get("photo_ref", ""),
                       "status": "completed" if ended else "interrupted"})  # fmt: skip
    return rounds


def _notice(sub: Submission) -> dict[str, Any]:
    """A new round: the start is the server time, the end a full period from the township's setting."""
    key = notice_setting_key(sub.case)
    days, unit = township_rules.period(key, sub.case.township_id)
    end = period_end(sub.now, days, unit)
    start_text, end_text = sub.now.isoformat(timespec="seconds"), end.isoformat(timespec="seconds")
    history = _earlier_rounds(sub.case, sub.now)
    history.append({"round": len(history) + 1, "place": sub.data.get("notice_place", ""), "start": start_text,
                    "end": end_text, "photo_ref": sub.data.get("photo_ref", ""), "status": "running"})  # fmt: skip
    return {"notice_start": start_text, "notice_end": end_text,
            "notice_period": {"value": days, "unit": unit, "setting": key}, "notice_history": history}  # fmt: skip


# ----------------------------------------------------------------------------- acceptance (一次性告知)
CORRECTION_TIMER_ID = "correction_notice_overdue"


def correction_notice_deadline(received: datetime) -> datetime:
    """行政许可法 art. 32: the one-time notice is due within 5 working days of receipt."""
    return workdays.add_limit(received, CORRECTION_NOTICE_LIMIT, workdays.WORKING_DAY)


def _register(sub: Submission) -> dict[str, Any]:
    """首问负责: the first responder is who registers; the receipt day is the server's."""
    return {"first_responder": sub.actor.get_username(), "received_at": workdays.local_date(sub.now).isoformat(),
            "correction_notice_deadline": correction_notice_deadline(sub.now).isoformat(timespec="seconds")}  # fmt: skip


def _correction_notice(sub: Submission) -> dict[str, Any]:
    deadline_text = sub.context().get("correction_notice_deadline")
    if deadline_text and sub.now > datetime.fromisoformat(deadline_text):
        raise rule_errors.CorrectionNoticeLate(deadline=deadline_text)
    return {"notice_date": workdays.local_date(sub.now).isoformat()}


def _resubmission(sub: Submission) -> dict[str, Any]:
    """The materials come back: a further notice is due within 5 working days of this receipt."""
    return {"resubmitted_at": workdays.local_date(sub.now).isoformat(),
            "correction_notice_deadline": correction_notice_deadline(sub.now).isoformat(timespec="seconds")}  # fmt: skip


# ----------------------------------------------------------------------------- the institutions
def _payment(sub: Submission) -> None:
    """A fund use of a power reaching the 三重一大 threshold needs the township's collective decision."""
    amounts = [sub.data.get("disbursed_amount")] if "disbursed_amount" in sub.data else [
        sum(c.get("amount") or 0 for c in sub.data.get("compensation") or [] if isinstance(c, Mapping))]
    sanzhong.check_payment(sub.case, max([a for a in amounts if isinstance(a, int | float)], default=0))


def _finding(sub: Submission) -> None:
    wenze.require_hearing(sub.case)


COMPUTERS: dict[str, Callable[[Submission], dict[str, Any] | None]] = {
    "disbursement": _payment,
    "compensation_payment": _payment,
    "sanzhong_proposal_fund": lambda sub: sanzhong.check_fund_matter(sub.data.get("fund_amount"),
                                                                      sub.case.organization_id),
    "sanzhong_circulation": lambda sub: sanzhong.circulation(organization_id=sub.case.organization_id, now=sub.now),
    "sanzhong_appointment_effective": lambda sub: sanzhong.check_appointment(sub.case, sub.context()),
    "village_evaluation": lambda sub: village.check_power_vote(sub.case, sub.data),
    "siyi_party_members_review": lambda sub: village.party_members_review(sub.data),
    "siyi_villagers_resolution": lambda sub: village.villagers_resolution(sub.data),
    "wenze_statement": lambda sub: wenze.statement(actor=sub.actor, data=sub.data, now=sub.now),
    "wenze_finding": _finding,
    "wenze_notification": lambda sub: wenze.close(case=sub.case, data=sub.data, context=sub.context(), now=sub.now),
    "meeting_attendance": _attendance,
    "member_stance": _member_stance,
    "chief_stance": _presider_stance,
    "meeting_minutes": _minutes,
    "notice_post": _notice,
    "acceptance_register": _register,
    "acceptance_correction_notice": _correction_notice,
    "acceptance_resubmission": _resubmission,
}
