"""Inspectors and leaders: case search, the step-through over the replay with the verification
result, the accountability list, complaints (the complainant shown to the discipline inspector only)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from engine import access, charts, selectors, services
from engine.models import AccountabilityRecord, AuditEvent, Case, Complaint, Organization
from engine.replay import replay_case
from engine.rules import org_subtree
from processes.models import Power
from web.views.base import now, staff_page
from web.views.work import case_header, light_label, visible_case_or_404


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


@staff_page(access.REPLAYERS)
def search(request: HttpRequest) -> HttpResponse:
    moment = now()
    get = request.GET
    cases = access.visible_cases(request.user).select_related("organization").defer("workflow_json").order_by("-started_at", "reference")
    if get.get("power"):
        cases = cases.filter(power_code=get["power"])
    if get.get("status") in Case.Status.values:
        cases = cases.filter(status=get["status"])
    if get.get("organization"):
        organization = Organization.objects.filter(code=get["organization"]).first()
        subtree = org_subtree(organization) if organization else set()
        cases = cases.filter(Q(organization_id__in=subtree) | Q(handling_unit_id__in=subtree))
    if get.get("light") in selectors.LIGHTS:
        cases = selectors.filter_by_light(cases.filter(status=Case.Status.RUNNING), get["light"], now=moment)
    if (start := _date(get.get("from", ""))) is not None:
        cases = cases.filter(started_at__date__gte=start)
    if (end := _date(get.get("to", ""))) is not None:
        cases = cases.filter(started_at__date__lte=end)
    if get.get("actor"):
        cases = cases.filter(pk__in=AuditEvent.objects.filter(actor__username=get["actor"]).values("case_id"))
    if get.get("q"):
        cases = cases.filter(reference__icontains=get["q"].strip())
    page = Paginator(cases, 50).get_page(get.get("page"))
    names = dict(Power.objects.values_list("code", "name"))
    rows = []
    for case in page.object_list:
        light = selectors.light(due_at=case.due_at, legal_due_at=case.legal_due_at, now=moment) if case.status == Case.Status.RUNNING else None
        rows.append({"case": case, "power_name": names.get(case.power_code, ""), "light": light, "light_label": light_label(light)})
    context = {
        "rows": rows, "page": page, "params": get, "statuses": Case.Status.choices,
        "lights": [(lt, light_label(lt)) for lt in selectors.LIGHTS],
        "powers": Power.objects.active().order_by("sequence").values_list("code", "name"),
        "organizations": Organization.objects.order_by("kind", "code").values_list("code", "name"),
    }  # fmt: skip
    return render(request, "web/inspect/search.html", context)


def _changes(before: dict, after: dict) -> list[tuple[str, object, object]]:
    keys = sorted(set(before) | set(after))
    return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


def _submitted(event: AuditEvent | None) -> list[tuple[str, object]]:
    """What the step carried: a task's form data, a message's body, an upload's name and sha256."""
    if event is None:
        return []
    payload = event.payload or {}
    body = payload.get("data") if isinstance(payload.get("data"), dict) else {k: v for k, v in payload.items() if k != "nth"}
    return sorted(body.items())


@staff_page(access.REPLAYERS)
def step_through(request: HttpRequest, case_id: UUID) -> HttpResponse:
    case = visible_case_or_404(request, case_id)
    parsed = services.parsed_definition(case.definition)
    events = list(case.audit_events.select_related("actor").order_by("sequence"))
    verification = replay_case(case)
    try:
        step = int(request.GET.get("step", ""))
    except ValueError:
        step = events[-1].sequence if events else 0
    step = max(min(step, events[-1].sequence if events else 0), events[0].sequence if events else 0)
    event = next((e for e in events if e.sequence == step), None)
    at_step = replay_case(case, upto=step)
    before = replay_case(case, upto=step - 1).data if step > 1 else {}
    info = parsed.user_tasks.get(event.bpmn_id) if event else None
    context = {
        "case": case, **case_header(case, moment=now()), "events": events, "step": step, "event": event,
        "task_name": info.name if info else "", "at_step": at_step, "changes": _changes(before, at_step.data),
        "verification": verification, "submitted": _submitted(event), "previous": step - 1 if step > 1 else None,
        "next": step + 1 if events and step < events[-1].sequence else None,
        "last": events[-1].sequence if events else 0,
    }  # fmt: skip
    return render(request, "web/inspect/step.html", context)


@staff_page(access.REPLAYERS)
def step_chart(request: HttpRequest, case_id: UUID) -> HttpResponse:
    case = visible_case_or_404(request, case_id)
    try:
        step = int(request.GET.get("step", ""))
    except ValueError:
        step = None
    return HttpResponse(charts.render_case_chart(case, expand=False, step=step), content_type="image/svg+xml")


@staff_page(access.LEADERS_AND_INSPECTOR)
def accountability(request: HttpRequest) -> HttpResponse:
    records = (
        AccountabilityRecord.objects.filter(case__in=access.visible_cases(request.user).values("pk"))
        .select_related("case").prefetch_related("outcomes__person").order_by("-created_at", "-id")
    )  # fmt: skip
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    return render(request, "web/inspect/accountability.html", {"page": page})


@staff_page(access.LEADERS_AND_INSPECTOR)
def complaints(request: HttpRequest) -> HttpResponse:
    visible = access.visible_cases(request.user).values("pk")
    items = (
        Complaint.objects.filter(Q(case__isnull=True) | Q(case__in=visible))
        .select_related("case", "handled_by").order_by("-received_at", "-id")
    )  # fmt: skip
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    sees_identity = access.INSPECTOR in access.positions_held(request.user)
    return render(request, "web/inspect/complaints.html", {"page": page, "sees_identity": sees_identity})
