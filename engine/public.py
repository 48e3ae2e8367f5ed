"""Public-facing services and reads: the notice board, objections with receipts, complaints.

The public sees a case only while it is in its notice period (公示期: a pending `notice_period`
timer), with the fields a notice needs; ID-card and phone numbers are masked and a minor's case
is never listed. Objectors and complainants stay confidential: their identity is stored on the
receipt rows, never in the case's audit trail, and the API shows it only to the discipline
inspector.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from engine import services, workdays
from engine.exceptions import EngineError, OrganizationNotInTownship
from engine.masking import MINOR_AGE, id_numbers, is_minor, mask, mask_text  # noqa: F401 - the public API
from engine.models import AuditEvent, Case, Complaint, ObjectionReceipt, Organization, Timer

DEFAULT_REPLY_LIMIT = {"value": 10, "unit": workdays.WORKING_DAY}
_RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out over the phone


# ------------------------------------------------------------------------------------------
# Errors (part of the engine's one hierarchy; the API maps them with the others)
# ------------------------------------------------------------------------------------------


class NoticeNotFound(EngineError):
    code = "notice_not_found"

    def __init__(self, *, case_id: Any) -> None:
        super().__init__(_("案件 %(case)s 不在公示期内") % {"case": case_id}, case_id=str(case_id))


class ReceiptNotFound(EngineError):
    code = "receipt_not_found"

    def __init__(self, *, number: str) -> None:
        super().__init__(_("回执编号 %(number)s 不存在") % {"number": number}, number=number)


class ComplaintNotFound(EngineError):
    code = "complaint_not_found"

    def __init__(self, *, complaint_id: Any) -> None:
        super().__init__(_("投诉举报 %(id)s 不存在") % {"id": complaint_id}, complaint_id=str(complaint_id))


class ComplaintClosed(EngineError):
    code = "complaint_closed"

    def __init__(self, *, number: str) -> None:
        super().__init__(_("投诉举报 %(number)s 已答复，不能重复答复") % {"number": number}, number=number)


# ------------------------------------------------------------------------------------------
# The notice board
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Notice:
    """What the public notice board shows of one case."""

    case: Case
    notice_start: datetime | None
    notice_end: datetime
    title: str
    place: str
    content: str
    objection_channel: str
    applicant: str


def _start_data(payload: Any) -> dict[str, Any]:
    return dict((payload or {}).get("data") or {})


def _event_data(case_ids: list, *, started: bool) -> dict[Any, dict[str, Any]]:
    """Per case: the start data (`started`), or the data of the task that posted the notice (the
    latest completed task with a notice title); one query for all the cases, payloads only."""
    events = AuditEvent.objects.filter(case_id__in=case_ids)
    if started:
        events = events.filter(kind=AuditEvent.Kind.CASE_STARTED)
    else:
        events = events.filter(kind=AuditEvent.Kind.TASK_COMPLETED, payload__data__has_key="notice_title")
    found: dict[Any, dict[str, Any]] = {}
    for case_id, payload in events.order_by("case_id", "-sequence").values_list("case_id", "payload"):
        if case_id not in found:  # the first per case: the start, or the latest posting
            found[case_id] = _start_data(payload)
    return found


def _as_datetime(text: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(text))
    except ValueError:
        return None


def _notice_of(case: Case, timer: Timer, *, now: datetime, start: dict[str, Any], posted: dict[str, Any]) -> Notice | None:
    posted_at = _as_datetime(posted.get("notice_start")) or now
    texts = tuple(str(posted.get(k) or "") for k in ("notice_title", "notice_place", "notice_content"))
    if is_minor(start, on=timezone.localdate(posted_at), texts=(*texts, str(start.get("applicant") or ""))):
        return None
    return Notice(
        case=case,
        notice_start=_as_datetime(posted.get("notice_start")),
        notice_end=timer.due_at,
        title=mask_text(str(posted.get("notice_title") or "")),
        place=mask_text(str(posted.get("notice_place") or "")),
        content=mask_text(str(posted.get("notice_content") or "")),
        objection_channel=str(posted.get("objection_channel") or ""),  # the township's official channel
        applicant=mask_text(str(start.get("applicant") or "")),
    )


def _pending_notice_timers(now: datetime):
    return (
        Timer.objects.filter(
            bpmn_id=services.NOTICE_TIMER_ID,
            status=Timer.Status.PENDING,
            due_at__gt=now,
            case__status=Case.Status.RUNNING,
        )
        .select_related("case", "case__handling_unit", "case__township")
        .only(*_NOTICE_FIELDS)  # what a notice shows: none of the case's snapshot, dates or hashes
    )


_NOTICE_FIELDS = (
    "case", "bpmn_id", "due_at", "status", "case__reference", "case__power_code",
    "case__township__code", "case__township__name", "case__handling_unit__name",
)  # what the board, the notice page and the API show of a case


def _notices(timers: list[Timer], *, now: datetime) -> list[Notice]:
    ids = [t.case_id for t in timers]
    starts, posted = _event_data(ids, started=True), _event_data(ids, started=False)
    notices = (_notice_of(t.case, t, now=now, start=starts.get(t.case_id, {}), posted=posted.get(t.case_id, {}))
               for t in timers)  # fmt: skip
    return [n for n in notices if n is not None]


def list_notices(*, now: datetime, township: str | None = None) -> list[Notice]:
    """Cases now in their notice period, soonest ending first, of every township or of the one
    whose code is `township`; minors' cases are left out. Three queries however many notices."""
    timers = _pending_notice_timers(now)
    if township is not None:
        timers = timers.filter(case__township__code=township)
    return _notices(list(timers.order_by("due_at", "case__reference")), now=now)


