"""Staff pages of the public's side. The station head's page of 差评 follow-ups: open ones first with their deadline and escalation
level; each is closed with whether it was founded, the rectification and the reply to the rater
(engine.ratings.close_followup, which checks the post and the township). Registering a complaint
received by phone, box or counter (engine.complaint_channels). The 三务公开 register
(engine.publications): registered by the office or a leader, approved by another leader."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from engine import access, complaint_channels, publications, ratings
from engine import exceptions as engine_errors
from engine.models import Complaint
from engine.public_models import Publication, RatingFollowUp
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


class PublicationForm(forms.Form):
    category = forms.ChoiceField(label=gettext_lazy("类别"), choices=Publication.Category.choices, widget=forms.RadioSelect)
    title = forms.CharField(label=gettext_lazy("标题"), max_length=200)
    content = forms.CharField(label=gettext_lazy("内容"), max_length=20000, widget=forms.Textarea(attrs={"rows": 4}))
    period = forms.CharField(label=gettext_lazy("所属期间"), max_length=50)
    amount = forms.DecimalField(label=gettext_lazy("金额（元，财务事项）"), max_digits=14, decimal_places=2, required=False)
    sanzhong_reference = forms.CharField(label=gettext_lazy("“三重一大”决策案件编号（可选）"), max_length=40, required=False)
    attachments = forms.CharField(label=gettext_lazy("附件（每行一项：名称|编号）"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    display_until = forms.DateField(label=gettext_lazy("公开至（可选，默认90日）"), required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip


def _attachments(text: str) -> list[dict[str, str]]:
    rows = [line.split("|", 1) for line in text.splitlines() if line.strip()]
    return [{"name": r[0].strip(), "ref": (r[1] if len(r) > 1 else "").strip()} for r in rows]


@staff_page(publications.REGISTRARS)
def publication_register(request: HttpRequest) -> HttpResponse:
    """三务公开: the office or a leader registers an item; another leader approves it."""
    form = PublicationForm(request.POST or None) if request.POST.get("action") == "register" else PublicationForm()
    if request.method == "POST":
        try:
            if request.POST.get("action") == "approve":
                publications.approve_publication(int(request.POST.get("publication", "0") or 0), actor=request.user,
                                                 now=now())  # fmt: skip
                messages.success(request, _("已审核发布"))
                return redirect("web:publications")
            if form.is_valid():
                data = form.cleaned_data
                publications.register_publication(
                    actor=request.user, township=access.default_township(request.user), category=data["category"],
                    title=data["title"], content=data["content"], period=data["period"], amount=data["amount"],
                    sanzhong_reference=data["sanzhong_reference"], attachments=_attachments(data["attachments"]),
                    display_until=data["display_until"], now=now(),
                )  # fmt: skip
                messages.success(request, _("已登记，待另一位领导审核发布"))
                return redirect("web:publications")
        except engine_errors.EngineError as error:
            messages.error(request, error.message)
    rows = (Publication.objects.filter(township_id__in=access.scope_of(request.user).township_ids)
            .select_related("registered_by", "approved_by", "sanzhong_case").order_by("approved_at", "-registered_at")[:200])
    items = [(p, publications.needs_sanzhong(p)) for p in rows]
    return render(request, "web/publications.html", {"form": form, "items": items, "user_id": request.user.pk})
