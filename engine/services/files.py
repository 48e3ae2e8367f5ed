"""Application materials (申请材料) uploaded to a case: size and type limits, Django's storage API,
the file's sha256 in the audit event."""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import PurePath
from uuid import UUID

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from engine import authority
from engine import exceptions as exc
from engine.models import AuditEvent, CaseFile
from engine.services._case_io import _check_clock, _load_state, _locked_case, _record, _work_items
from engine.townships import check_township_member


def _check(name: str, content: bytes) -> tuple[str, str]:
    """The cleaned file name and its content type. Raises InvalidTaskData (size or type)."""
    clean = PurePath(name.replace("\\", "/")).name.strip()[:200] or "file"
    suffix = PurePath(clean).suffix.lower()
    allowed = settings.UPLOAD_CONTENT_TYPES
    if suffix not in allowed:
        raise exc.InvalidTaskData(fields={"file": [_("只接受以下类型的文件：%(types)s") % {"types": "、".join(sorted(allowed))}]})
    if not content:
        raise exc.InvalidTaskData(fields={"file": [_("文件是空的")]})
    if len(content) > settings.UPLOAD_MAX_BYTES:
        limit = settings.UPLOAD_MAX_BYTES // (1024 * 1024)
        raise exc.InvalidTaskData(fields={"file": [_("文件不能超过 %(mb)s MB") % {"mb": limit}]})
    return clean, allowed[suffix]


@transaction.atomic
def attach_file(case_id: UUID | str, *, name: str, content: bytes, actor: AbstractBaseUser, now: datetime) -> CaseFile:
    """Store an uploaded material of a running case and record it (one audit event with its sha256).

    Raises:
        CaseNotFound (also another township's case), NotAuthorized (no post in the case's township),
        ClockBehindRecord, CaseClosed, InvalidTaskData (type not allowed, empty, too large).
    """
    clean, content_type = _check(name, content)
    case = _locked_case(case_id)
    check_township_member(actor, case.township_id, not_found=exc.CaseNotFound(case_id=case.pk))
    authority.require_staff(actor=actor, organization_id=case.organization_id, action="attach_file")
    now = _check_clock(case, now)
    digest = hashlib.sha256(content).hexdigest()
    stored = default_storage.save(f"cases/{case.pk}/{digest}{PurePath(clean).suffix.lower()}", ContentFile(content))
    items = _work_items(case)
    state = _load_state(case, items)
    try:
        case = _record(case, state, kind=AuditEvent.Kind.FILE_ATTACHED, actor=actor, now=now, items=items,
                       payload={"name": clean, "sha256": digest, "size": len(content), "content_type": content_type})  # fmt: skip
        return CaseFile.objects.create(case=case, name=clean, storage_name=stored, content_type=content_type,
                                       size=len(content), sha256=digest, uploaded_by=actor, uploaded_at=now,
                                       audit_sequence=case.last_sequence)  # fmt: skip
    except Exception:
        default_storage.delete(stored)  # nothing left behind when the record fails
        raise
