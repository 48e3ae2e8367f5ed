"""Pages of the institutions: accountability outcomes and talk records (the discipline inspector
and the leaders), and each person's own records (his accountability records, outcomes,
statements, the statements waiting for him, his talks). Thin callers of engine.institutions."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from engine import access
from engine.institutions import oversight, talks
from web.views.base import staff_page

TALK_KINDS = {"daily_education": _("日常教育谈话"), "inquiry": _("函询约谈"), "pre_appointment": _("任前廉政谈话"),
              "admonishment": _("教育诫勉谈话")}  # fmt: skip


def _townships(request: HttpRequest) -> list[int]:
    return sorted(access.scope_of(request.user).township_ids)


def _talks(rows: list[dict]) -> list[dict]:
    return [{**row, "kind_label": TALK_KINDS.get(row.get("talk_kind", ""), row.get("talk_kind", ""))} for row in rows]


@staff_page(access.LEADERS_AND_INSPECTOR)
def outcomes(request: HttpRequest) -> HttpResponse:
    rows = oversight.outcomes(_townships(request)).order_by("-closed_at", "-id")
    return render(request, "web/inspect/outcomes.html", {"rows": rows})


@staff_page(access.LEADERS_AND_INSPECTOR)
def talk_records(request: HttpRequest) -> HttpResponse:
    rows = [row for township in _townships(request) for row in talks.talk_records(township)]
    return render(request, "web/inspect/talks.html", {"rows": _talks(rows)})


@staff_page()
def mine(request: HttpRequest) -> HttpResponse:
    own = oversight.own_records(request.user, _townships(request))
    return render(request, "web/mine.html", {**own, "talks": _talks(own["talks"])})
