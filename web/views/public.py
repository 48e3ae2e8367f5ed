"""The public site, without login: the power list (晒权), each power's 办事指南 with its posters,
the notice board with objections, complaints and reports, and the receipt lookup."""

from __future__ import annotations

from uuid import UUID

from django import forms
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from engine import charts
from engine import exceptions as engine_errors
from engine import public
from engine.models import Case, Complaint, Organization
from engine.townships import power_as_township_runs_it, setting_value
from processes.models import Category, Power
from web.views.base import now

PAPER = "A3"


def public_base(request: HttpRequest) -> str:
    """The public site's address: PUBLIC_BASE_URL, else the address this request came to."""
    return settings.PUBLIC_BASE_URL or request.build_absolute_uri("/")


def guide_url(request: HttpRequest, code: str) -> str:
    """The absolute address of a power's 办事指南 page (what a poster's QR code points to)."""
    return public_base(request).rstrip("/") + reverse("web:power-guide", kwargs={"code": code})


def townships() -> list[Organization]:
    return list(Organization.objects.filter(kind=Organization.Kind.TOWNSHIP).order_by("code"))


def chosen_township(request: HttpRequest) -> Organization | None:
    """The township the visitor looks at (`?township=<code>`; the only one when there is one)."""
    code = (request.POST.get("township") or request.GET.get("township") or "").strip()
    all_ = townships()
    if code:
        return next((t for t in all_ if t.code == code), None)
    return all_[0] if len(all_) == 1 else None


def _public_context(request: HttpRequest) -> dict:
    return {"townships": townships(), "township": chosen_township(request)}


def power_list(request: HttpRequest) -> HttpResponse:
    categories = Category.objects.order_by("order").prefetch_related("powers")
    groups = [(c, [p for p in c.powers.all() if p.is_active]) for c in categories]
    return render(request, "web/public/powers.html",
                  {"groups": [(c, ps) for c, ps in groups if ps], **_public_context(request)})  # fmt: skip


def _power(code: str) -> Power:
    power = Power.objects.active().select_related("category", "supervision_phone_setting").filter(code=code).first()
    if power is None:
        raise Http404
    return power


def power_guide(request: HttpRequest, code: str) -> HttpResponse:
    """A power's 办事指南 as the chosen township runs it (its station, limit, fee and phones)."""
    power = _power(code)
    township = chosen_township(request)
    runs = power_as_township_runs_it(power, township) if township is not None else {
        "handling_unit": power.handling_unit, "promised_limit_value": power.promised_limit_value,
        "promised_limit_unit": power.promised_limit_unit, "fee_basis": power.fee_basis,
        "supervision_phone": str(setting_value(power.supervision_phone_setting_id, None, "")),
        "complaint_phone": str(setting_value("complaint_phone", None, "")),
    }
    address = (setting_value("service_address", township, "") or setting_value("township_address", township, ""))
    unit_names = {"working_day": _("个工作日"), "calendar_day": _("日")}
    context = {
        "power": power, "runs": runs, "limit_unit": unit_names.get(runs["promised_limit_unit"], ""),
        "bases": power.legal_bases.filter(effective_to__isnull=True).order_by("position"),
        "risks": power.risk_points.select_related("responsible", "supervisor").order_by("position"),
        "phones": {"supervision": runs["supervision_phone"], "complaint": runs["complaint_phone"]},
        "address": address, "guide_url": guide_url(request, power.code), **_public_context(request),
    }  # fmt: skip
    return render(request, "web/public/guide.html", context)


def power_chart(request: HttpRequest, code: str, kind: str, fmt: str) -> HttpResponse:
    if kind not in ("poster", "risk") or fmt not in charts.CONTENT_TYPES:
        raise Http404
    power = _power(code)
    content = charts.render_poster(power, kind="risk" if kind == "risk" else "flow", fmt=fmt, paper=PAPER,
                                   public_base=public_base(request), township=chosen_township(request))  # fmt: skip
    if content is None:
        raise Http404
    response = HttpResponse(content, content_type=charts.CONTENT_TYPES[fmt])
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="{code}-{kind}.{fmt}"'
    return response


