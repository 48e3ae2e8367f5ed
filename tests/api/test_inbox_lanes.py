"""The inbox's lane conditions, with the posts of one position in several stations merged into one
condition, select exactly what one condition per post selects."""

from __future__ import annotations

from functools import reduce
from operator import or_

import pytest
from django.db.models import Q

from engine.access import inbox, scope_of
from engine.models import Assignment, Case, Organization, WorkItem
from processes.models import Position

pytestmark = pytest.mark.django_db


def one_condition_per_post(user) -> set:
    scope = scope_of(user)
    lanes = []
    for assignment in scope.assignments:
        if assignment.township_id is None:
            continue
        lane = Q(lane__in=[assignment.position.code, assignment.position.name],
                 case__organization_id__in=scope.ancestors(assignment.organization_id),
                 case__township_id=assignment.township_id)  # fmt: skip
        if assignment.organization.kind == Organization.Kind.STATION:
            lane &= Q(case__handling_unit__isnull=True) | Q(case__handling_unit_id=assignment.organization_id)
        lanes.append(lane)
    pool = Q(claimed_by__isnull=True, member="") & reduce(or_, lanes) if lanes else Q(pk__in=[])
    mine = Q(claimed_by=user) | Q(member=user.get_username(), claimed_by__isnull=True)
    found = WorkItem.objects.filter(mine | pool, case__status=Case.Status.RUNNING,
                                    case__township_id__in=scope.township_ids)  # fmt: skip
    return set(found.values_list("pk", flat=True))


def test_merged_station_posts_select_what_each_post_selects(demo):
    township = Organization.objects.get(code="township")
    stations = list(Organization.objects.filter(parent=township, kind=Organization.Kind.STATION).order_by("pk"))
    assert len(stations) >= 3
    # cases filed at a station, handled by it, by another one, or by none
    running = list(Case.objects.filter(township=township, status=Case.Status.RUNNING).order_by("pk"))
    for i, case in enumerate(running):
        organization = stations[i % 3] if i % 2 else township
        unit = [None, stations[0], stations[1], stations[i % 3]][i % 4]
        Case.objects.filter(pk=case.pk).update(organization=organization, handling_unit=unit)
    WorkItem.objects.filter(case__in=running).update(claimed_by=None, member="")
    lane_item = WorkItem.objects.filter(case__in=running, lane__in=["站所负责人", "经办人"]).order_by("pk").first()
    Case.objects.filter(pk=lane_item.case_id).update(organization=stations[0], handling_unit=None)
    handler = demo.users["handler"]
    for position in Position.objects.filter(code__in=["station_head", "handler"]):
        for station in stations[:3]:
            Assignment.objects.get_or_create(user=handler, position=position, organization=station)
    for user in demo.users.values():
        user.__dict__.pop("_api_scope", None)  # the posts just granted
        assert set(inbox(user).values_list("pk", flat=True)) == one_condition_per_post(user), user.username
    assert inbox(handler).filter(case__organization__in=stations).exists()  # the station branch is exercised
