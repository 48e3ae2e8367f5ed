"""问责 (有追究): from an accountability record or a complaint; the person concerned states his side
himself; no finding before every person concerned was heard; the outcome closes the record,
linked to the responsibility item and the case."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine import exceptions as exc
from engine import services
from engine.institution_models import AccountabilityOutcome
from engine.institutions import errors, wenze
from engine.models import AccountabilityRecord
from tests.processes.conftest import assert_closed, register_power
from tests.processes.institutions import complete_as, counts, procedure_driver

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(staff, township, t0):
    """An overdue record (超时) of the handler on a 光荣证 case, as the escalation writes it."""
    register_power("power_qr_03")
    case = services.start_case(process_id="power_qr_03", actor=staff["clerk"], organization=township, now=t0,
                               data={"applicant": "张三"})  # fmt: skip
    return AccountabilityRecord.objects.create(
        case=case, township=township, kind=AccountabilityRecord.Kind.OVERDUE, level=1, bpmn_id="handler_review",
        task_name="经办人初审", responsibility_code="ZR-13", handler_name="handler", notified=["handler"],
        due_at=t0 + timedelta(days=10), created_at=t0 + timedelta(days=11))  # fmt: skip


def start(record, **extra):
    return {"source": "accountability_record", "accountability_record": record.pk, "persons_concerned": ["handler"],
            "matter": "经办人初审超时", **extra}  # fmt: skip


def test_a_record_gets_its_outcome_after_the_person_stated_his_side(staff, township, t0, record):
    driver = procedure_driver("WZ-01", staff, township, t0, start=start(record))
    driver.run_until("finding")
    complete_as(driver, "hear_person", "handler")  # the person concerned, himself
    stated = driver.computed("hear_person")
    assert stated["stated_by"] == "handler" and stated["statement"].startswith("当时入户")
    data = assert_closed(driver.run(), approved=True)
    outcome = AccountabilityOutcome.objects.get()
    assert (outcome.person.username, outcome.outcome, outcome.accountability_record, outcome.subject_case) == (
        "handler", "criticism_education", record, record.case)
    assert outcome.responsibility_code == "ZR-13" and outcome.township == township
    assert data["outcome_record"] == outcome.pk and record.outcomes.get() == outcome


def test_no_finding_and_no_closing_before_the_person_is_heard(staff, township, t0, record):
    driver = procedure_driver("WZ-01", staff, township, t0, start=start(record))
    driver.run_until("finding")
    before = counts()
    with pytest.raises(errors.HearingRequired) as refused:
        complete_as(driver, "finding", "inspector")
    assert refused.value.code == "hearing_required" and refused.value.details["persons"] == ["handler"]
    assert counts() == before and wenze.unheard(driver.case) == ["handler"]
    assert not AccountabilityOutcome.objects.exists()


def test_only_the_person_concerned_states_his_side(staff, township, t0, record):
    driver = procedure_driver("WZ-01", staff, township, t0, start=start(record))
    driver.run_until("hear_person")
    before = counts()
    for other in ("inspector", "chief"):  # the task is his (assigned member), whatever posts the others hold
        with pytest.raises(exc.NotAssignedMember):
            complete_as(driver, "hear_person", other)
    with pytest.raises(exc.InvalidTaskData):  # spaces are not a statement
        complete_as(driver, "hear_person", "handler", {"statement": "   "})
    assert counts() == before


def test_a_sanction_proposal_names_the_county_referral(staff, township, t0, record):
    driver = procedure_driver("WZ-01", staff, township, t0, start=start(record),
                              decide_outcome={"outcome": "sanction_proposal"})  # fmt: skip
    driver.run_until("finding")
    complete_as(driver, "hear_person", "handler")
    item = driver.run_until("notify_person")
    before = counts()
    with pytest.raises(errors.ReferralRequired):
        driver.complete(item)
    assert counts() == before
    driver.complete(item, {**driver.answer(item), "county_referral_no": "乡纪函〔2026〕2号"})
    assert AccountabilityOutcome.objects.get().county_referral_no == "乡纪函〔2026〕2号"


def test_the_source_must_exist_in_the_township_and_the_persons_work_there(staff, township, t0, record):
    from engine.institutions.services import start_procedure

    register_power("proc_wz_01")
    before = counts()
    for data, error in ((start(record, accountability_record=record.pk + 99), errors.SourceNotFound),
                        (start(record, persons_concerned=["nobody"]), errors.PersonNotFound),
                        ({"source": "complaint", "complaint_number": "TS-0", "persons_concerned": ["handler"],
                          "matter": "x"}, errors.SourceNotFound)):  # fmt: skip
        with pytest.raises(error):
            start_procedure("WZ-01", actor=staff["inspector"], organization=township, now=t0, data=data)
    with pytest.raises(errors.ProcedureStarterRequired):
        start_procedure("WZ-01", actor=staff["chief"], organization=township, now=t0, data=start(record))
    assert counts() == before


def test_a_complaint_leads_to_an_outcome_linked_to_it_and_its_case(staff, township, t0, record):
    from engine import public

    complaint = public.file_complaint(kind="complaint", subject="经办人", case=record.case, content="多次往返",
                                      complainant_name="张三", complainant_contact="13800000000", now=t0)  # fmt: skip
    driver = procedure_driver("WZ-01", staff, township, t0, start={
        "source": "complaint", "complaint_number": complaint.number, "persons_concerned": ["handler"],
        "responsibility_code": "ZR-13", "matter": "群众投诉"})  # fmt: skip
    driver.run_until("finding")
    complete_as(driver, "hear_person", "handler")
    assert_closed(driver.run(), approved=True)
    outcome = AccountabilityOutcome.objects.get()
    assert (outcome.complaint, outcome.subject_case, outcome.accountability_record) == (complaint, record.case, None)


def test_each_person_sees_only_the_records_naming_him(staff, township, t0, record):
    from engine.institutions import oversight

    record.handler_name = "handler、station_head"
    record.save()
    assert [r.pk for r in oversight.own_records(staff["station_head"], [township.pk])["records"]] == [record.pk]
    assert [r.pk for r in oversight.own_records(staff["handler"], [township.pk])["records"]] == [record.pk]
    assert oversight.own_records(staff["clerk"], [township.pk])["records"] == []
    assert oversight.own_records(staff["handler"], [township.pk + 999])["records"] == []  # another township's


def test_the_record_shows_its_outcome(staff, township, t0, record):
    from api.serializers import AccountabilityRecordSerializer

    assert AccountabilityRecordSerializer(record).data["outcomes"] == []
    driver = procedure_driver("WZ-01", staff, township, t0, start=start(record))
    driver.run_until("finding")
    complete_as(driver, "hear_person", "handler")
    driver.run()
    shown = AccountabilityRecordSerializer(AccountabilityRecord.objects.get(pk=record.pk)).data["outcomes"]
    assert shown == [{"case_reference": driver.case.reference, "person": "handler", "outcome": "criticism_education",
                      "outcome_display": "批评教育"}]