def notices(request: HttpRequest) -> HttpResponse:
    names = dict(Power.objects.values_list("code", "name"))
    township = chosen_township(request)
    board = [(n, names.get(n.case.power_code, "")) for n in public.list_notices(now=now())
             if township is None or n.case.township_id == township.pk]  # fmt: skip
    return render(request, "web/public/notices.html", {"notices": board, **_public_context(request)})


class ObjectionForm(forms.Form):
    content = forms.CharField(label=_("异议内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    evidence = forms.CharField(label=_("证据或线索（可选）"), max_length=2000, required=False,
                               widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    name = forms.CharField(label=_("姓名（可不填；鼓励实名，严格保密）"), max_length=100, required=False)
    contact = forms.CharField(label=_("联系方式（用于反馈，严格保密）"), max_length=100, required=False)


def notice(request: HttpRequest, case_id: UUID) -> HttpResponse:
    try:
        item = public.get_notice(case_id, now=now())
    except engine_errors.EngineError as error:
        raise Http404 from error
    form = ObjectionForm(request.POST or None)
    receipt, problem = None, ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            receipt = public.file_objection(case_id, content=data["content"], evidence=data["evidence"],
                                            objector_name=data["name"], objector_contact=data["contact"], now=now())  # fmt: skip
        except engine_errors.EngineError as error:
            problem = error.message
    power_name = Power.objects.filter(code=item.case.power_code).values_list("name", flat=True).first() or ""
    return render(request, "web/public/notice.html",
                  {"notice": item, "power_name": power_name, "form": form, "receipt": receipt, "problem": problem})  # fmt: skip


class ComplaintForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=Complaint.Kind.choices, widget=forms.RadioSelect,
                             initial=Complaint.Kind.COMPLAINT)  # fmt: skip
    subject = forms.CharField(label=_("被投诉（举报）的人员、站所或事项"), max_length=200)
    content = forms.CharField(label=_("事项内容"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))
    case_reference = forms.CharField(label=_("相关案件编号（可选）"), max_length=40, required=False)
    township = forms.ModelChoiceField(label=_("投诉（举报）所向的乡镇"), required=False, empty_label=_("请选择"),
                                      queryset=Organization.objects.filter(kind=Organization.Kind.TOWNSHIP),
                                      to_field_name="code")  # fmt: skip
    name = forms.CharField(label=_("姓名（可匿名）"), max_length=100, required=False)
    contact = forms.CharField(label=_("联系方式（可不填；不填则无法收到答复通知）"), max_length=100, required=False)

    def clean_case_reference(self) -> Case | None:
        reference = self.cleaned_data["case_reference"].strip()
        if not reference:
            return None
        case = Case.objects.filter(reference=reference).first()
        if case is None:
            raise forms.ValidationError(_("案件编号不存在"))
        return case

    def clean(self):
        data = super().clean()
        case, township = data.get("case_reference"), data.get("township")
        if case is None and township is None and not self.errors:
            self.add_error("township", _("请填写投诉（举报）所向的乡镇"))
        if case is not None and township is not None and case.township_id != township.pk:
            self.add_error("case_reference", _("案件编号不存在"))
        return data


def complaint(request: HttpRequest) -> HttpResponse:
    township = chosen_township(request)
    form = ComplaintForm(request.POST or None, initial={"township": township.code if township else None})
    filed = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        filed = public.file_complaint(kind=data["kind"], subject=data["subject"], content=data["content"],
                                      case=data["case_reference"], township=data["township"],
                                      complainant_name=data["name"],
                                      complainant_contact=data["contact"], now=now())  # fmt: skip
    return render(request, "web/public/complaint.html", {"form": form, "filed": filed})


def receipt(request: HttpRequest) -> HttpResponse:
    number = request.GET.get("number", "").strip().upper()
    found, missing = None, False
    if number:
        try:
            found = public.lookup_receipt(number)
        except engine_errors.EngineError:
            missing = True
    kinds = {"objection": _("公示异议"), **dict(Complaint.Kind.choices)}
    statuses = {"received": _("已收到，正在核查"), **dict(Complaint.Status.choices)}
    return render(request, "web/public/receipt.html", {"number": number, "found": found, "missing": missing,
                                                       "kind": kinds.get(found.kind, "") if found else "",
                                                       "status": statuses.get(found.status, "") if found else ""})  # fmt: skip
