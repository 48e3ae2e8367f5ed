"""One clock: every live input takes the server's time; no interface accepts a time of its own,
per case event times never go back, and verify_audit names the sequence where they do."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import pytest
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from engine import audit, clock, services
from engine import exceptions as exc
from engine.models import AuditEvent, Case, Timer
from tests.conftest import TZ
from tests.engine.conftest import MEMBERS, task_id

pytestmark = pytest.mark.django_db


def footprint(case: Case) -> tuple:
    case.refresh_from_db()
    return AuditEvent.objects.filter(case=case).count(), case.last_sequence, case.state_hash, Timer.objects.count()


# --- the interfaces take no time ----------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["case", "start", "--process", "sample_approval", "--as", "clerk", "--at", "2026-01-01T09:00:00+08:00"],
        ["case", "complete", "{case}", "accept", "--as", "clerk", "--at", "2026-01-01T09:00:00+08:00"],
        ["case", "claim", "{case}", "accept", "--as", "clerk", "--at", "2027-01-01T09:00:00+08:00"],
        ["case", "message", "{case}", "--name", "objection", "--at", "2026-01-01T09:00:00+08:00"],
        ["case", "cancel", "{case}", "--reason", "x", "--as", "chief", "--at", "2026-01-01T09:00:00+08:00"],
        ["run_timers", "--at", "2027-01-01T09:00:00+08:00"],
    ],
    ids=["start", "complete", "claim", "message", "cancel", "run_timers"],
)
def test_no_shell_command_accepts_a_time(sample_case, argv):
    before = footprint(sample_case)
    cases = Case.objects.count()
    with pytest.raises(CommandError, match="--at"):
        call_command(*[a.format(case=sample_case.pk) for a in argv], stdout=io.StringIO(), stderr=io.StringIO())
    assert footprint(sample_case) == before and Case.objects.count() == cases


def test_the_shell_acts_at_the_servers_clock(sample_definition, township, people, settings):
    settings.DEBUG = True
    settings.ENGINE_CLOCK_FROZEN = "2026-09-29T09:00:00+08:00"
    call_command("case", "start", "--process", "sample_approval", "--as", "clerk",
                 "--data", '{"members": ["alice", "bob", "carol"]}', stdout=io.StringIO())  # fmt: skip
    case = Case.objects.get()
    assert case.started_at == datetime(2026, 9, 29, 9, 0, tzinfo=TZ)
    settings.ENGINE_CLOCK_OFFSET = "PT10M"
    call_command("case", "complete", str(case.pk), "accept", "--as", "clerk",
                 "--data", '{"materials_complete": true, "applicant": "张三"}', stdout=io.StringIO())  # fmt: skip
    assert case.audit_events.get(sequence=2).at == datetime(2026, 9, 29, 9, 10, tzinfo=TZ)


def test_the_api_records_the_servers_time_whatever_the_body_says(sample_definition, township, people, settings):
    from rest_framework.test import APIClient

    settings.DEBUG = True
    settings.ENGINE_CLOCK_FROZEN = "2026-09-29T09:00:00+08:00"
    case = services.start_case(process_id="sample_approval", actor=people["clerk"], organization=township,
                               now=clock.now(), data={"members": MEMBERS})  # fmt: skip
    client = APIClient()
    client.force_authenticate(people["clerk"])
    settings.ENGINE_CLOCK_OFFSET = "PT5M"
    response = client.post(
        f"/api/cases/{case.pk}/tasks/{task_id(case, 'accept')}/complete/",
        {"data": {"materials_complete": True, "applicant": "张三"}, "at": "2020-01-01T00:00:00+08:00",
         "now": "2020-01-01T00:00:00+08:00"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 200, response.content
    assert case.audit_events.get(sequence=2).at == datetime(2026, 9, 29, 9, 5, tzinfo=TZ)


def test_a_moved_clock_is_refused_with_debug_off(settings):
    settings.DEBUG = False
    settings.ENGINE_CLOCK_OFFSET = "P8D"
    with pytest.raises(ImproperlyConfigured):
        clock.now()
    assert "engine.E001" in {m.id for m in run_checks()}
    settings.ENGINE_CLOCK_OFFSET = None
    assert "engine.E001" not in {m.id for m in run_checks()}


def test_a_moved_clock_runs_with_debug_on(settings):
    settings.DEBUG = True
    settings.ENGINE_CLOCK_OFFSET = "P8D"
    assert clock.now() - clock.wall() > timedelta(days=7, hours=23)


# --- the services refuse a time behind the record -------------------------------------------------


@pytest.mark.parametrize("action", ["complete", "claim", "cancel", "message", "conflict", "timers", "escalate"])
def test_a_service_refuses_a_time_behind_the_case(driver, people, action):
    case = driver.to_chief()
    before = footprint(case)
    earlier = driver.now - timedelta(hours=1)
    calls = {
        "complete": lambda: services.complete_task(case.pk, task_id=task_id(case, "chief_decision"),
                                                   actor=people["chief"], data={"approved": True}, now=earlier),
        "claim": lambda: services.claim_task(case.pk, task_id=task_id(case, "chief_decision"), actor=people["chief"],
                                             now=earlier),
        "cancel": lambda: services.cancel_case(case.pk, actor=people["chief"], reason="x", now=earlier),
        "message": lambda: services.send_message(case.pk, name="other", data={}, actor=None, now=earlier),
        "conflict": lambda: services.declare_conflict(case.pk, user=people["bob"], relation="relative",
                                                      actor=people["chief"], now=earlier),
        "timers": lambda: services.fire_case_timers(case.pk, now=earlier),
        "escalate": lambda: services.escalate_case(case.pk, now=earlier),
    }  # fmt: skip
    Case.objects.filter(pk=case.pk).update(next_timer_due=earlier - timedelta(days=1))  # as if a timer were due
    if action in ("timers", "escalate"):
        case.refresh_from_db()
    with pytest.raises(exc.ClockBehindRecord):
        calls[action]()
    Case.objects.filter(pk=case.pk).update(next_timer_due=None)
    assert footprint(case) == before


def test_an_input_that_waited_for_the_lock_is_recorded_at_the_last_events_time(driver, people):
    """Inputs read the clock before they wait for the case's lock: a few seconds' skew is recorded at
    the time of the event just written, so times never decrease."""
    case = driver.to_chief()
    last = case.last_event_at
    case = services.complete_task(case.pk, task_id=task_id(case, "chief_decision"), actor=people["chief"],
                                  data={"approved": True}, now=last - timedelta(seconds=3))  # fmt: skip
    assert case.audit_events.get(sequence=case.last_sequence).at == last
    assert audit.verify_case(case).ok


def test_the_timer_worker_skips_a_case_whose_record_is_ahead(driver):
    case = driver.to_notice()
    due = case.next_timer_due
    assert due is not None
    Case.objects.filter(pk=case.pk).update(last_event_at=due + timedelta(days=30))
    before = footprint(case)
    assert services.fire_due_timers(now=due + timedelta(minutes=1)) == 0
    assert footprint(case) == before


# --- verify_audit -------------------------------------------------------------------------------


def test_verify_audit_names_the_sequence_where_time_goes_back(driver, capsys):
    case = driver.to_chief()
    # someone writes behind the services, re-hashing so the chain itself still links
    audit.append_event(case, kind=AuditEvent.Kind.MESSAGE_RECEIVED, actor=None, actor_name="system",
                       at=driver.now - timedelta(hours=1), payload={"name": "x"}, state_hash=case.state_hash)  # fmt: skip
    case.save(update_fields=["last_sequence", "last_hash"])
    report = audit.verify_case(Case.objects.get(pk=case.pk))
    assert (report.ok, report.first_bad_sequence) == (False, 7)
    assert "时间倒退" in report.problem
    with pytest.raises(CommandError):
        call_command("verify_audit")
    assert "第 7 条" in capsys.readouterr().err


def test_an_event_before_the_cases_start_is_named(driver):
    case = driver.to_chief()
    Case.objects.filter(pk=case.pk).update(started_at=driver.now)  # the start moved after its events
    report = audit.verify_case(Case.objects.get(pk=case.pk))
    assert (report.ok, report.first_bad_sequence) == (False, 1)
    assert "时间倒退" in report.problem


def test_an_inserted_event_is_called_inserted_not_deleted(driver):
    case = driver.to_chief()
    head = Case.objects.get(pk=case.pk)
    audit.append_event(case, kind=AuditEvent.Kind.MESSAGE_RECEIVED, actor=None, actor_name="system",
                       at=driver.tick(), payload={"name": "x"}, state_hash=case.state_hash)  # fmt: skip
    report = audit.verify_case(head)  # the head still says 6 events
    assert (report.ok, report.first_bad_sequence) == (False, 7)
    assert "插入" in report.problem and "删除" not in report.problem
