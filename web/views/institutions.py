"""Pages of the institutions: accountability outcomes and talk records (the discipline inspector
and the leaders), and each person's own records (his accountability records, outcomes,
statements, the statements waiting for him, his talks). Thin callers of engine.institutions."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from django.utils.translation import gettext_lazy as _

from engine import access
from engine import exceptions as engine_errors
from engine.institutions import oversight, talks
from engine.institutions.services import start_procedure
from processes.procedures import by_code, procedures
from web.views.base import now, staff_page

TALK_KINDS = {"daily_education": _("日常教育谈话"), "inquiry": _("函询约谈"), "pre_appointment": _("任前廉政谈话"),
              "admonishment": _("教育诫勉谈话")}  # fmt: skip


def _townships(request: HttpRequest) -> list[int]:
    return sorted(access.scope_of(request.user).township_ids)


def _talks(rows: list[dict]) -> list[dict]:
    return [{**row, "kind_label": TALK_KINDS.get(row.get("talk_kind", ""), row.get("talk_kind", ""))} for row in rows]


@staff_page(access.LEADERS_AND_INSPECTOR)
def outcomes(request: HttpRequest) -> HttpResponse:
    rows = oversight.outcomes(_townships(request)).order_by("-closed_at", "-id")
    return render(request, "web/inspect/outcomes.html", {"rows": rows, "is_inspector": _is_inspector(request)})


@staff_page(access.LEADERS_AND_INSPECTOR)
def talk_records(request: HttpRequest) -> HttpResponse:
    rows = [row for township in _townships(request) for row in talks.talk_records(township)]
    return render(request, "web/inspect/talks.html", {"rows": _talks(rows), "kinds": TALK_KINDS.items(),
                                                       "is_inspector": _is_inspector(request)})  # fmt: skip


def _is_inspector(request: HttpRequest) -> bool:
    return access.INSPECTOR in access.positions_held(request.user)


def _names(text: str) -> list[str]:
    return [n for n in (part.strip() for part in text.replace("，", ",").replace("、", ",").split(",")) if n]


def _start(request: HttpRequest, code: str, data: dict, back: str) -> HttpResponse:
    """Start a procedure's case for the discipline inspector; the engine checks who and what."""
    try:
        organization = access.organization_for_new_case(request.user, None)
        case = start_procedure(code, actor=request.user, organization=organization, now=now(), data=data)
    except engine_errors.EngineError as error:
        messages.error(request, error.message)
        return redirect(back)
    messages.success(request, _("已立案：%(reference)s") % {"reference": case.reference})
    return redirect("web:case", case_id=case.pk)


@require_POST
@staff_page(access.INSPECTORS)
def start_talk(request: HttpRequest) -> HttpResponse:
    """安排谈话: the talk's case opens with its record as the inspector's task."""
    data = {"talk_kind": request.POST.get("talk_kind", ""), "persons": _names(request.POST.get("persons", ""))}
    return _start(request, "TH-01", data, "web:talks")


@require_POST
@staff_page(access.INSPECTORS)
def start_accountability(request: HttpRequest) -> HttpResponse:
    """发起问责 from an accountability record (its number on the 问责清单), a complaint or a finding."""
    post = request.POST
    data: dict = {"source": post.get("source", ""), "persons_concerned": _names(post.get("persons", "")),
                  "matter": post.get("matter", "").strip()}  # fmt: skip
    if post.get("source") == "accountability_record" and post.get("reference", "").strip().isdigit():
        data["accountability_record"] = int(post["reference"])
    if post.get("source") == "complaint":
        data["complaint_number"] = post.get("reference", "").strip()
    return _start(request, "WZ-01", data, "web:outcomes")


@staff_page()
def mine(request: HttpRequest) -> HttpResponse:
    own = oversight.own_records(request.user, _townships(request))
    return render(request, "web/mine.html", {**own, "talks": _talks(own["talks"])})


@staff_page()
def procedure_list(request: HttpRequest) -> HttpResponse:
    """制度程序: the procedures this user may start (三重一大 for the office and the deputies,
    四议两公开 for the village committee), each with the few fields its start needs."""
    held = access.positions_held(request.user)
    rows = [p for p in procedures() if set(p.starters) & held and p.kind in ("sanzhong", "siyi")]
    return render(request, "web/procedures.html", {"rows": rows, "all": procedures()})


@require_POST
@staff_page()
def start_procedure_page(request: HttpRequest, code: str) -> HttpResponse:
    procedure = by_code(code)
    if procedure is None or procedure.kind not in ("sanzhong", "siyi"):
        messages.error(request, _("清单之外无权力"))
        return redirect("web:procedures")
    post = request.POST
    data: dict = {"matter": post.get("matter", "").strip()} if post.get("matter", "").strip() else {}
    if procedure.kind == "sanzhong":
        data["topic"] = post.get("topic", "").strip()
        if procedure.sanzhong_kind == "fund":
            try:
                data["fund_amount"] = float(post.get("fund_amount", ""))
            except ValueError:
                messages.error(request, _("请填写资金金额"))
                return redirect("web:procedures")
    else:
        data["village"] = post.get("village", "").strip()
    return _start(request, code, data, "web:procedures")
