"""The permission matrix against the services themselves (no HTTP, no shell): every position
calls each service that changes a case; a refusal is raised by the service with its own code and
writes nothing (no case, audit event, conflict declaration or work-item change)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from engine import exceptions as exc
from engine import rule_errors
from engine import services
from engine.models import AuditEvent, Case, ConflictDeclaration, Organization, WorkItem
from tests.api.conftest import POSITION_USERS

pytestmark = pytest.mark.django_db

# written out here, not imported: the test states the rule the services must follow
STARTERS = {"window_clerk", "village_agent", "handler", "station_head"}
CANCELLERS = {"chief", "deputy", "administrator"}
CONFLICT_RECORDERS = {"chief", "deputy", "discipline_inspector", "station_head"}
REVIEWERS = {"station_head"}  # the lane of station_head_review on the mid-review case
OUTSIDER = "outsider"  # a user with no position anywhere
EVERYONE = [*POSITION_USERS, OUTSIDER]


def footprint() -> tuple:
    return (
        Case.objects.count(),
        AuditEvent.objects.count(),
        ConflictDeclaration.objects.count(),
        sorted(WorkItem.objects.values_list("task_id", "claimed_by_id")),
        sorted(Case.objects.values_list("pk", "status", "last_sequence")),
    )


def actor(demo, position: str):
    if position == OUTSIDER:
        return get_user_model().objects.get_or_create(username=OUTSIDER)[0]
    return demo.users[POSITION_USERS[position]]


def later(case: Case):
    return max(timezone.now(), case.last_event_at or case.started_at)


def attempt(demo, position: str, action: str):
    user = actor(demo, position)
    mid = demo.cases["mid_review"]
    township = Organization.objects.get(kind=Organization.Kind.TOWNSHIP, code="township")
    review = mid.work_items.get(bpmn_id="station_head_review").task_id
    if action == "start":
        return services.start_case(process_id="power_jf_01", actor=user, organization=township, now=timezone.now(),
                                   data={"applicant": "张三"}, power_code="JF-01")
    if action == "cancel":
        return services.cancel_case(mid.pk, actor=user, reason="测试撤销", now=later(mid))
    if action == "declare_conflict":
        return services.declare_conflict(mid.pk, user=demo.users["handler"], relation="relative", actor=user,
                                         now=later(mid))  # fmt: skip
    if action == "claim":
        return services.claim_task(mid.pk, task_id=review, actor=user, now=later(mid))
    if action == "message":
        notice = demo.cases["notice_period"]
        return services.send_message(notice.pk, name="objection", data={"content": "异议"}, actor=user,
                                     now=later(notice))  # fmt: skip
    raise AssertionError(action)


MATRIX = {
    "start": (STARTERS, "not_authorized"),
    "cancel": (CANCELLERS, "not_authorized"),
    "declare_conflict": (CONFLICT_RECORDERS, "not_authorized"),
    "claim": (REVIEWERS, "not_in_lane"),
    "message": (set(POSITION_USERS), "not_authorized"),  # staff of the township, or the public (no actor)
}


@pytest.mark.parametrize(
    ("position", "action"), [(p, a) for a in MATRIX for p in EVERYONE], ids=lambda v: str(v)
)
def test_the_service_decides(demo, position, action):
    allowed, refusal = MATRIX[action]
    before = footprint()
    if position in allowed:
        result = attempt(demo, position, action)
        assert isinstance(result, Case)
        assert footprint() != before
    else:
        with pytest.raises(exc.EngineError) as raised:
            attempt(demo, position, action)
        assert raised.value.code == refusal
        assert footprint() == before


def test_the_public_may_object_without_an_account(demo):
    notice = demo.cases["notice_period"]
    before = AuditEvent.objects.filter(case=notice).count()
    services.send_message(notice.pk, name="objection", data={"content": "异议"}, actor=None, now=later(notice))
    assert AuditEvent.objects.filter(case=notice).count() == before + 1


def test_an_inactive_account_loses_its_positions(demo):
    clerk = demo.users["window_clerk"]
    clerk.is_active = False
    clerk.save(update_fields=["is_active"])
    try:
        before = footprint()
        with pytest.raises(exc.NotAuthorized):
            attempt(demo, "window_clerk", "start")
        assert footprint() == before
    finally:
        clerk.is_active = True  # the shared in-memory user; the row is rolled back with the test


def test_the_first_responder_is_the_registering_user_not_a_form_field(demo):
    township = Organization.objects.get(kind=Organization.Kind.TOWNSHIP, code="township")
    clerk = demo.users["window_clerk"]
    case = services.start_case(process_id="power_jf_01", actor=clerk, organization=township, now=timezone.now(),
                               data={"applicant": "张三"}, power_code="JF-01")
    register = case.work_items.get(bpmn_id="register_application").task_id
    data = {"applicant": "张三", "applicant_contact": "13800000000", "application_channel": "窗口",
            "matter": "申请低保", "materials_received": ["申请书"]}  # fmt: skip
    before = footprint()
    with pytest.raises(rule_errors.ComputedField) as raised:
        services.complete_task(case.pk, task_id=register, actor=clerk, data={**data, "first_responder": "chief"},
                               now=timezone.now())  # fmt: skip
    assert "data.first_responder" in raised.value.fields
    assert footprint() == before
    case = services.complete_task(case.pk, task_id=register, actor=clerk, data=data, now=timezone.now())
    case.refresh_from_db()
    assert case.first_responder == clerk
    event = case.audit_events.get(sequence=2)
    assert event.payload["data"]["first_responder"] == "window_clerk"
