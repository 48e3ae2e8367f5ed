"""信访 (信访工作条例, 2022): registration, the decision whether to accept within the township's
`petition.accept_limit` (15 days) told to the petitioner, handling within `petition.handle_limit`
(60 days) from acceptance, extended with a leader's approval by at most `petition.extension_max`
(30 days) in all; routed to a mediation (QT-01 土地承包经营纠纷, QT-02 民间纠纷, started as a case of the
power; or the village mediation station), to an existing case of a power when that is the right
channel, or handled directly. The link is kept both ways (`Petition.case`, `Case.petitions`), the
case's result is copied back when it ends, and the outcome is reported to the petitioner, who
follows progress by the petition number. Overdue acceptance or handling escalates
(engine.public_deadlines). The petitioner's identity is confidential like a complainant's."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from engine import authority
from engine.computed import period_end
from engine import exceptions as exc
from engine import public_errors as err
from engine.masking import mask_text
from engine.models import Case, Organization
from engine.public import _new_number
from engine.public_deadlines import due, limit
from engine.public_models import Petition

CHANNELS = ("letter", "visit", "phone", "online")
DECIDERS = frozenset({"chief", "deputy"})
MEDIATION_POWERS = {"QT-01": "power_qt_01", "QT-02": "power_qt_02"}
ROUTES = ("mediation", "village", "power", "direct")


def _get(petition_id: int, actor: AbstractBaseUser | None) -> Petition:
    from engine.townships import check_township_member

    petition = Petition.objects.select_for_update().filter(pk=petition_id).first()
    if petition is None:
        raise err.PetitionNotFound(petition=petition_id)
    check_township_member(actor, petition.township_id, not_found=err.PetitionNotFound(petition=petition_id))
    return petition


def _held(actor: AbstractBaseUser, township_id: int) -> frozenset[str]:
    return authority.position_codes(actor, authority._scope(township_id))


def _state(petition: Petition, wanted: Petition.Status, action: str) -> None:
    if petition.status != wanted:
        raise err.PetitionWrongState(number=petition.number, status=str(petition.get_status_display()), action=action)


@transaction.atomic
def register_petition(
    *, actor: AbstractBaseUser, township: Organization, channel: str, subject: str, content: str,
    petitioner_name: str = "", petitioner_contact: str = "", now: datetime,
) -> Petition:  # fmt: skip
    """Register a petition received by letter, visit, phone or online; the acceptance decision is due
    within the township's limit. Raises: NotAuthorized, OrganizationNotFound, ChannelRequired, TextRequired."""
    from engine.townships import check_township_member

    check_township_member(actor, township.pk, not_found=exc.OrganizationNotFound(organization=township.code))
    authority.require_staff(actor=actor, organization_id=township.pk, action="register_petition")
    if channel not in CHANNELS:
        raise err.ChannelRequired(channel=channel)
    for name, value, label in (("subject", subject, "信访事项"), ("content", content, "主要诉求")):
        if not value.strip():
            raise err.TextRequired(field=name)
    return Petition.objects.create(
        township_id=township.pk, number=_new_number("XF", now), channel=channel, subject=subject.strip(),
        content=content.strip(), petitioner_name=petitioner_name, petitioner_contact=petitioner_contact,
        registered_by=actor, received_at=now, accept_due_at=due("petition.accept_limit", township.pk, now),
    )  # fmt: skip


@transaction.atomic
def decide_acceptance(petition_id: int, *, actor: AbstractBaseUser, accept: bool, note: str, now: datetime) -> Petition:
    """A leader decides whether to accept and the petitioner is told (the note); accepted, the
    handling period starts. Raises: PetitionNotFound, NotAuthorized, PetitionWrongState, TextRequired."""
    petition = _get(petition_id, actor)
    if not _held(actor, petition.township_id) & DECIDERS:
        raise exc.NotAuthorized(action="decide_petition", required=sorted(DECIDERS))
    _state(petition, Petition.Status.REGISTERED, "作出受理决定")
    if not note.strip():
        raise err.TextRequired(field="note")
    petition.decided_at, petition.decided_by, petition.decision_note = now, actor, note.strip()
    petition.escalation_level = 0  # the handling period has its own ladder
    if accept:
        petition.status = Petition.Status.ACCEPTED
        petition.handle_due_at = due("petition.handle_limit", petition.township_id, now)
    else:
        petition.status = Petition.Status.NOT_ACCEPTED
    petition.save()
    return petition