def get_notice(case_id: UUID | str, *, now: datetime) -> Notice:
    """Raises: NoticeNotFound (no such case, not in its notice period, or a minor's case)."""
    try:
        timer = _pending_notice_timers(now).filter(case_id=case_id).order_by("due_at").first()
    except (ValueError, ValidationError):
        timer = None
    notices = _notices([timer], now=now) if timer is not None else []
    if not notices:
        raise NoticeNotFound(case_id=case_id)
    return notices[0]


# ------------------------------------------------------------------------------------------
# Objections and complaints
# ------------------------------------------------------------------------------------------


def _new_number(prefix: str, now: datetime) -> str:
    tail = "".join(secrets.choice(_RECEIPT_ALPHABET) for _ in range(8))
    return f"{prefix}-{timezone.localdate(now):%Y%m%d}-{tail}"


@transaction.atomic
def file_objection(
    case_id: UUID | str,
    *,
    content: str,
    evidence: str = "",
    objector_name: str = "",
    objector_contact: str = "",
    now: datetime,
) -> ObjectionReceipt:
    """Deliver an objection to a case on the notice board and issue its receipt.

    The case receives an `objection` message with the receipt number, content and evidence
    (one audit event); the objector's name and contact are kept on the receipt only.

    Raises:
        NoticeNotFound: the case is not on the notice board.
        MessageNotExpected, CaseClosed: the notice period ended meanwhile.
    """
    notice = get_notice(case_id, now=now)
    number = _new_number("YY", now)
    case = services.send_message(
        notice.case.pk,
        name=services.OBJECTION_MESSAGE,
        actor=None,
        now=now,
        data={"receipt_number": number, "content": content, "evidence": evidence},
    )
    return ObjectionReceipt.objects.create(
        number=number,
        case=case,
        township_id=case.township_id,
        content=content,
        evidence=evidence,
        objector_name=objector_name,
        objector_contact=objector_contact,
        audit_sequence=case.last_sequence,
        received_at=now,
    )


