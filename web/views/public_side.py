"""The public's side of the site, without login: 好差评 (rate with the code printed on the receipt or
the decision, see the station's reply, aggregates per power), the standing 公示 lists, 三务公开 with
its archive, rating a complaint's reply, and following a petition by its number. Each page calls
the engine's services; a refusal is shown with its message next to the form."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from diagrams.qr import qr_matrix
from engine import complaint_channels, petitions, publications, ratings, standing_lists
from engine import exceptions as engine_errors
from engine.public_models import Publication, ServiceRating
from engine.standing_lists import RULES
from web.views.base import now
from web.views.public import _public_context, chosen_township, public_base

REASONS = [(r, r) for r in ("多次跑腿", "办理超时", "态度生硬", "材料要求不清楚", "推诿扯皮", "乱收费")]


def rating_url(request: HttpRequest, code: str) -> str:
    """The address printed (and drawn as a QR code) on the receipt and the decision."""
    return public_base(request).rstrip("/") + reverse("web:rate") + f"?code={code}"


def qr_svg(data: str, *, module: int = 3) -> str:
    """A QR code as an inline SVG (one path of dark modules)."""
    matrix = qr_matrix(data)
    size = len(matrix) * module
    cells = "".join(f"M{x * module},{y * module}h{module}v{module}h-{module}z"
                    for y, row in enumerate(matrix) for x, dark in enumerate(row) if dark)  # fmt: skip
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" viewBox="0 0 {size} {size}" '
            f'role="img" aria-label="{escape(data)}"><rect width="100%" height="100%" fill="#fff"/>'
            f'<path d="{cells}" fill="#000"/></svg>')  # fmt: skip


class RatingForm(forms.Form):
    code = forms.CharField(label=_("评价码（受理回执或决定书上）"), max_length=16)
    level = forms.TypedChoiceField(label=_("您对这次办事的评价"), choices=ServiceRating.Level.choices, coerce=int,
                                   widget=forms.RadioSelect)  # fmt: skip
    reasons = forms.MultipleChoiceField(label=_("不满意的原因（不满意、非常不满意时必选或填写）"), choices=REASONS,
                                        required=False, widget=forms.CheckboxSelectMultiple)  # fmt: skip
    other_reason = forms.CharField(label=_("其他原因"), max_length=200, required=False)
    comment = forms.CharField(label=_("意见和建议（可选）"), max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip


def rate(request: HttpRequest) -> HttpResponse:
    """Rate a case with its code (once); with a used code, the rating and the station's reply."""
    code = (request.POST.get("code") or request.GET.get("code") or "").strip().upper()
    form = RatingForm(request.POST or None, initial={"code": code})
    seen, problem = None, ""
    if code:
        try:
            seen = ratings.lookup_rating(code)
        except engine_errors.EngineError as error:
            problem = error.message
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        reasons = [*data["reasons"], data["other_reason"]]
        try:
            ratings.rate_service(code=data["code"], level=data["level"], reasons=reasons, comment=data["comment"],
                                 channel="qr" if request.GET.get("code") else "web", now=now())  # fmt: skip
            seen, problem = ratings.lookup_rating(data["code"]), ""
        except engine_errors.EngineError as error:
            problem = error.message
    levels = dict(ServiceRating.Level.choices)
    return render(request, "web/public/rate.html", {
        "form": form, "seen": seen, "problem": problem,
        "level_label": levels.get(seen["level"]) if seen and seen["level"] else "",
    })  # fmt: skip


def rating_figures(request: HttpRequest) -> HttpResponse:
    township = chosen_township(request)
    figures = ratings.public_figures(township_id=township.pk, now=now()) if township else []
    for fig in figures:
        fig["satisfaction_percent"] = None if fig["satisfaction"] is None else round(fig["satisfaction"] * 100, 1)
    return render(request, "web/public/ratings.html", {"figures": figures, **_public_context(request)})


def standing(request: HttpRequest) -> HttpResponse:
    township = chosen_township(request)
    power = request.GET.get("power", "").strip()
    entries = standing_lists.current(township_id=township.pk, on=timezone.localdate(now()),
                                     power_code=power if power in RULES else "") if township else []  # fmt: skip
    groups: dict[str, list] = {}
    for entry in entries:
        groups.setdefault(entry.list_title, []).append(entry)
    lists = [(code, rule.title) for code, rule in RULES.items()]
    return render(request, "web/public/standing.html",
                  {"groups": groups, "lists": lists, "power": power, **_public_context(request)})  # fmt: skip


def open_affairs(request: HttpRequest) -> HttpResponse:
    township = chosen_township(request)
    category = request.GET.get("category", "")
    category = category if category in Publication.Category.values else ""
    archive = request.GET.get("archive") == "1"
    items = publications.published(township_id=township.pk, on=timezone.localdate(now()), archive=archive,
                                   category=category) if township else []  # fmt: skip
    rows = [(item, publications.needs_sanzhong(item)) for item in items]
    return render(request, "web/public/open_affairs.html", {
        "rows": rows, "category": category, "archive": archive, "categories": Publication.Category.choices,
        **_public_context(request),
    })  # fmt: skip


class ReplyRatingForm(forms.Form):
    number = forms.CharField(widget=forms.HiddenInput, max_length=32)
    level = forms.TypedChoiceField(label=_("您对答复的评价"), choices=ServiceRating.Level.choices, coerce=int,
                                   widget=forms.RadioSelect)  # fmt: skip
    comment = forms.CharField(label=_("意见（可选）"), max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip


def rate_reply(request: HttpRequest) -> HttpResponse:
    """The complainant rates the reply (from the receipt page)."""
    form = ReplyRatingForm(request.POST or None, initial={"number": request.GET.get("number", "")})
    done, problem = None, ""
    if request.method == "POST" and form.is_valid():
        try:
            done = complaint_channels.rate_reply(form.cleaned_data["number"], level=form.cleaned_data["level"],
                                                 comment=form.cleaned_data["comment"], now=now())  # fmt: skip
        except engine_errors.EngineError as error:
            problem = error.message
    return render(request, "web/public/rate_reply.html", {"form": form, "done": done, "problem": problem})


def petition(request: HttpRequest) -> HttpResponse:
    number = request.GET.get("number", "").strip().upper()
    found, missing = None, False
    if number:
        try:
            found = petitions.progress(number)
        except engine_errors.EngineError:
            missing = True
    routes = {"mediation": _("转调解"), "village": _("转村调解站"), "power": _("转权力事项办理"), "direct": _("直接办理")}
    return render(request, "web/public/petition.html", {
        "number": number, "found": found, "missing": missing,
        "route": routes.get(found["route"], "") if found else "",
    })  # fmt: skip
