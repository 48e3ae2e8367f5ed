"""The 信访 page of the workbench: register a petition (letter, visit, phone, online), then per
petition the next step: a leader decides whether to accept (the note told to the petitioner),
it is routed (a mediation case QT-01/QT-02 started here, the village mediation station, an
existing case of a power, or direct handling), a leader extends the period, and the outcome is
reported to the petitioner. Each step is the engine's service (engine.petitions), which checks
posts, the township, the state and the periods; a refusal comes back as a message."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from engine import access, petitions
from engine import exceptions as engine_errors
from engine.public_models import Petition
from web.views.base import now, staff_page

CHANNELS = [("letter", gettext_lazy("来信")), ("visit", gettext_lazy("来访")), ("phone", gettext_lazy("电话")),
            ("online", gettext_lazy("网上"))]  # fmt: skip
ROUTES = [("mediation", gettext_lazy("转调解（立案）")), ("village", gettext_lazy("转村调解站")),
          ("power", gettext_lazy("转权力事项案件")), ("direct", gettext_lazy("直接办理"))]  # fmt: skip


class RegisterForm(forms.Form):
    channel = forms.ChoiceField(label=gettext_lazy("信访形式"), choices=CHANNELS, widget=forms.RadioSelect)
    subject = forms.CharField(label=gettext_lazy("信访事项"), max_length=200)
    content = forms.CharField(label=gettext_lazy("主要诉求"), max_length=8000, widget=forms.Textarea(attrs={"rows": 3}))
    name = forms.CharField(label=gettext_lazy("信访人姓名（保密）"), max_length=100, required=False)
    contact = forms.CharField(label=gettext_lazy("联系方式（保密）"), max_length=100, required=False)


def _post(request: HttpRequest) -> None:
    data, action = request.POST, request.POST.get("action", "")
    township = access.default_township(request.user)
    if action == "register":
        form = RegisterForm(data)
        if not form.is_valid():
            messages.error(request, _("请填写信访形式、信访事项和主要诉求"))
            return
        c = form.cleaned_data
        made = petitions.register_petition(actor=request.user, township=township, channel=c["channel"],
                                           subject=c["subject"], content=c["content"], petitioner_name=c["name"],
                                           petitioner_contact=c["contact"], now=now())  # fmt: skip
        messages.success(request, _("已登记信访事项 %(number)s") % {"number": made.number})
        return
    try:
        pk = int(data.get("petition", "0"))
    except ValueError:
        pk = 0
    if action == "decide":
        petitions.decide_acceptance(pk, actor=request.user, accept=data.get("accept") == "true",
                                    note=data.get("note", ""), now=now())  # fmt: skip
    elif action == "route":
        petitions.route_petition(pk, actor=request.user, route=data.get("route", ""),
                                 power_code=data.get("power_code", ""), case_reference=data.get("case_reference", ""),
                                 now=now())  # fmt: skip
    elif action == "extend":
        days = data.get("days", "")
        petitions.extend_petition(pk, actor=request.user, days=int(days) if days.isdigit() else 0,
                                  reason=data.get("reason", ""), now=now())  # fmt: skip
    elif action == "conclude":
        petitions.conclude_petition(pk, actor=request.user, outcome=data.get("outcome", ""), now=now())
    else:
        return
    messages.success(request, _("已办理"))


@staff_page()
def petition_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            _post(request)
        except engine_errors.EngineError as error:
            messages.error(request, error.message)
        return redirect("web:petitions")
    rows = (Petition.objects.filter(township_id__in=access.scope_of(request.user).township_ids)
            .select_related("case").order_by("-received_at")[:200])  # fmt: skip
    sees_identity = access.INSPECTOR in access.positions_held(request.user)
    return render(request, "web/petitions.html", {"rows": rows, "form": RegisterForm(), "routes": ROUTES,
                                                  "sees_identity": sees_identity, "moment": now()})  # fmt: skip