def _reply_limit(township_id: int) -> Mapping[str, Any]:
    from engine.townships import setting_value

    value = setting_value("complaint.reply_limit", township_id)
    if (
        isinstance(value, dict)
        and isinstance(value.get("value"), int)
        and value.get("unit")
        in (
            workdays.WORKING_DAY,
            workdays.CALENDAR_DAY,
        )
    ):
        return value
    return DEFAULT_REPLY_LIMIT


@transaction.atomic
def file_complaint(
    *,
    kind: str,
    subject: str,
    content: str,
    case: Case | None = None,
    township: Organization | None = None,
    complainant_name: str = "",
    complainant_contact: str = "",
    channel: str = Complaint.Channel.ONLINE,
    registered_by: AbstractBaseUser | None = None,
    now: datetime,
) -> Complaint:
    """Register a complaint (投诉) or report (举报) with the township it concerns: the case's, or
    the one it was filed to (`township`); the reply is due within that township's limit.

    Raises:
        OrganizationNotInTownship: no township given (and no case), or a different one than the case's.
    """
    if case is not None:
        if township is not None and township.pk != case.township_id:
            raise OrganizationNotInTownship(organization=township.code)
        township_id = case.township_id
    elif township is not None and township.kind == Organization.Kind.TOWNSHIP:
        township_id = township.pk
    else:
        raise OrganizationNotInTownship(organization=township.code if township is not None else "")
    limit = _reply_limit(township_id)
    return Complaint.objects.create(
        township_id=township_id,
        number=_new_number("TS" if kind == Complaint.Kind.COMPLAINT else "JB", now),
        kind=kind,
        subject=subject,
        content=content,
        case=case,
        complainant_name=complainant_name,
        complainant_contact=complainant_contact,
        channel=channel,
        registered_by=registered_by,
        received_at=now,
        reply_due_at=workdays.add_limit(now, limit["value"], limit["unit"]),
    )


@transaction.atomic
def reply_complaint(
    complaint_id: int, *, actor: AbstractBaseUser, finding: str, reply: str, now: datetime
) -> Complaint:
    """Record the finding and the reply to the complainant; a complaint is answered once.

    Raises:
        ComplaintNotFound, ComplaintClosed.
    """
    from engine.townships import check_township_member

    complaint = Complaint.objects.select_for_update().filter(pk=complaint_id).first()
    if complaint is None:
        raise ComplaintNotFound(complaint_id=complaint_id)
    check_township_member(actor, complaint.township_id, not_found=ComplaintNotFound(complaint_id=complaint_id))
    if complaint.status != Complaint.Status.REGISTERED:
        raise ComplaintClosed(number=complaint.number)
    complaint.finding, complaint.reply, complaint.handled_by = finding, reply, actor
    complaint.status, complaint.replied_at = Complaint.Status.REPLIED, now
    complaint.save(update_fields=["finding", "reply", "handled_by", "status", "replied_at"])
    return complaint


@dataclass(frozen=True)
class Receipt:
    """What the holder of a receipt number may see: no identities, no other cases."""

    number: str
    kind: str
    received_at: datetime
    status: str
    case_reference: str
    reply: str
    replied_at: datetime | None
    channel: str = ""
    reply_due_at: datetime | None = None
    escalation_level: int = 0
    reply_rating: int | None = None


def lookup_receipt(number: str) -> Receipt:
    """Raises: ReceiptNotFound."""
    objection = ObjectionReceipt.objects.select_related("case").filter(number=number).first()
    if objection is not None:
        return Receipt(
            objection.number,
            "objection",
            objection.received_at,
            "received",
            objection.case.reference,
            "",
            None,
        )
    complaint = Complaint.objects.select_related("case").filter(number=number).first()
    if complaint is None:
        raise ReceiptNotFound(number=number)
    return Receipt(
        complaint.number,
        complaint.kind,
        complaint.received_at,
        complaint.status,
        complaint.case.reference if complaint.case else "",
        mask_text(complaint.reply),
        complaint.replied_at,
        complaint.channel,
        complaint.reply_due_at,
        complaint.escalation_level,
        complaint.reply_rating,
    )
