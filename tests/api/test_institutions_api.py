"""The institutions over the API: the procedures' catalog, starting one by its code, 问责 and 谈话
cases seen only by the inspector, the leaders and the person concerned, who states his side
himself and sees his own records only."""

from __future__ import annotations

import pytest

from engine.models import AuditEvent, Case

pytestmark = pytest.mark.django_db

WENZE = {"data": {"source": "inspection", "persons_concerned": ["handler"], "matter": "入户调查未双人进行"}}


def test_the_procedures_are_listed_with_their_legal_bases(anon):
    body = anon.get("/api/procedures/").json()
    assert [p["code"] for p in body] == ["SZ-01", "SZ-02", "SZ-03", "SZ-04", "SY-01", "WZ-01", "TH-01"]
    village = anon.get("/api/procedures/SY-01/").json()
    assert {"law": "中华人民共和国村民委员会组织法", "article": "第二十二条"}.items() <= village["legal_bases"][1].items()
    assert village["legal_bases"][1]["verified"] is True and village["legal_bases"][0]["verified"] is False
    assert anon.get("/api/procedures/ZZ-99/").json()["code"] == "not_found"


def test_only_the_inspector_starts_accountability_and_nothing_is_written_otherwise(demo):
    before = (Case.objects.count(), AuditEvent.objects.count())
    refused = demo.client("window_clerk").post("/api/procedures/WZ-01/cases/", WENZE, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "procedure_starter_required"
    assert (Case.objects.count(), AuditEvent.objects.count()) == before
    created = demo.client("discipline_inspector").post("/api/procedures/WZ-01/cases/", WENZE, format="json")
    assert created.status_code == 201 and created.json()["power_code"] == "WZ-01"


def test_the_person_concerned_states_his_side_and_sees_only_his_own(demo):
    inspector = demo.client("discipline_inspector")
    case = inspector.post("/api/procedures/WZ-01/cases/", WENZE, format="json").json()
    investigation = case["tasks"][0]
    done = inspector.post(f"/api/cases/{case['id']}/tasks/{investigation['task_id']}/complete/", {"data": {
        "facts": "经查属实", "evidence": ["调查表"], "investigators": ["discipline_inspector", "乙"],
        "investigated_at": "2026-11-20"}}, format="json")  # fmt: skip
    assert done.status_code == 200, done.json()
    assert demo.client("window_clerk").get(f"/api/cases/{case['id']}/").status_code == 404  # confidential
    assert demo.client("chief").get(f"/api/cases/{case['id']}/").status_code == 200
    handler = demo.client("handler")
    mine = handler.get("/api/accountability/mine/").json()
    waiting = [w for w in mine["waiting"] if w["case"] == case["id"]]
    assert len(waiting) == 1
    stated = handler.post(f"/api/cases/{case['id']}/tasks/{waiting[0]['task_id']}/complete/",
                          {"data": {"statement": "当天同事请假，我已补做复核"}}, format="json")  # fmt: skip
    assert stated.status_code == 200, stated.json()
    mine = handler.get("/api/accountability/mine/").json()
    assert [s["statement"] for s in mine["statements"]] == ["当天同事请假，我已补做复核"]
    assert demo.client("window_clerk").get("/api/accountability/mine/").json()["statements"] == []
    assert demo.client("window_clerk").get("/api/accountability/outcomes/").status_code == 403
    assert demo.client("chief").get("/api/accountability/outcomes/").status_code == 200


def test_talk_records_for_the_inspector_and_the_leaders(demo):
    inspector = demo.client("discipline_inspector")
    case = inspector.post("/api/procedures/TH-01/cases/", {"data": {"talk_kind": "inquiry", "persons": ["handler"]}},
                          format="json").json()  # fmt: skip
    task = case["tasks"][0]
    inspector.post(f"/api/cases/{case['id']}/tasks/{task['task_id']}/complete/", {"data": {
        "talk_kind": "inquiry", "talk_date": "2026-11-20", "talkers": ["discipline_inspector"], "persons": ["handler"],
        "subject": "群众反映问题函询", "summary": "本人作出说明", "follow_up": "无", "follow_up_needed": False,
        "person_signed": True}}, format="json")  # fmt: skip
    talks = inspector.get("/api/talks/").json()
    assert [t["reference"] for t in talks] == [case["reference"]]
    assert demo.client("handler").get("/api/talks/").status_code == 403
    assert [t["subject"] for t in demo.client("handler").get("/api/accountability/mine/").json()["talks"]] == [
        "群众反映问题函询"]


def test_the_procedures_posters_are_public(anon):
    poster = anon.get("/api/procedures/WZ-01/poster.svg")
    assert poster.status_code == 200 and poster["Content-Type"] == "image/svg+xml"
    assert "问责" in poster.content.decode("utf-8")
    assert anon.get("/api/procedures/SZ-04/risk-map.svg").status_code == 200
    assert anon.get("/api/procedures/ZZ-99/poster.svg").status_code == 404


def test_the_demo_of_the_institutions(demo):
    import io

    from django.core.management import call_command

    call_command("seed_institutions", allow_production=True, stdout=io.StringIO())
    call_command("seed_institutions", allow_production=True, stdout=io.StringIO())  # idempotent
    codes = sorted(Case.objects.filter(power_code__in=["SZ-04", "SY-01", "WZ-01", "TH-01"]).values_list("power_code",
                                                                                                         flat=True))
    assert codes == ["SY-01", "SZ-04", "TH-01", "WZ-01"]
    assert len(demo.client("handler").get("/api/accountability/mine/").json()["waiting"]) == 1
    board = demo.client().get("/api/public/notices/").json()["results"]
    assert "东村“四议两公开”决议公开" in [n["title"] for n in board]
