"""Positions held by staff, with the 五不直接分管 rule."""

from __future__ import annotations

import logging

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from engine import exceptions as exc
from engine import rules
from engine.models import Assignment, Organization

logger = logging.getLogger(__name__)


@transaction.atomic
def assign_position(
    *, user: AbstractBaseUser, position_code: str, organization: Organization, areas: list[str] | tuple = ()
) -> tuple[Assignment, list[str]]:
    """Give a user a position; a deputy (分管领导) also gets the areas he supervises.

    五不直接分管: the chief may not supervise 财务, 人事, 工程项目, 行政审批 or 物资采购, whether
    named as areas or carried by the powers of the unit he would supervise. Returns the
    assignment and warnings (one deputy holding all five areas).

    Raises:
        ChiefNotDirectHandler.
    """
    from processes.models import Position, Power

    position = Position.objects.filter(code=position_code).first()
    if position is None:
        raise exc.PositionNotFound(position=position_code)
    unit_areas = set()
    for tags in Power.objects.filter(handling_unit=organization.name, is_active=True).values_list("five_areas", flat=True):
        unit_areas.update(tags or ())
    supervised = (set(areas) | (unit_areas if position_code == "deputy" else set())) & set(rules.FIVE_AREAS)
    is_chief = position_code == rules.CHIEF or Assignment.objects.filter(user=user, position__code=rules.CHIEF).exists()
    if supervised and is_chief:
        raise exc.ChiefNotDirectHandler(areas=sorted(supervised))
    if position_code == rules.CHIEF and Assignment.objects.filter(user=user, position__code="deputy").exclude(
        areas=[]
    ).exists():
        held = set()
        for other in Assignment.objects.filter(user=user, position__code="deputy"):
            held.update(other.areas or ())
        if held & set(rules.FIVE_AREAS):
            raise exc.ChiefNotDirectHandler(areas=sorted(held & set(rules.FIVE_AREAS)))
    assignment = Assignment.objects.create(user=user, position=position, organization=organization, areas=list(areas))
    held_areas: set[str] = set()
    for other in Assignment.objects.filter(user=user, position__code="deputy"):
        held_areas.update(other.areas or ())
    warnings = []
    if set(rules.FIVE_AREAS) <= held_areas:
        warnings.append(f"{user.get_username()} 一人分管了全部五个领域（{'、'.join(rules.FIVE_AREAS)}），原则上应分设")
        logger.warning(warnings[-1])
    return assignment, warnings
