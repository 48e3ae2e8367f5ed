"""Complaints received off line: staff register what comes by phone, through the box (举报箱) or at
the counter (投诉台), with the channel recorded and the complainant as confidential as online. Every
complaint has its reply deadline from the township's `complaint.reply_limit` and escalates when
overdue (engine.public_deadlines); the complainant follows it by the receipt number, the reply
closes it (engine.public.reply_complaint), and he may rate the reply once."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from engine import authority, public
from engine import exceptions as exc
from engine import public_errors as err
from engine.models import Case, Complaint, Organization
from engine.public_models import ServiceRating

STAFF_CHANNELS = (Complaint.Channel.PHONE, Complaint.Channel.BOX, Complaint.Channel.COUNTER)


@transaction.atomic
def register_complaint(
    *, actor: AbstractBaseUser, township: Organization, channel: str, kind: str, subject: str, content: str,
    case_reference: str = "", complainant_name: str = "", complainant_contact: str = "", now: datetime,
) -> Complaint:  # fmt: skip
    """Register a complaint received by phone, box or counter. Raises: OrganizationNotFound (another
    township), NotAuthorized (no post there), ComplaintChannelInvalid, TextRequired, CaseNotFound."""
    from engine.townships import check_township_member

    check_township_member(actor, township.pk, not_found=exc.OrganizationNotFound(organization=township.code))
    authority.require_staff(actor=actor, organization_id=township.pk, action="register_complaint")
    if channel not in STAFF_CHANNELS:
        raise err.ComplaintChannelInvalid(channel=channel)
    if kind not in Complaint.Kind.values:
        kind = Complaint.Kind.COMPLAINT
    for name, value, label in (("subject", subject, "被投诉（举报）对象"), ("content", content, "事项内容")):
        if not value.strip():
            raise err.TextRequired(field=name)
    case = None
    if case_reference.strip():
        case = Case.objects.filter(reference=case_reference.strip(), township_id=township.pk).first()
        if case is None:
            raise exc.CaseNotFound(case_id=case_reference)
    return public.file_complaint(kind=kind, subject=subject.strip(), content=content.strip(), case=case,
                                 township=None if case else township, complainant_name=complainant_name,
                                 complainant_contact=complainant_contact, channel=channel, registered_by=actor,
                                 now=now)  # fmt: skip


@transaction.atomic
def rate_reply(number: str, *, level: int, comment: str = "", now: datetime) -> Complaint:
    """The complainant rates the reply, once. Raises: ReceiptNotFound, ComplaintNotReplied,
    ComplaintAlreadyRated, RatingLevelInvalid."""
    complaint = Complaint.objects.select_for_update().filter(number=str(number).strip()).first()
    if complaint is None:
        raise public.ReceiptNotFound(number=number)
    if complaint.status != Complaint.Status.REPLIED:
        raise err.ComplaintNotReplied(number=complaint.number)
    if complaint.reply_rated_at is not None:
        raise err.ComplaintAlreadyRated(number=complaint.number)
    if level not in ServiceRating.Level.values:
        raise err.RatingLevelInvalid(level=level)
    complaint.reply_rating, complaint.reply_rating_comment, complaint.reply_rated_at = level, comment.strip(), now
    complaint.save(update_fields=["reply_rating", "reply_rating_comment", "reply_rated_at"])
    return complaint
