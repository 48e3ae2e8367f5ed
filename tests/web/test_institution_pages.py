"""Pages of the institutions: accountability outcomes and talk records for the inspector and the
leaders; each person's own records, with the statement waiting for him as a task he opens."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


@pytest.fixture
def institutions(demo):
    call_command("seed_institutions", allow_production=True, stdout=io.StringIO())


def text(response) -> str:
    return response.content.decode("utf-8")


def test_talks_and_outcomes_for_the_inspector_and_the_leaders_only(login, institutions):
    talks = login("discipline_inspector").get("/inspect/talks/")
    assert talks.status_code == 200 and "民政资金发放廉政提醒" in text(talks) and "日常教育谈话" in text(talks)
    assert login("chief").get("/inspect/outcomes/").status_code == 200
    for page in ("/inspect/talks/", "/inspect/outcomes/"):
        assert login("handler").get(page).status_code == 403


def test_the_person_concerned_sees_his_own_records_and_the_statement_waiting_for_him(login, institutions, demo):
    mine = text(login("handler").get("/work/mine/"))
    assert "待我陈述和申辩" in mine and "陈述和申辩</a>" in mine and "民政资金发放廉政提醒" in mine
    other = text(login("window_clerk").get("/work/mine/"))
    assert "没有待陈述的问责案件" in other and "民政资金发放廉政提醒" not in other
    link = mine.split('href="/work/cases/', 1)[1].split('"', 1)[0]
    assert login("handler").get("/work/cases/" + link).status_code == 200  # the statement form opens for him


def test_a_statement_through_the_page_lets_the_finding_follow(login, institutions):
    from engine.institutions import wenze
    from engine.models import Case

    client = login("handler")
    mine = text(client.get("/work/mine/"))
    path = "/work/cases/" + mine.split('href="/work/cases/', 1)[1].split('"', 1)[0]
    form = client.get(path)
    assert form.status_code == 200
    posted = client.post(path, {"statement": "当时同事请假，已补做复核"})
    assert posted.status_code in (200, 302)
    case = Case.objects.get(power_code="WZ-01")
    assert wenze.unheard(case) == []


def test_the_inspector_arranges_a_talk_and_starts_accountability_from_the_pages(login, demo):
    from engine.models import AccountabilityRecord, Case

    inspector = login("discipline_inspector")
    page = text(inspector.get("/inspect/talks/"))
    assert 'data-test="start-talk"' in page
    made = inspector.post("/inspect/talks/new/", {"talk_kind": "inquiry", "persons": "handler"})
    case = Case.objects.filter(power_code="TH-01").latest("started_at")
    assert made.status_code == 302 and made["Location"] == f"/work/cases/{case.pk}/"
    assert [i.bpmn_id for i in case.work_items.all()] == ["record_talk"]
    record = AccountabilityRecord.objects.filter(township__code="township").first()
    listed = text(inspector.get("/inspect/accountability/"))
    assert "未结案" in listed
    started = inspector.post("/inspect/outcomes/new/", {"source": "accountability_record", "reference": str(record.pk),
                                                        "persons": "handler", "matter": "久拖不办"})  # fmt: skip
    assert started.status_code == 302 and Case.objects.filter(power_code="WZ-01").exists()
    refused = login("chief").post("/inspect/talks/new/", {"talk_kind": "inquiry", "persons": "handler"})
    assert refused.status_code == 403  # only the inspector arranges talks
    assert 'data-test="start-talk"' not in text(login("chief").get("/inspect/talks/"))


def test_the_office_starts_a_three_important_matter_and_the_threshold_applies(login, demo):
    from engine.models import Case

    recorder = login("recorder")
    page = text(recorder.get("/work/procedures/"))
    assert 'data-test="start-SZ-04"' in page and 'data-test="start-SY-01"' not in page
    small = recorder.post("/work/procedures/SZ-04/", {"topic": "小额采购", "fund_amount": "2000"}, follow=True)
    assert "低于本乡“三重一大”大额资金标准" in text(small) and not Case.objects.filter(power_code="SZ-04").exists()
    made = recorder.post("/work/procedures/SZ-04/", {"topic": "防汛物资", "fund_amount": "50000"})
    case = Case.objects.get(power_code="SZ-04")
    assert made.status_code == 302 and made["Location"] == f"/work/cases/{case.pk}/"
    assert 'data-test="start-SY-01"' in text(login("village_committee").get("/work/procedures/"))
    assert "您的岗位不发起制度程序" in text(login("window_clerk").get("/work/procedures/"))
