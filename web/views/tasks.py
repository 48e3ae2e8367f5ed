"""A task's page: its JSON Schema form as an HTML form, completed through the engine service.

Meetings use the same page: the recorder's attendance form shows the roster as check boxes with
the quorum worked out live (htmx), and the minutes form starts from a draft made of the stances
recorded in the meeting.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from engine import access, meetings, rules, services, township_rules, workdays
from engine import exceptions as engine_errors
from engine.models import AuditEvent, Case, WorkItem
from web import schema_form
from web.views.base import now, staff_page
from web.views.work import case_header, task_item, visible_case_or_404

UPLOAD_FORMS = frozenset({"acceptance_register", "acceptance_resubmission", "acceptance_check"})
ROSTER_FIELDS = ("attendees", "nonvoting_attendees")


@staff_page()
def task_page(request: HttpRequest, case_id: UUID, task_id: UUID) -> HttpResponse:
    case = visible_case_or_404(request, case_id)
    item = task_item(case, task_id)
    parsed = services.parsed_definition(case.definition)
    info = parsed.user_tasks.get(item.bpmn_id)
    schema = parsed.forms.get(info.form) if info is not None and info.form else None
    roster = _roster(case) if item.form == "meeting_attendance" else {}
    errors: dict[str, list[str]] = {}
    problem = ""
    if request.method == "POST":
        data = schema_form.parse(schema, request.POST, roster=roster) if schema else {}
        try:
            services.complete_task(case.pk, task_id=task_id, actor=request.user, data=data, now=now())
        except engine_errors.EngineError as error:  # field errors next to their fields, the rest on top
            errors = schema_form.engine_errors_by_field(getattr(error, "fields", None) or {})
            problem = error.message
        else:
            messages.success(request, _("已办理：%(task)s") % {"task": item.name})
            return redirect("web:case", case_id=case.pk)
    else:
        data = draft(case, item)
    fields = schema_form.build_fields(schema, data, errors, roster=roster) if schema else []
    context = {
        "case": case, "item": item, "schema": schema, "fields": fields, "problem": problem,
        "form_errors": errors.get("__all__", []), "roster": bool(roster),
        "quorum": quorum(case, data) if roster else None, **case_header(case, moment=now()),
        "mine": access.inbox(request.user).filter(pk=item.pk).exists(),
        "takes_files": item.form in UPLOAD_FORMS, "files": case.files.order_by("uploaded_at", "id"),
        "max_mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024), "file_types": ", ".join(sorted(settings.UPLOAD_CONTENT_TYPES)),
    }  # fmt: skip
    return render(request, "web/task.html", context)


@require_POST
@staff_page()
def quorum_check(request: HttpRequest, case_id: UUID, task_id: UUID) -> HttpResponse:
    """The live quorum line of the attendance form (htmx: on every change)."""
    case = visible_case_or_404(request, case_id)
    item = task_item(case, task_id)
    parsed = services.parsed_definition(case.definition)
    schema = parsed.forms[item.form]
    data = schema_form.parse(schema, request.POST, roster=_roster(case))
    return render(request, "web/_quorum.html", {"quorum": quorum(case, data)})


# ------------------------------------------------------------------------------------------
# Meetings: roster, quorum, the minutes' draft
# ------------------------------------------------------------------------------------------


def _names(usernames: list[str]) -> dict[str, str]:
    users = get_user_model().objects.filter(username__in=usernames).values_list("username", "first_name")
    return {u: (n or u) for u, n in users}


def _start_data(case: Case) -> dict[str, Any]:
    payload = case.audit_events.filter(kind=AuditEvent.Kind.CASE_STARTED).values_list("payload", flat=True).first()
    return dict((payload or {}).get("data") or {})


def expected_members(case: Case) -> list[str]:
    """Who should attend (应到会): the township's 班子 on the meeting day, as the rules compute it
    when the attendance is recorded (engine.meetings.roster)."""
    return meetings.roster(case.organization_id, workdays.local_date(now()))


def _roster(case: Case) -> dict[str, list[tuple[str, str]]]:
    """Check boxes for the attendance form: the expected members, and the other staff for 列席."""
    expected = expected_members(case)
    staff = sorted(
        set(get_user_model().objects.filter(assignments__isnull=False).values_list("username", flat=True))
        - set(expected)
    )
    names = _names(expected + staff)
    members = [(u, f"{names.get(u, u)}（{u}）") for u in expected]
    others = [(u, f"{names.get(u, u)}（{u}）") for u in staff]
    return {"attendees": members, "nonvoting_attendees": others}


def quorum(case: Case, data: dict[str, Any]) -> dict[str, Any]:
    """The live quorum line: present voting members against the roster, by the township's
    fraction for the matter type (the service decides; this only shows it)."""
    expected = expected_members(case)
    recused = {r.get("member") for r in data.get("recused") or [] if isinstance(r, dict)}
    present = [m for m in data.get("attendees") or [] if m in expected and m not in recused]
    matter = data.get("matter_type") if data.get("matter_type") in township_rules.MATTER_TYPES else "ordinary"
    try:
        rule = township_rules.meeting_fractions(matter, case.township_id)["quorum_fraction"]
    except engine_errors.EngineError:
        return {"expected": len(expected), "present": len(present), "recused": len(recused), "met": False, "rule": ""}
    met = bool(expected) and rules._meets(len(present), len(expected), rule)
    words = _("达到或超过%(n)s/%(d)s") if rule["comparison"] == "gte" else _("超过%(n)s/%(d)s")
    return {"expected": len(expected), "present": len(present), "recused": len(recused), "met": met,
            "rule": words % {"n": rule["numerator"], "d": rule["denominator"]}}  # fmt: skip


def draft(case: Case, item: WorkItem) -> dict[str, Any]:
    """What a form starts with: the minutes drafted from this meeting's stances; the recorder and
    roster for the attendance; today for date fields is left to the person."""
    if item.form == "meeting_attendance":
        return {"attendees": expected_members(case), "matter_type": "ordinary",
                "meeting_time": timezone.localtime(now()).isoformat(timespec="minutes")}  # fmt: skip
    if item.form == "meeting_minutes":
        return minutes_draft(case)
    return {}


def minutes_draft(case: Case) -> dict[str, Any]:
    events = list(case.audit_events.filter(kind=AuditEvent.Kind.TASK_COMPLETED).select_related("actor").order_by("sequence"))
    attendance_at = max((i for i, e in enumerate(events) if e.bpmn_id == "meeting_attendance"), default=None)
    if attendance_at is None:
        return {}
    attendance = dict(events[attendance_at].payload.get("data") or {})
    stances, counts = [], {"agree": 0, "disagree": 0, "defer": 0, "abstain": 0}
    for event in events[attendance_at + 1 :]:
        data = event.payload.get("data") or {}
        if event.bpmn_id == "member_stance":
            stance, reason, member = data.get("stance"), data.get("reason", ""), event.actor.username if event.actor else ""
        elif event.bpmn_id == "chief_stance":
            stance, reason, member = data.get("chief_stance"), data.get("chief_reason", ""), event.actor.username if event.actor else ""
        else:
            continue
        counts[stance] = counts.get(stance, 0) + 1
        stances.append({"member": member, "stance": stance, "opinion": reason or _STANCE_WORDS.get(stance, stance)})
    present = list(attendance.get("attendees") or [])
    decision = "同意" if counts["agree"] * 2 > len(present) else "不同意或缓议"
    return {"minutes": {
        "meeting_time": attendance.get("meeting_time", ""), "place": attendance.get("place", ""),
        "host": attendance.get("host", ""), "present": present, "absent": attendance.get("absentees") or [],
        "nonvoting": attendance.get("nonvoting_attendees") or [], "recorder": attendance.get("recorder", ""),
        "topic": attendance.get("topic", ""), "matters": "", "member_opinions": stances, "other_opinions": "",
        "dissent": [{"member": s["member"], "opinion": s["opinion"]} for s in stances if s["stance"] != "agree"], "result": counts, "decision": decision,
    }}  # fmt: skip


_STANCE_WORDS = {"agree": "同意", "disagree": "不同意", "defer": "缓议", "abstain": "弃权"}
