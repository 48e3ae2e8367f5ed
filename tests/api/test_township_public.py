"""The public side of townships as tenants: complaints name their township, each township's notice
board, and each township's own list (station, limit, fee, phones, name) over the county template."""

from __future__ import annotations

import html

import pytest

from engine.models import Complaint, Organization, TownshipPower, TownshipSettingValue
from tests.api.test_exception_handler import assert_error

pytestmark = pytest.mark.django_db
COMPLAINT = {"kind": "complaint", "subject": "民政所", "content": "态度生硬"}


def test_a_complaint_without_a_case_must_name_its_township_and_writes_nothing_otherwise(anon):
    before = Complaint.objects.count()
    assert list(assert_error(anon.post("/api/public/complaints/", COMPLAINT, format="json"), 400, "invalid")["fields"]) == [
        "township"
    ]
    response = anon.post("/api/public/complaints/", {**COMPLAINT, "township": "no-such"}, format="json")
    assert list(assert_error(response, 400, "invalid")["fields"]) == ["township"]
    response = anon.post("/api/public/complaints/", {**COMPLAINT, "township": "station-01"}, format="json")
    assert list(assert_error(response, 400, "invalid")["fields"]) == ["township"]
    assert Complaint.objects.count() == before


def test_a_complaint_belongs_to_the_township_it_was_filed_to(demo, anon):
    response = anon.post("/api/public/complaints/", {**COMPLAINT, "township": "township-b"}, format="json")
    assert response.status_code == 201, response.content
    complaint = Complaint.objects.get(number=response.json()["number"])
    assert complaint.township.code == "township-b"
    numbers = lambda user: {c["number"] for c in demo.client(user).get("/api/complaints/").json()["results"]}  # noqa: E731
    assert complaint.number in numbers("b_discipline_inspector")
    assert complaint.number in numbers("county_inspector")
    assert complaint.number not in numbers("discipline_inspector")


def test_a_complaint_about_a_case_belongs_to_the_cases_township(demo, anon):
    case = demo.other_cases["mid_review"]
    body = {**COMPLAINT, "case_reference": case.reference}
    response = anon.post("/api/public/complaints/", body, format="json")
    assert Complaint.objects.get(number=response.json()["number"]).township.code == "township-b"
    before = Complaint.objects.count()
    response = anon.post("/api/public/complaints/", {**body, "township": "township"}, format="json")
    assert list(assert_error(response, 400, "invalid")["fields"]) == ["case_reference"]
    assert Complaint.objects.count() == before


def test_each_township_has_its_notice_board(demo, anon):
    ours = {n["reference"] for n in anon.get("/api/public/notices/?township=township").json()["results"]}
    theirs = anon.get("/api/public/notices/?township=township-b").json()["results"]
    assert ours == {demo.cases["notice_period"].reference}
    assert [(n["reference"], n["township_name"]) for n in theirs] == [
        (demo.other_cases["notice_period"].reference, "东岭乡")
    ]


def test_a_power_as_each_township_runs_it(demo, anon):
    b = Organization.objects.get(code="township-b")
    TownshipPower.objects.filter(township=b, power__code="JF-01").update(
        promised_limit_value=7, promised_limit_unit="working_day", fee_basis="不收费（东岭乡）", supervision_phone="0351-7777777"
    )
    entries = TownshipPower.objects.count()
    template = anon.get("/api/powers/JF-01/").json()
    ours = anon.get("/api/powers/JF-01/?township=township").json()
    theirs = anon.get("/api/powers/JF-01/?township=township-b").json()
    assert "township" not in template
    assert (ours["township_name"], ours["promised_limit"]["value"]) == ("示范乡", template["promised_limit"]["value"])
    assert (theirs["township_name"], theirs["handling_unit"]) == ("东岭乡", template["handling_unit"])
    assert (theirs["promised_limit"]["value"], theirs["fee_basis"], theirs["supervision_phone"]) == (
        7, "不收费（东岭乡）", "0351-7777777",
    )  # fmt: skip
    listed = {p["code"]: p for p in anon.get("/api/powers/?township=township-b&limit=100").json()["results"]}
    assert listed["JF-01"]["promised_limit"]["value"] == 7
    assert_error(anon.get("/api/powers/JF-01/?township=no-such"), 400, "invalid")
    assert TownshipPower.objects.count() == entries  # reading never writes


def _all_sheets(anon, township: str) -> str:
    """Every sheet of the JF-01 poster as the township runs it (a long flow continues on numbered sheets)."""
    sheets, page = [], 1
    while (response := anon.get(f"/api/powers/JF-01/poster.svg?township={township}&page={page}")).status_code == 200:
        sheets.append(html.unescape(response.content.decode()))
        page += 1
    assert response.status_code == 404 and sheets
    return "".join(sheets)


def test_the_poster_carries_the_townships_name_and_phone(demo, anon):
    b = Organization.objects.get(code="township-b")
    assert TownshipSettingValue.objects.get(township=b, setting_id="township_name").value == "东岭乡"
    TownshipPower.objects.filter(township=b, power__code="JF-01").update(supervision_phone="0351-7777777")
    theirs, ours = _all_sheets(anon, "township-b"), _all_sheets(anon, "township")
    assert "东岭乡" in theirs and "0351-7777777" in theirs
    assert "东岭乡" not in ours and "0351-7777777" not in ours
