"""The staff workbench: 我的待办 (inbox), the case page, starting a case from the power list."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from engine import access, charts, selectors, services
from engine import exceptions as engine_errors
from engine.models import AuditEvent, Case, WorkItem
from engine.public import is_minor, mask
from processes.models import Power
from processes.selectors import process_id_for_power
from web.views.base import now, staff_page

PAGE_SIZE = 50
LIGHT_LABELS = {
    "green": gettext_noop("正常"), "yellow": gettext_noop("临期"),
    "red": gettext_noop("超承诺时限"), "black": gettext_noop("超法定时限"),
}  # fmt: skip


def light_label(value: str | None) -> str:
    return _(LIGHT_LABELS[value]) if value else ""


def visible_case_or_404(request: HttpRequest, case_id: UUID) -> Case:
    try:
        return access.get_visible_case(request.user, case_id)
    except engine_errors.CaseNotFound as error:
        raise Http404 from error


@staff_page()
def inbox(request: HttpRequest) -> HttpResponse:
    moment = now()
    items = access.inbox(request.user)
    power = request.GET.get("power", "").strip()
    query = request.GET.get("q", "").strip()
    if power:
        items = items.filter(case__power_code=power)
    if query:
        items = items.filter(Q(case__reference__icontains=query) | Q(name__icontains=query))
    counts = selectors.count_by_light(items, now=moment, legal_field="case__legal_due_at",
                                      paused_field="case__paused_since")  # fmt: skip
    wanted = request.GET.get("light", "")
    if wanted in selectors.LIGHTS:
        items = selectors.filter_by_light(items, wanted, now=moment, legal_field="case__legal_due_at",
                                          paused_field="case__paused_since")  # fmt: skip
    items = items.select_related("case", "claimed_by").defer("case__workflow_json").order_by(
        F("due_at").asc(nulls_last=True), "created_at", "id"
    )
    paginator = Paginator(items, PAGE_SIZE)
    paginator.count = counts[wanted] if wanted in selectors.LIGHTS else sum(counts.values())  # counted above
    page = paginator.get_page(request.GET.get("page"))
    names = dict(Power.objects.values_list("code", "name"))
    rows = [
        {
            "item": item,
            "power_name": names.get(item.case.power_code, ""),
            "light": (lt := selectors.light(due_at=item.due_at, legal_due_at=item.case.legal_due_at, now=moment)),
            "light_label": light_label(lt),
        }
        for item in page.object_list
    ]
    context = {
        "rows": rows, "page": page, "counts": [(lt, light_label(lt), counts[lt]) for lt in selectors.LIGHTS],
        "total": sum(counts.values()), "light": wanted, "power": power, "q": query,
        "powers": Power.objects.active().order_by("sequence").values_list("code", "name"),
    }  # fmt: skip
    return render(request, "web/inbox.html", context)


def case_header(case: Case, *, moment) -> dict:
    started = case.audit_events.filter(kind=AuditEvent.Kind.CASE_STARTED).values_list("payload", flat=True).first()
    start_data = dict((started or {}).get("data") or {})
    applicant = str(start_data.get("applicant") or "")
    if applicant and is_minor(start_data, on=moment.date()):
        applicant = applicant[:1] + "*" * (len(applicant) - 1)
    light = (
        selectors.light(due_at=case.due_at, legal_due_at=case.legal_due_at, now=moment)
        if case.status == Case.Status.RUNNING
        else None
    )
    return {
        "power_name": Power.objects.filter(code=case.power_code).values_list("name", flat=True).first() or "",
        "applicant": mask(applicant), "light": light, "light_label": light_label(light),
        "start_data": {k: mask(v) for k, v in start_data.items() if k not in ("demo_seed",)},
    }  # fmt: skip


@staff_page()
def case_page(request: HttpRequest, case_id: UUID) -> HttpResponse:
    from web.views import documents  # documents build on this module's helpers

    case = visible_case_or_404(request, case_id)
    moment = now()
    parsed = services.parsed_definition(case.definition)
    events = list(case.audit_events.select_related("actor").order_by("sequence"))
    timeline = [
        {"event": e, "task_name": (parsed.user_tasks.get(e.bpmn_id).name if parsed.user_tasks.get(e.bpmn_id) else "")}
        for e in events
    ]
    context = {
        "case": case, **case_header(case, moment=moment), "timeline": timeline,
        "tasks": task_rows(request, case, moment=moment),
        "timers": case.timers.filter(status="pending").order_by("due_at"),
        "documents": documents.available(case), "files": case.files.order_by("uploaded_at", "id"),
    }  # fmt: skip
    return render(request, "web/case.html", context)


def task_rows(request: HttpRequest, case: Case, *, moment) -> list[dict]:
    mine = set(access.inbox(request.user).filter(case=case).values_list("task_id", flat=True))
    items = case.work_items.select_related("claimed_by").order_by("created_at", "bpmn_id", "mi_index")
    return [
        {
            "item": item, "mine": item.task_id in mine,
            "light": (lt := selectors.light(due_at=item.due_at, legal_due_at=case.legal_due_at, now=moment)),
            "light_label": light_label(lt),
        }
        for item in items
    ]  # fmt: skip


@staff_page()
def case_chart(request: HttpRequest, case_id: UUID) -> HttpResponse:
    case = visible_case_or_404(request, case_id)
    return HttpResponse(charts.render_case_chart(case, expand=False), content_type="image/svg+xml")


@staff_page(access.STARTERS)
def start_list(request: HttpRequest) -> HttpResponse:
    powers = Power.objects.active().select_related("category").order_by("sequence")
    return render(request, "web/start_list.html", {"powers": powers})


@require_POST
@staff_page(access.STARTERS)
def start_case(request: HttpRequest, code: str) -> HttpResponse:
    applicant = request.POST.get("applicant", "").strip()
    if not applicant:
        messages.error(request, _("请填写申请人姓名"))
        return redirect("web:start-list")
    data = {"applicant": applicant}
    if request.POST.get("applicant_birth_date"):
        data["applicant_birth_date"] = request.POST["applicant_birth_date"]
    try:
        process_id = process_id_for_power(code)
        organization = access.organization_for_new_case(request.user, request.POST.get("organization") or None)
        case = services.start_case(
            process_id=process_id, actor=request.user, organization=organization, now=now(), data=data,
            power_code=code, agent_user=request.user if access.files_as_agent(request.user) else None,
        )  # fmt: skip
    except engine_errors.EngineError as error:
        messages.error(request, error.message)
        return redirect("web:start-list")
    messages.success(request, _("已立案：%(reference)s") % {"reference": case.reference})
    return redirect("web:case", case_id=case.pk)


def task_item(case: Case, task_id: UUID) -> WorkItem:
    item = case.work_items.select_related("claimed_by").filter(task_id=task_id).first()
    if item is None:
        raise Http404
    return item


def _task_action(request: HttpRequest, case_id: UUID, task_id: UUID, action) -> HttpResponse:
    case = visible_case_or_404(request, case_id)
    task_item(case, task_id)
    try:
        action(case.pk, task_id=task_id, actor=request.user, now=now())
    except engine_errors.EngineError as error:
        messages.error(request, error.message)
    if request.htmx:
        case.refresh_from_db()
        return render(request, "web/_tasks.html", {"case": case, "tasks": task_rows(request, case, moment=now())})
    return redirect("web:case", case_id=case.pk)


@require_POST
@staff_page()
def claim(request: HttpRequest, case_id: UUID, task_id: UUID) -> HttpResponse:
    return _task_action(request, case_id, task_id, services.claim_task)


@require_POST
@staff_page()
def unclaim(request: HttpRequest, case_id: UUID, task_id: UUID) -> HttpResponse:
    return _task_action(request, case_id, task_id, services.unclaim_task)
