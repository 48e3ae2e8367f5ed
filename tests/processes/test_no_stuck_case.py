"""No typed value can leave a case stuck: whatever a window clerk puts in the start data and
whatever a recorder puts in the attendance record, the input is either refused with a code and
nothing written, or the case goes on with work that someone may do."""

from __future__ import annotations

import pytest
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from engine import exceptions as exc
from engine import rules, services
from engine.models import AuditEvent, Case, WorkItem
from tests.processes.conftest import MEMBERS, POWER_FORM_DATA, register_power

pytestmark = pytest.mark.django_db
FIXTURES_OK = settings(max_examples=25, deadline=None,
                       suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


class _Rollback(Exception):
    pass


def counts() -> tuple[int, int, int]:
    return Case.objects.count(), AuditEvent.objects.count(), WorkItem.objects.count()


KEYS = st.sampled_from(["applicant", "applicant_is_minor", "applicant_id_number", "applicant_birth_date", "matter",
                        *rules.RULE_KEYS, "anything"])  # fmt: skip
VALUES = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20),
                   st.lists(st.text(max_size=8), max_size=3),
                   st.fixed_dictionaries({"numerator": st.integers(-1, 5), "denominator": st.integers(-1, 5)}))


@FIXTURES_OK
@given(data=st.dictionaries(KEYS, VALUES, max_size=4))
@example(data={"applicant": "张三"})
def test_start_data_is_refused_or_the_case_waits_for_someone(staff, township, t0, data):
    register_power("power_cj_02")
    before = counts()
    try:
        with transaction.atomic():
            try:
                case = services.start_case(process_id="power_cj_02", actor=staff["clerk"], organization=township,
                                           now=t0, data=data)
            except exc.InvalidTaskData:
                assert counts() == before
                return
            assert WorkItem.objects.filter(case=case, lane__in=["窗口受理员"]).exists()
            raise _Rollback
    except _Rollback:
        pass


NAMES = [*MEMBERS, "handler", "recorder", "nobody"]
PEOPLE = st.lists(st.sampled_from(NAMES), unique=True, max_size=6)
REASONS = st.sampled_from(["出差", "", "   "])


@pytest.fixture
def at_the_meeting(drive):
    driver = drive("power_cj_02", mediation={"mediation_result": "failed"})
    return driver, driver.run_until("meeting_attendance")


@FIXTURES_OK
@given(present=PEOPLE, absent=PEOPLE, recused=PEOPLE, reason=REASONS,
       matter=st.sampled_from(["ordinary", "major", "appointment"]))
@example(present=list(MEMBERS), absent=[], recused=["carol"], reason="系当事人近亲属", matter="ordinary")
@example(present=["chief", "alice"], absent=["bob", "carol"], recused=[], reason="出差", matter="major")
def test_an_attendance_record_is_refused_or_every_stance_can_be_given(at_the_meeting, present, absent, recused,
                                                                       reason, matter):
    driver, item = at_the_meeting
    data = {**POWER_FORM_DATA["meeting_attendance"](driver, item), "attendees": present, "matter_type": matter,
            "absentees": [{"member": m, "reason": reason} for m in absent],
            "recused": [{"member": m, "reason": reason} for m in recused]}  # fmt: skip
    before = counts()
    try:
        with transaction.atomic():
            try:
                services.complete_task(driver.case.pk, task_id=item.task_id, actor=driver.staff["recorder"],
                                       data=data, now=driver.tick())
            except exc.EngineError as error:
                assert error.code != "process_error"
                assert counts() == before
                return
            ready = list(WorkItem.objects.filter(case=driver.case))
            assert ready, "the case waits for nothing"
            for work in ready:
                # each stance belongs to a member of the roster, who holds the position to give it
                assert work.bpmn_id in ("member_stance", "chief_stance", "reschedule_meeting"), work.bpmn_id
                if work.member:
                    assert work.member in MEMBERS and work.member not in recused
            raise _Rollback
    except _Rollback:
        pass
