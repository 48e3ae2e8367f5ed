"""四谈话: the discipline inspector records each talk (kind, date, people, subject, summary,
follow-up); a follow-up is a step of its own; only the inspector starts one."""

from __future__ import annotations

import io

import pytest

from engine.institutions import errors, talks
from engine.institutions.services import start_procedure
from tests.processes.conftest import assert_closed, register_power
from tests.processes.institutions import counts, procedure_driver

pytestmark = pytest.mark.django_db


def test_each_kind_of_talk_is_recorded_and_followed_up(staff, township, t0):
    for kind in ("daily_education", "inquiry", "pre_appointment", "admonishment"):
        driver = procedure_driver("TH-01", staff, township, t0, start={"talk_kind": kind, "persons": ["handler"]},
                                  record_talk={"talk_kind": kind, "follow_up_needed": kind == "admonishment"})
        assert_closed(driver.run(), approved=True)
        assert ("follow_up" in driver.completed_ids()) == (kind == "admonishment")
    records = talks.talk_records(township.pk)
    assert sorted(r["talk_kind"] for r in records) == ["admonishment", "daily_education", "inquiry", "pre_appointment"]
    assert all(r["persons"] == ["handler"] and r["summary"] for r in records)
    assert len(talks.talks_with(township.pk, "handler")) == 4 and talks.talks_with(township.pk, "alice") == []


def test_only_the_discipline_inspector_records_talks_with_staff_of_the_township(staff, township, t0):
    register_power("proc_th_01")
    before = counts()
    with pytest.raises(errors.ProcedureStarterRequired):
        start_procedure("TH-01", actor=staff["chief"], organization=township, now=t0,
                        data={"talk_kind": "inquiry", "persons": ["handler"]})  # fmt: skip
    with pytest.raises(errors.PersonNotFound):
        start_procedure("TH-01", actor=staff["inspector"], organization=township, now=t0,
                        data={"talk_kind": "inquiry", "persons": ["stranger"]})  # fmt: skip
    assert counts() == before


def test_the_procedures_have_wall_posters_and_risk_maps(db, tmp_path):
    from django.core.management import call_command

    call_command("load_catalog", stdout=io.StringIO())
    call_command("render_flowcharts", "--procedures", "--kind", "poster", "--format", "svg", "--out", str(tmp_path),
                 "--public-base", "https://xiang.example.gov.cn/", stdout=io.StringIO())  # fmt: skip
    call_command("render_flowcharts", "--power", "SZ-04", "--kind", "risk", "--format", "svg", "--out", str(tmp_path),
                 "--public-base", "https://xiang.example.gov.cn/", stdout=io.StringIO())  # fmt: skip
    names = sorted(p.name for p in tmp_path.iterdir())
    # a flow too tall for one sheet continues on numbered sheets (-p1, -p2 …) rather than shrinking
    drawn = {(n.split("-")[0] + "-" + n.split("-")[1], n.split("-")[2]) for n in names}
    assert drawn == {(c, "poster") for c in ("SZ-01", "SZ-02", "SZ-03", "SZ-04", "SY-01", "WZ-01", "TH-01")} | {
        ("SZ-04", "risk")}  # fmt: skip
    poster = "".join(p.read_text(encoding="utf-8") for p in sorted(tmp_path.glob("SY-01-poster-A3*.svg")))
    assert "村民委员会组织法" in poster and "条号待核" in poster and "决议公开" in poster


def test_a_procedure_started_through_start_case_keeps_its_starters_and_its_limit(staff, township, t0):
    from engine import services

    register_power("proc_th_01")
    before = counts()
    with pytest.raises(errors.ProcedureStarterRequired):  # the same rule on every route
        services.start_case(process_id="proc_th_01", power_code="TH-01", actor=staff["clerk"], organization=township,
                            now=t0, data={"talk_kind": "inquiry", "persons": ["handler"]})  # fmt: skip
    assert counts() == before
    case = services.start_case(process_id="proc_th_01", power_code="TH-01", actor=staff["inspector"],
                               organization=township, now=t0, data={"talk_kind": "inquiry", "persons": ["handler"]})
    assert case.promised_limit == {"value": 15, "unit": "working_day"} and case.due_at is not None
