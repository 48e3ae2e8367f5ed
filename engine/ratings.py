"""政务服务“好差评” (国办发〔2019〕51号): every case gets a one-time rating code when it starts, printed
on the receipt and the decision (and shown by the window's rating device); the applicant rates
the service once with it, without an account. A 差评 (不满意、非常不满意) needs its reasons and opens a
follow-up for the station head: check it, rectify, and reply to the rater within the township's
`rating.followup_limit` (15 working days by default), escalated when overdue. Leaders and the
discipline inspector see the figures per station, per person and per power; the public sees
aggregates per power only (no names, no comments)."""

from __future__ import annotations

import secrets
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from engine import authority
from engine import exceptions as exc
from engine import public_errors as err
from engine.masking import mask_text
from engine.models import AuditEvent, Case
from engine.public_deadlines import due, holders
from engine.public_models import RatingFollowUp, ServiceRating

_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CHANNELS = ("window", "qr", "sms", "web")
LEVELS = tuple(ServiceRating.Level.values)
SATISFIED_LEVELS = (3, 4, 5)


def _new_code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10))


def issue_code(case: Case, *, now: datetime) -> ServiceRating:
    """Called by start_case inside its transaction: the code printed on the receipt and decision."""
    return ServiceRating.objects.create(township_id=case.township_id, case=case, code=_new_code(),
                                        power_code=case.power_code, station_id=case.handling_unit_id,
                                        issued_at=now)  # fmt: skip


def code_for(case: Case) -> str:
    """The case's rating code (for the receipt and the decision), issuing one for an older case."""
    rating = ServiceRating.objects.filter(case=case).first()
    return rating.code if rating is not None else ""


def _staff_of(case: Case) -> list[str]:
    names = AuditEvent.objects.filter(case=case, kind=AuditEvent.Kind.TASK_COMPLETED).exclude(actor=None)
    return sorted(set(names.values_list("actor_name", flat=True)))


@transaction.atomic
def rate_service(
    *, code: str, level: int, reasons: Sequence[str] = (), comment: str = "", channel: str = "web", now: datetime
) -> ServiceRating:
    """Rate the service of the case the code was issued for; the code is then used up.

    Raises:
        RatingCodeInvalid (unknown or used), RatingLevelInvalid, RatingReasonRequired (差评 without reasons).
    """
    rating = ServiceRating.objects.select_for_update().select_related("case").filter(code=str(code).strip().upper()).first()
    if rating is None or rating.rated_at is not None:
        raise err.RatingCodeInvalid()
    if level not in LEVELS:
        raise err.RatingLevelInvalid(level=level)
    reasons = [str(r).strip() for r in reasons if str(r).strip()]
    if level <= ServiceRating.Level.DISSATISFIED and not reasons:
        raise err.RatingReasonRequired()
    case = rating.case
    rating.level, rating.reasons, rating.comment, rating.rated_at = level, reasons, comment.strip(), now
    rating.channel = channel if channel in CHANNELS else "web"
    rating.case_stage = case.status
    rating.staff = _staff_of(case)
    rating.station_id = case.handling_unit_id
    rating.save()
    if rating.is_bad:
        owners = holders(case.township_id, ("station_head",), organization_id=case.handling_unit_id)
        owners = owners or holders(case.township_id, ("station_head",))
        RatingFollowUp.objects.create(township_id=case.township_id, rating=rating, owners=owners, opened_at=now,
                                      due_at=due("rating.followup_limit", case.township_id, now))  # fmt: skip
    return rating


@transaction.atomic
def close_followup(
    followup_id: int, *, actor: AbstractBaseUser, founded: bool, rectification: str, reply: str, now: datetime
) -> RatingFollowUp:
    """The station head records whether the 差评 was founded, the rectification and the reply.

    Raises:
        FollowUpNotFound (also for other townships), NotAuthorized (not a station head or leader
        of the township), TextRequired, FollowUpClosed.
    """
    from engine.townships import check_township_member

    followup = RatingFollowUp.objects.select_for_update().filter(pk=followup_id).first()
    if followup is None:
        raise err.FollowUpNotFound(followup_id=followup_id)
    check_township_member(actor, followup.township_id, not_found=err.FollowUpNotFound(followup_id=followup_id))
    held = authority.position_codes(actor, authority._scope(followup.township_id))
    if actor.get_username() not in followup.owners and not held & {"station_head", "chief", "deputy"}:
        raise exc.NotAuthorized(action="close_followup", required=["station_head"])
    if followup.closed_at is not None:
        raise err.FollowUpClosed(followup_id=followup_id)
    if not reply.strip():
        raise err.TextRequired(field="reply")
    if founded and not rectification.strip():
        raise err.TextRequired(field="rectification")
    followup.founded, followup.rectification, followup.reply = founded, rectification.strip(), reply.strip()
    followup.closed_by, followup.closed_at = actor, now
    followup.save()
    return followup


# ------------------------------------------------------------------------------------------
# Figures
# ------------------------------------------------------------------------------------------


