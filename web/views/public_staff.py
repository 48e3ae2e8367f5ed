"""The station head's page of 差评 follow-ups: open ones first with their deadline and escalation
level; each is closed with whether it was founded, the rectification and the reply to the rater
(engine.ratings.close_followup, which checks the post and the township)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from engine import access, ratings
from engine import exceptions as engine_errors
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