@transaction.atomic
def route_petition(
    petition_id: int, *, actor: AbstractBaseUser, route: str, power_code: str = "", case_reference: str = "",
    now: datetime,
) -> Petition:  # fmt: skip
    """Send an accepted petition where it belongs: a mediation case (started here, through the
    start service and its checks), the village mediation station, an existing case of a power of
    the township, or direct handling. Raises: PetitionNotFound, PetitionWrongState,
    PetitionRouteInvalid, CaseNotFound, and what start_case raises (NotAuthorized…)."""
    from engine import services

    petition = _get(petition_id, actor)
    authority.require_staff(actor=actor, organization_id=petition.township_id, action="route_petition")
    _state(petition, Petition.Status.ACCEPTED, "转办")
    if petition.route:
        raise err.PetitionWrongState(number=petition.number, status=petition.route, action="再次转办")
    if route not in ROUTES or (route == "mediation" and power_code not in MEDIATION_POWERS):
        raise err.PetitionRouteInvalid(route=f"{route} {power_code}".strip())
    if route == "mediation":
        township = Organization.objects.get(pk=petition.township_id)
        data = {"applicant": petition.petitioner_name or "信访人", "matter": petition.subject}
        petition.case = services.start_case(process_id=MEDIATION_POWERS[power_code], power_code=power_code,
                                            actor=actor, organization=township, data=data, now=now)  # fmt: skip
    elif route == "power":
        case = Case.objects.filter(reference=case_reference.strip(), township_id=petition.township_id).first()
        if case is None or not case.power_code:
            raise exc.CaseNotFound(case_id=case_reference)
        petition.case = case
        if case.status != Case.Status.RUNNING:
            petition.case_outcome = _case_outcome(case)
    petition.route = route
    petition.save()
    return petition


def _case_outcome(case: Case) -> str:
    from engine import bpmn
    from engine.services.definitions import parsed_definition

    if case.status == Case.Status.CANCELLED:
        return "cancelled"
    data = bpmn.workflow_data(bpmn.loads(case.workflow_json, parsed_definition(case.definition)))
    return _outcome_of(data)


def _outcome_of(data: dict[str, Any]) -> str:
    return str(data.get("mediation_result") or data.get("outcome") or "")


def case_completed(case: Case, data: dict[str, Any], *, now: datetime) -> None:
    """Called when a case completes: the petitions routed to it learn its result."""
    Petition.objects.filter(case=case).update(case_outcome=_outcome_of(data))


@transaction.atomic
def extend_petition(petition_id: int, *, actor: AbstractBaseUser, days: int, reason: str, now: datetime) -> Petition:
    """A leader extends the handling period before it ends, by at most the setting in all.

    Raises: PetitionNotFound, NotAuthorized, PetitionWrongState (not accepted, or already overdue),
    PetitionExtensionTooLong, TextRequired."""
    petition = _get(petition_id, actor)
    if not _held(actor, petition.township_id) & DECIDERS:
        raise exc.NotAuthorized(action="extend_petition", required=sorted(DECIDERS))
    _state(petition, Petition.Status.ACCEPTED, "延期")
    if petition.handle_due_at is not None and now > petition.handle_due_at:
        raise err.PetitionWrongState(number=petition.number, status="逾期", action="延期（办理期限已过）")
    allowed = limit("petition.extension_max", petition.township_id)
    if days <= 0 or petition.extended_days + days > allowed["value"]:
        raise err.PetitionExtensionTooLong(requested=petition.extended_days + days, allowed=allowed["value"])
    if not reason.strip():
        raise err.TextRequired(field="reason")
    petition.handle_due_at = period_end(petition.handle_due_at, days, allowed["unit"])
    petition.extended_days += days
    petition.extension_reason = "；".join(filter(None, [petition.extension_reason, reason.strip()]))
    petition.extended_by, petition.escalation_level = actor, 0
    petition.save()
    return petition


@transaction.atomic
def conclude_petition(petition_id: int, *, actor: AbstractBaseUser, outcome: str, now: datetime) -> Petition:
    """Report the outcome to the petitioner; a petition routed to a case waits for that case.

    Raises: PetitionNotFound, NotAuthorized, PetitionWrongState, TextRequired."""
    petition = _get(petition_id, actor)
    authority.require_staff(actor=actor, organization_id=petition.township_id, action="conclude_petition")
    _state(petition, Petition.Status.ACCEPTED, "办结")
    if petition.case_id is not None and petition.case.status == Case.Status.RUNNING:
        raise err.PetitionWrongState(number=petition.number, status=petition.case.reference, action="在转办案件办结前办结")
    if not outcome.strip():
        raise err.TextRequired(field="outcome")
    petition.outcome, petition.concluded_at, petition.concluded_by = outcome.strip(), now, actor
    petition.status = Petition.Status.CONCLUDED
    petition.save()
    return petition


def progress(number: str) -> dict[str, Any]:
    """What the petitioner sees by the number: no identities, the outcome masked. Raises: PetitionNotFound."""
    petition = Petition.objects.select_related("case").filter(number=str(number).strip()).first()
    if petition is None:
        raise err.PetitionNotFound(petition=number)
    return {
        "number": petition.number, "status": petition.status, "status_display": str(petition.get_status_display()),
        "received_at": petition.received_at, "accept_due_at": petition.accept_due_at, "decided_at": petition.decided_at,
        "decision_note": mask_text(petition.decision_note), "handle_due_at": petition.handle_due_at,
        "extended_days": petition.extended_days, "route": petition.route,
        "case_reference": petition.case.reference if petition.case_id else "", "outcome": mask_text(petition.outcome),
        "concluded_at": petition.concluded_at,
    }  # fmt: skip
