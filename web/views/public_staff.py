"""Staff pages of the public's side. The station head's page of 差评 follow-ups: open ones first with their deadline and escalation
level; each is closed with whether it was founded, the rectification and the reply to the rater
(engine.ratings.close_followup, which checks the post and the township). Registering a complaint
received by phone, box or counter (engine.complaint_channels)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from engine import access, complaint_channels, ratings
from engine import exceptions as engine_errors
from engine.models import Complaint
from engine.public_models import RatingFollowUp
from web.views.base import now, staff_page

OVERSEERS = frozenset({"station_head", "deputy", "chief", "discipline_inspector"})


class CloseForm(forms.Form):
    followup = forms.IntegerField(widget=forms.HiddenInput)
    founded = forms.TypedChoiceField(label=gettext_lazy("差评是否属实"), coerce=lambda v: v == "true",
                                     choices=[("true", gettext_lazy("属实")), ("false", gettext_lazy("不属实"))],
                                     widget=forms.RadioSelect)  # fmt: skip
    rectification = forms.CharField(label=gettext_lazy("整改情况（属实时必填）"), required=False, max_length=4000,
                                    widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    reply = forms.CharField(label=gettext_lazy("反馈评价人"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))


@staff_page(OVERSEERS)
def followups(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = CloseForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                ratings.close_followup(data["followup"], actor=request.user, founded=data["founded"],
                                       rectification=data["rectification"], reply=data["reply"], now=now())  # fmt: skip
                messages.success(request, _("差评整改已办结，反馈已送达评价人"))
            except engine_errors.EngineError as error:
                messages.error(request, error.message)
        else:
            messages.error(request, _("请填写差评是否属实和反馈评价人的内容"))
        return redirect("web:followups")
    rows = (RatingFollowUp.objects.filter(township_id__in=access.scope_of(request.user).township_ids)
            .select_related("rating__case").order_by("closed_at", "due_at")[:200])  # fmt: skip
    items = [(ratings.followup_view(f), CloseForm(initial={"followup": f.pk}, auto_id=f"f{f.pk}_%s")) for f in rows]
    return render(request, "web/followups.html", {"items": items, "moment": now()})


class RegisterComplaintForm(forms.Form):
    channel = forms.ChoiceField(label=gettext_lazy("渠道"), widget=forms.RadioSelect, choices=[
        (c.value, c.label) for c in (Complaint.Channel.PHONE, Complaint.Channel.BOX, Complaint.Channel.COUNTER)])
    kind = forms.ChoiceField(label=gettext_lazy("类型"), choices=Complaint.Kind.choices, widget=forms.RadioSelect,
                             initial=Complaint.Kind.COMPLAINT)  # fmt: skip
    subject = forms.CharField(label=gettext_lazy("被投诉（举报）的人员、站所或事项"), max_length=200)
    content = forms.CharField(label=gettext_lazy("事项内容"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    case_reference = forms.CharField(label=gettext_lazy("相关案件编号（可选）"), max_length=40, required=False)
    name = forms.CharField(label=gettext_lazy("投诉人姓名（保密）"), max_length=100, required=False)
    contact = forms.CharField(label=gettext_lazy("联系方式（保密）"), max_length=100, required=False)


@staff_page()
def register_complaint(request: HttpRequest) -> HttpResponse:
    """Staff register a complaint received by phone, through the box or at the counter."""
    form = RegisterComplaintForm(request.POST or None)
    filed, problem = None, ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        township = access.default_township(request.user)
        try:
            filed = complaint_channels.register_complaint(
                actor=request.user, township=township, channel=data["channel"], kind=data["kind"],
                subject=data["subject"], content=data["content"], case_reference=data["case_reference"],
                complainant_name=data["name"], complainant_contact=data["contact"], now=now(),
            )  # fmt: skip
        except engine_errors.EngineError as error:
            problem = error.message
    return render(request, "web/register_complaint.html", {"form": form, "filed": filed, "problem": problem})