@dataclass
class Figures:
    """Ratings of one group: count per level, satisfaction, 差评 and their follow-ups."""

    key: str
    label: str
    levels: Counter = field(default_factory=Counter)
    bad: int = 0
    followups_open: int = 0
    followups_overdue: int = 0

    @property
    def total(self) -> int:
        return sum(self.levels.values())

    @property
    def satisfaction(self) -> float | None:
        """Share of 非常满意、满意、基本满意 (None when nothing was rated)."""
        if not self.total:
            return None
        return round(sum(self.levels[level] for level in SATISFIED_LEVELS) / self.total, 4)

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "total": self.total, "satisfaction": self.satisfaction,
                "levels": {str(level): self.levels.get(level, 0) for level in LEVELS}, "bad": self.bad,
                "followups_open": self.followups_open, "followups_overdue": self.followups_overdue}  # fmt: skip


def _rated(township_ids: Iterable[int]):
    return (ServiceRating.objects.filter(township_id__in=list(township_ids), rated_at__isnull=False)
            .select_related("station", "followup"))  # fmt: skip


def _add(fig: Figures, rating: ServiceRating, now: datetime) -> None:
    fig.levels[rating.level] += 1
    if rating.is_bad:
        fig.bad += 1
        followup = getattr(rating, "followup", None)
        if followup is not None and followup.closed_at is None:
            fig.followups_open += 1
            fig.followups_overdue += followup.due_at < now


def report(*, actor: AbstractBaseUser, township_id: int, now: datetime) -> dict[str, list[dict[str, Any]]]:
    """Figures per station, per person and per power for the leaders and the discipline inspector.

    Raises: NotAuthorized (not a leader or the inspector of the township).
    """
    require_overseer(actor, township_id, action="rating_report")
    groups: dict[str, dict[str, Figures]] = defaultdict(dict)
    for rating in _rated([township_id]):
        station = rating.station.name if rating.station_id else "—"
        keys = [("station", str(rating.station_id or ""), station), ("power", rating.power_code, rating.power_code)]
        keys += [("person", name, name) for name in rating.staff]
        for group, key, label in keys:
            fig = groups[group].setdefault(key, Figures(key=key, label=label))
            _add(fig, rating, now)
    return {group: [f.as_dict() for f in sorted(groups[group].values(), key=lambda f: f.key)]
            for group in ("station", "person", "power")}  # fmt: skip


def require_overseer(actor: AbstractBaseUser | None, township_id: int, *, action: str) -> None:
    """The township's leaders and discipline inspector, or the county's inspector.

    Raises: NotAuthorized.
    """
    from engine.models import Assignment
    from engine.townships import visible_township_ids

    held = authority.position_codes(actor, authority._scope(township_id))
    if held & authority.LEADERS_AND_INSPECTOR:
        return
    county = actor is not None and Assignment.objects.filter(
        user=actor, position__code="discipline_inspector", organization__kind="county").exists()
    if not (county and township_id in visible_township_ids(actor)):
        raise exc.NotAuthorized(action=action, required=sorted(authority.LEADERS_AND_INSPECTOR))


def lookup_rating(code: str) -> dict[str, Any]:
    """What the holder of a code sees: his rating and the station's reply to a 差评.

    Raises: RatingCodeInvalid.
    """
    rating = ServiceRating.objects.select_related("case").filter(code=str(code).strip().upper()).first()
    if rating is None:
        raise err.RatingCodeInvalid()
    followup = RatingFollowUp.objects.filter(rating=rating).first()
    return {"case_reference": rating.case.reference, "power_code": rating.power_code, "rated": rating.rated_at is not None,
            "level": rating.level, "rated_at": rating.rated_at,
            "followup_due_at": followup.due_at if followup else None,
            "reply": mask_text(followup.reply) if followup and followup.closed_at else "",
            "replied_at": followup.closed_at if followup else None}  # fmt: skip


def public_figures(*, township_id: int, now: datetime) -> list[dict[str, Any]]:
    """Aggregates per power for the public: counts per level, satisfaction, 差评 and how many of
    them were answered. No names, no comments."""
    from processes.models import Power

    names = dict(Power.objects.values_list("code", "name"))
    figures: dict[str, Figures] = {}
    for rating in _rated([township_id]):
        fig = figures.setdefault(rating.power_code, Figures(key=rating.power_code,
                                                            label=names.get(rating.power_code, rating.power_code)))
        _add(fig, rating, now)
    out = []
    for fig in sorted(figures.values(), key=lambda f: f.key):
        data = fig.as_dict()
        data["bad_answered"] = fig.bad - fig.followups_open
        del data["followups_overdue"]
        out.append(data)
    return out


def followup_view(followup: RatingFollowUp) -> dict[str, Any]:
    rating = followup.rating
    return {"id": followup.pk, "case_reference": rating.case.reference, "power_code": rating.power_code,
            "level": rating.level, "reasons": rating.reasons, "comment": mask_text(rating.comment),
            "owners": followup.owners, "due_at": followup.due_at, "closed_at": followup.closed_at,
            "founded": followup.founded, "rectification": followup.rectification, "reply": followup.reply,
            "escalation_level": followup.escalation_level}  # fmt: skip
