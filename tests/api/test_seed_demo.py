"""seed_demo: the demo township, its users with fixed tokens, real cases in several states; idempotent."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.authtoken.models import Token

from engine.models import (
    AccountabilityRecord,
    Assignment,
    AuditEvent,
    Case,
    Complaint,
    Organization,
    WorkItem,
)
from processes.models import Power

pytestmark = pytest.mark.django_db


def footprint() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Organization,
            Assignment,
            Token,
            Case,
            AuditEvent,
            WorkItem,
            Complaint,
            AccountabilityRecord,
        )
    }


def test_running_seed_demo_twice_changes_nothing(demo):
    before = footprint()
    call_command("seed_demo", allow_production=True, stdout=io.StringIO())
    assert footprint() == before


def test_stations_are_named_exactly_as_the_handling_units(demo):
    stations = set(Organization.objects.filter(kind="station").values_list("name", flat=True))
    assert stations == set(Power.objects.active().values_list("handling_unit", flat=True))
    assert set(Organization.objects.filter(kind="village").values_list("name", flat=True)) == {
        "东村",
        "西村",
        "南村",
    }


def test_every_position_has_a_user_with_a_fixed_token(demo):
    positions = set(Assignment.objects.values_list("position__code", flat=True))
    assert len(positions) == 12
    assert Token.objects.get(user__username="discipline_inspector").key == "demo-discipline_inspector"
    assert Assignment.objects.filter(position__code="committee_member").count() >= 3


def test_the_deputy_supervises_the_five_areas_and_the_chief_none(demo):
    assert Assignment.objects.get(user__username="deputy", position__code="deputy").areas == [
        "财务",
        "行政审批",
    ]
    assert all(not a.areas for a in Assignment.objects.filter(user__username="chief"))


def test_the_demo_cases_are_in_their_states(demo):
    status = {key: Case.objects.get(pk=case.pk).status for key, case in demo.cases.items()}
    assert status == {
        "just_started": "running",
        "mid_review": "running",
        "notice_period": "running",
        "minor_notice": "running",
        "completed": "completed",
        "overdue": "running",
        "cancelled": "cancelled",
    }
    assert demo.cases["notice_period"].timers.filter(status="pending", bpmn_id="notice_period").exists()


def test_seed_demo_refuses_to_run_with_debug_off(demo):
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", stdout=io.StringIO())
