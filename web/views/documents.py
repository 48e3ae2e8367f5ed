"""Uploaded materials (申请材料) and printable documents from the case's recorded data, under the township's header: 受理回执,
一次性告知书, 不予受理通知书, 决定书 (准予 or 不予). Each is drawn from the data of the task that
produced it (the latest completion of that form); a document whose task has not run is 404."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from engine import access, services
from engine import exceptions as engine_errors
from engine.models import AuditEvent, Case, CaseFile
from web.views.base import now, staff_page
from web.views.tasks import UPLOAD_FORMS
from web.views.work import case_header, task_item, visible_case_or_404

# document kind -> (title, the forms whose data make it)
DOCUMENTS = {
    "receipt": (gettext_noop("受理回执"), ("acceptance_register", "acceptance_receipt")),
    "correction": (gettext_noop("一次性告知书"), ("acceptance_register", "acceptance_correction_notice")),
    "refusal": (gettext_noop("不予受理通知书"), ("acceptance_register", "acceptance_refusal")),
    "decision": (gettext_noop("决定书"), ("acceptance_register", "decision_grant")),
}


def form_data(case: Case) -> dict[str, dict[str, Any]]:
    """The latest submitted data per form of the case."""
    parsed = services.parsed_definition(case.definition)
    data: dict[str, dict[str, Any]] = {}
    events = case.audit_events.filter(kind=AuditEvent.Kind.TASK_COMPLETED).order_by("sequence").only("bpmn_id", "payload")
    for event in events:
        info = parsed.user_tasks.get(event.bpmn_id)
        if info is not None and info.form:
            data[info.form] = dict((event.payload or {}).get("data") or {})
    return data


def available(case: Case) -> list[tuple[str, str]]:
    forms = form_data(case)
    return [(kind, title) for kind, (title, needs) in DOCUMENTS.items() if needs[-1] in forms]


@staff_page()
def document(request: HttpRequest, case_id: UUID, kind: str) -> HttpResponse:
    case = visible_case_or_404(request, case_id)
    if kind not in DOCUMENTS:
        raise Http404
    title, needs = DOCUMENTS[kind]
    forms = form_data(case)
    if needs[-1] not in forms:
        raise Http404
    context = {"case": case, **case_header(case, moment=now()), "kind": kind, "title": title,
               "register": forms.get("acceptance_register", {}), "data": forms[needs[-1]]}  # fmt: skip
    data, register = context["data"], context["register"]
    context["issued_on"] = (data.get("decided_at") or data.get("notice_date") or data.get("refusal_served_at")
                            or register.get("received_at") or "")  # fmt: skip
    if kind in ("receipt", "decision"):  # 好差评: the one-time code and its QR code on the paper
        from django.utils.safestring import mark_safe

        from engine import ratings
        from web.views.public_side import qr_svg, rating_url

        code = ratings.code_for(case)
        if code:
            url = rating_url(request, code)
            context.update(rating_code=code, rating_url=url, rating_qr=mark_safe(qr_svg(url)))
    return render(request, "web/document.html", context)


@require_POST
@staff_page()
def upload(request: HttpRequest, case_id: UUID, task_id: UUID) -> HttpResponse:
    """Upload 申请材料 on a task that takes them (registration, resubmission, check) in the user's inbox."""
    case = visible_case_or_404(request, case_id)
    item = task_item(case, task_id)
    if item.form not in UPLOAD_FORMS or not access.inbox(request.user).filter(pk=item.pk).exists():
        raise PermissionDenied
    upload_ = request.FILES.get("file")
    if upload_ is None:
        messages.error(request, _("请选择要上传的文件"))
    elif upload_.size > settings.UPLOAD_MAX_BYTES:
        messages.error(request, _("文件不能超过 %(mb)s MB") % {"mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024)})
    else:
        try:
            stored = services.attach_file(case.pk, name=upload_.name, content=upload_.read(), actor=request.user, now=now())
        except engine_errors.EngineError as error:
            messages.error(request, "；".join([error.message, *[m for ms in error.fields.values() for m in ms]]))
        else:
            messages.success(request, _("已上传：%(name)s") % {"name": stored.name})
    return redirect("web:task", case_id=case.pk, task_id=task_id)


@staff_page()
def download(request: HttpRequest, case_id: UUID, file_id: int) -> FileResponse:
    """A material of a case, to whoever may see the case."""
    case = visible_case_or_404(request, case_id)
    stored = CaseFile.objects.filter(case=case, pk=file_id).first()
    if stored is None:
        raise Http404
    return FileResponse(default_storage.open(stored.storage_name, "rb"), as_attachment=True, filename=stored.name,
                        content_type=stored.content_type)  # fmt: skip
