"""Working-day deadlines (2026 National Day with its make-up days, New Year 2027 from the admin
table), the paused clock, status lights and escalation."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.core.management import call_command

from engine import selectors, services, workdays
from engine.models import AccountabilityRecord, AuditEvent, CalendarDay, Case, WorkItem
from engine.replay import replay_case
from tests.conftest import TZ, grant
from tests.engine.conftest import MEMBERS, Driver

pytestmark = pytest.mark.django_db


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def end_of(day: str) -> datetime:
    return at(f"{day}T23:59:59")


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        ("2026-09-29T09:00", 1, "2026-09-30"),
        ("2026-09-29T09:00", 2, "2026-10-08"),  # 10-01..10-07 are the National Day holiday
        ("2026-09-29T09:00", 3, "2026-10-09"),
        ("2026-09-29T09:00", 4, "2026-10-10"),  # Saturday 10-10 is a make-up working day
        ("2026-09-29T09:00", 5, "2026-10-12"),
        ("2026-09-18T09:00", 1, "2026-09-20"),  # Sunday 09-20 is a make-up working day
        ("2026-09-24T09:00", 1, "2026-09-28"),  # 09-25..09-27 Mid-Autumn
        ("2026-09-29T09:00", 0, "2026-09-29"),  # 即办件: the same day
    ],
)
def test_working_days_follow_the_2026_holiday_notice(start, days, due):
    assert workdays.add_limit(at(start), days, workdays.WORKING_DAY) == end_of(due)


def test_calendar_days_count_every_day():
    assert workdays.add_limit(at("2026-09-29T09:00"), 7, workdays.CALENDAR_DAY) == end_of("2026-10-06")


def test_new_year_2027_comes_from_the_admin_table(caplog):
    CalendarDay.objects.create(date=date(2027, 1, 1), is_workday=False, name="元旦")
    assert workdays.add_limit(at("2026-12-30T10:00"), 2, workdays.WORKING_DAY) == end_of("2027-01-04")


def test_a_year_without_the_notice_counts_the_statutory_holidays():
    # 2027 is not in the package: 元旦 and 春节 (除夕 02-05 Fri to 02-08 Mon) by law, lunar dates computed
    assert workdays.add_limit(at("2026-12-30T10:00"), 2, workdays.WORKING_DAY) == end_of("2027-01-04")
    assert workdays.add_limit(at("2027-02-04T10:00"), 1, workdays.WORKING_DAY) == end_of("2027-02-09")


def test_working_days_between_skips_the_holiday():
    assert workdays.working_days_between(at("2026-09-29T09:00"), at("2026-10-09T09:00")) == 3


@pytest.fixture
def timed_case(sample_definition, township, people):
    start = at("2026-09-29T09:00")
    case = services.start_case(process_id="sample_approval", actor=people["clerk"], organization=township, now=start,
                               data={"members": MEMBERS},
                               limits={"promised": {"value": 3, "unit": "working_day"},
                                       "legal": {"value": 5, "unit": "working_day"}})  # fmt: skip
    return Driver(case, people, start)


def test_case_and_work_item_deadlines_come_from_the_limits(timed_case):
    case = timed_case.case
    assert (case.due_at, case.legal_due_at) == (end_of("2026-10-09"), end_of("2026-10-12"))
    assert WorkItem.objects.get(case=case, bpmn_id="accept").due_at == end_of("2026-09-30")  # its own 1WD


def test_waiting_for_corrections_does_not_count(timed_case):
    timed_case.complete("clerk", "accept", {"materials_complete": False, "applicant": "张三"})
    assert Case.objects.get(pk=timed_case.case.pk).paused_since is not None
    timed_case.now = at("2026-10-09T10:00")  # three working days later the materials arrive
    timed_case.complete("clerk", "request_correction", {"missing_items": ["户口簿"]})
    case = Case.objects.get(pk=timed_case.case.pk)
    assert case.paused_since is None and case.paused_working_days == 3
    assert case.due_at == end_of("2026-10-13")  # 3 + 3 working days from 09-29, Saturday 10-10 included


@pytest.mark.parametrize(
    ("now", "light"),
    [("2026-09-29T10:00", "green"), ("2026-10-08T10:00", "yellow"), ("2026-10-10T10:00", "red"),
     ("2026-10-13T10:00", "black")],
)  # fmt: skip
def test_status_lights_follow_the_promised_and_legal_limits(timed_case, now, light):
    case = timed_case.case
    assert selectors.light(due_at=case.due_at, legal_due_at=case.legal_due_at, now=at(now)) == light
    found = selectors.filter_by_light(Case.objects.all(), light, now=at(now))
    assert list(found) == [case]
    others = [x for x in selectors.LIGHTS if x != light]
    assert all(not selectors.filter_by_light(Case.objects.all(), x, now=at(now)).exists() for x in others)


def test_an_overdue_task_escalates_from_handler_to_station_head_to_inspector(timed_case, make_user, township):
    inspector = make_user("inspector")
    head = make_user("head")
    grant(inspector, "discipline_inspector", township)
    grant(head, "station_head", township)
    case = timed_case.case
    assert services.escalate_overdue(now=at("2026-09-30T12:00")) == 0  # due at the end of 09-30
    assert services.escalate_overdue(now=at("2026-10-08T09:00")) == 1
    assert services.escalate_overdue(now=at("2026-10-08T09:30")) == 0  # idempotent
    call_command("run_timers", "--once")  # today (after 2026-10) is past every level
    records = list(AccountabilityRecord.objects.filter(case=case).order_by("level"))
    assert [(r.level, r.kind, r.notified) for r in records] == [
        (1, "overdue", ["clerk"]), (2, "overdue", ["head"]), (3, "long_delay", ["inspector"])]
    assert records[0].handler_name == "clerk" and records[0].station_head_name == "head"
    events = AuditEvent.objects.filter(case=case, kind=AuditEvent.Kind.DEADLINE_ESCALATED)
    assert [e.payload["level"] for e in events.order_by("sequence")] == [1, 2, 3]
    assert replay_case(Case.objects.get(pk=case.pk)).ok
    assert services.escalate_overdue(now=at("2026-12-01T09:00")) == 0


def test_run_timers_fires_a_due_notice_period(driver):
    driver.to_notice()
    call_command("run_timers", "--once")  # the sample's notice ends 7 days after March 2026
    case = Case.objects.get(pk=driver.case.pk)
    assert list(WorkItem.objects.filter(case=case).values_list("bpmn_id", flat=True)) == ["file_it"]
    assert case.audit_events.filter(kind=AuditEvent.Kind.TIMER_FIRED).count() == 1
    call_command("run_timers", "--once")
    assert case.audit_events.filter(kind=AuditEvent.Kind.TIMER_FIRED).count() == 1




def test_paused_cases_are_filtered_by_the_light_they_stopped_at(timed_case):
    """The SQL for paused rows picks exactly those whose light, computed row by row, is the one asked."""
    import random
    import uuid

    source = timed_case.case
    rng = random.Random(7)
    base = at("2026-09-29T10:00")
    rows = []
    for _ in range(120):
        copy = Case(**{f.attname: getattr(source, f.attname) for f in Case._meta.concrete_fields})
        copy.id, copy.reference = uuid.uuid4(), f"P-{uuid.uuid4().hex[:10]}"
        copy.paused_since = base + timedelta(hours=rng.randrange(-24 * 60, 24 * 60))
        copy.due_at = rng.choice([None, base + timedelta(hours=rng.randrange(-24 * 90, 24 * 90))])
        copy.legal_due_at = rng.choice([None, base + timedelta(hours=rng.randrange(-24 * 90, 24 * 120))])
        rows.append(copy)
    Case.objects.bulk_create(rows)
    seen = set()
    for now in (base, base + timedelta(days=20), base - timedelta(days=30)):
        paused = Case.objects.filter(paused_since__isnull=False)
        expected = {lit: set() for lit in selectors.LIGHTS}
        for case in paused:
            expected[selectors.light(due_at=case.due_at, legal_due_at=case.legal_due_at, now=now,
                                     paused_since=case.paused_since)].add(case.pk)  # fmt: skip
        for lit in selectors.LIGHTS:
            found = set(selectors.filter_by_light(paused, lit, now=now).values_list("pk", flat=True))
            assert found == expected[lit], lit
            seen.update({lit} if found else set())
    assert seen == set(selectors.LIGHTS)  # every light occurs
