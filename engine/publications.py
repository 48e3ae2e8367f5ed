"""三务公开: the township's register of 党务、政务、财务 items (quarterly village finance statements,
project spending, personnel decisions…) with content, attachments, period, who registered and who
approved it; an approved item is on the public site until its `display_until` day, then in the
archive. A finance item at or above the 三重一大 threshold is linked to its SZ-04 decision: the one
named, or the only completed decision of the township for that amount; an item with none is shown
as such (未关联“三重一大”决策)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from engine import authority
from engine import exceptions as exc
from engine import public_errors as err
from engine.institutions import errors as institution_errors
from engine.institutions import sanzhong
from engine.models import Case, Organization
from engine.public_models import Publication

REGISTRARS = frozenset({"recorder", "deputy", "chief"})
APPROVERS = frozenset({"deputy", "chief"})
DEFAULT_DISPLAY_DAYS = 90  # 村务公开 at least quarterly (村民委员会组织法 第三十条)


def _require(actor: AbstractBaseUser, township_id: int, wanted: frozenset[str], action: str) -> None:
    from engine.townships import check_township_member

    check_township_member(actor, township_id, not_found=exc.OrganizationNotFound(organization=str(township_id)))
    if not authority.position_codes(actor, authority._scope(township_id)) & wanted:
        raise exc.NotAuthorized(action=action, required=sorted(wanted))


def _amount(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation as error:
        raise err.TextRequired(field="amount") from error


def _sanzhong_case(township_id: int, amount: Decimal | None, reference: str) -> Case | None:
    """The SZ-04 decision a finance item links to (named: checked; else the only one for that amount)."""
    if reference:
        allowed = sanzhong.decided_amount(reference, township_id)
        if allowed is None or (amount is not None and Decimal(str(allowed)) < amount):
            raise institution_errors.SanzhongDecisionNotFound(reference=reference, amount=str(amount or ""))
        return Case.objects.get(reference=reference)
    if amount is None or not sanzhong.is_large(float(amount), township_id):
        return None
    candidates = Case.objects.filter(township_id=township_id, definition__process_id=sanzhong.FUND_PROCESS,
                                     status=Case.Status.COMPLETED)  # fmt: skip
    found = [c for c in candidates if sanzhong.decided_amount(c.reference, township_id) == float(amount)]
    return found[0] if len(found) == 1 else None


@transaction.atomic
def register_publication(
    *, actor: AbstractBaseUser, township: Organization, category: str, title: str, content: str, period: str,
    attachments: Sequence[Mapping[str, str]] = (), amount: Any = None, sanzhong_reference: str = "",
    display_until: date | None = None, now: datetime,
) -> Publication:  # fmt: skip
    """Register an item for publication (not public until approved).

    Raises: NotAuthorized (not the office or a leader), OrganizationNotFound (another township),
    PublicationCategoryInvalid, TextRequired, SanzhongDecisionNotFound (a named decision that is not one).
    """
    _require(actor, township.pk, REGISTRARS, "register_publication")
    if category not in Publication.Category.values:
        raise err.PublicationCategoryInvalid(category=category)
    for name, value, label in (("title", title, "标题"), ("content", content, "内容"), ("period", period, "所属期间")):
        if not str(value or "").strip():
            raise err.TextRequired(field=name)
    value = _amount(amount)
    linked = _sanzhong_case(township.pk, value, sanzhong_reference.strip()) if category == "finance" else None
    return Publication.objects.create(
        township_id=township.pk, category=category, title=title.strip(), content=content.strip(),
        attachments=[{"name": str(a.get("name", "")), "ref": str(a.get("ref", ""))} for a in attachments],
        period=period.strip(), amount=value, sanzhong_case=linked, registered_by=actor, registered_at=now,
        display_until=display_until,
    )  # fmt: skip


@transaction.atomic
def approve_publication(publication_id: int, *, actor: AbstractBaseUser, now: datetime) -> Publication:
    """A leader other than the registrar approves: the item goes public now.

    Raises: PublicationNotFound (also another township's), NotAuthorized, ProposerCannotApprove,
    PublicationAlreadyApproved.
    """
    from engine.townships import check_township_member

    item = Publication.objects.select_for_update().filter(pk=publication_id).first()
    if item is None:
        raise err.PublicationNotFound(publication_id=publication_id)
    check_township_member(actor, item.township_id, not_found=err.PublicationNotFound(publication_id=publication_id))
    _require(actor, item.township_id, APPROVERS, "approve_publication")
    if item.approved_at is not None:
        raise err.PublicationAlreadyApproved(publication_id=publication_id)
    if item.registered_by_id == actor.pk:
        raise exc.ProposerCannotApprove(change_set=f"P{item.pk}")
    item.approved_by, item.approved_at = actor, now
    if item.display_until is None:
        item.display_until = timezone.localdate(now) + timedelta(days=DEFAULT_DISPLAY_DAYS)
    item.save()
    return item


def published(*, township_id: int, on: date, archive: bool = False, category: str = "") -> QuerySet[Publication]:
    """Approved items on the board on a day (or, with `archive`, those whose display has ended)."""
    query = Publication.objects.filter(township_id=township_id, approved_at__isnull=False)
    on_board = Q(display_until__isnull=True) | Q(display_until__gte=on)
    query = query.exclude(on_board) if archive else query.filter(on_board)
    if category:
        query = query.filter(category=category)
    return query.select_related("sanzhong_case", "approved_by").order_by("-approved_at", "-id")


def needs_sanzhong(item: Publication) -> bool:
    """A finance item at or above the township's threshold."""
    return item.category == "finance" and item.amount is not None and sanzhong.is_large(float(item.amount),
                                                                                          item.township_id)
