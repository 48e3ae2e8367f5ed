"""The public's side over HTTP: rating a demo case with its code (a 差评 answered by the station
head), complaints registered from the phone and their reply rated, 三务公开 registered, approved
and listed, a petition registered, accepted, routed to mediation and followed by its number."""

from __future__ import annotations

import pytest

from engine import ratings
from engine.public_models import Petition, RatingFollowUp, ServiceRating
from tests.api.test_exception_handler import assert_error
from tests.processes.public_side import counts

pytestmark = pytest.mark.django_db


def test_the_applicant_rates_a_case_and_the_station_head_answers_the_bad_rating(demo, anon):
    case = demo.cases["completed"]
    code = demo.client("window_clerk").get(f"/api/cases/{case.pk}/rating-code/").json()["code"]
    assert code == ratings.code_for(case)
    before = counts()
    assert_error(anon.post("/api/public/ratings/", {"code": code, "level": 1}, format="json"), 400,
                 "rating_reason_required")  # fmt: skip
    english = anon.post("/api/public/ratings/", {"code": "WRONGCODE1", "level": 5}, format="json",
                        HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip
    assert assert_error(english, 404, "rating_code_invalid")["detail"] == "The rating code is invalid or has been used"
    assert counts() == before
    response = anon.post("/api/public/ratings/", {"code": code, "level": 2, "reasons": ["多次跑腿"]}, format="json")
    assert response.status_code == 201 and response.json()["followup_due_at"]
    [followup] = demo.client("station_head").get("/api/ratings/followups/").json()
    assert followup["case_reference"] == case.reference and followup["owners"]
    assert_error(demo.client("window_clerk").post(f"/api/ratings/followups/{followup['id']}/close/",
                                                  {"founded": True, "rectification": "x", "reply": "y"},
                                                  format="json"), 403, "not_authorized")  # fmt: skip
    closed = demo.client("station_head").post(f"/api/ratings/followups/{followup['id']}/close/",
                                              {"founded": True, "rectification": "窗口一次性告知清单上墙",
                                               "reply": "已整改，欢迎监督"}, format="json")  # fmt: skip
    assert closed.status_code == 200 and closed.json()["closed_at"]
    assert anon.get(f"/api/public/ratings/{code}/").json()["reply"] == "已整改，欢迎监督"
    [figures] = anon.get("/api/public/ratings/?township=township").json()
    assert figures["key"] == case.power_code and figures["bad"] == 1 and figures["bad_answered"] == 1
    assert "staff" not in str(figures)
    assert demo.client("chief").get("/api/ratings/report/").json()["power"][0]["total"] == 1
    assert_error(demo.client("handler").get("/api/ratings/report/"), 403, "permission_denied")
    assert_error(anon.get("/api/public/ratings/?township=nowhere"), 400, "invalid")
    assert anon.get("/api/public/ratings/?township=township-b").json() == []
    assert RatingFollowUp.objects.filter(closed_at__isnull=False).count() == 1
    assert ServiceRating.objects.filter(rated_at__isnull=False).count() == 1


def test_a_phone_complaint_is_registered_replied_and_its_reply_rated(demo, anon):
    response = demo.client("window_clerk").post("/api/complaints/register/", {
        "channel": "phone", "subject": "民政所", "content": "电话无人接听", "name": "李大爷", "contact": "13700001111",
    }, format="json")  # fmt: skip
    assert response.status_code == 201 and response.json()["channel"] == "phone"
    number, complaint_id = response.json()["number"], response.json()["id"]
    receipt = anon.get(f"/api/public/receipts/{number}/").json()
    assert receipt["status"] == "registered" and "李大爷" not in str(receipt)
    assert_error(anon.post(f"/api/public/complaints/{number}/rating/", {"level": 5}, format="json"), 409,
                 "complaint_not_replied")  # fmt: skip
    assert_error(demo.client("window_clerk").post("/api/complaints/register/", {
        "channel": "online", "subject": "x", "content": "y"}, format="json"), 400, "invalid")  # fmt: skip
    demo.client("discipline_inspector").post(f"/api/complaints/{complaint_id}/reply/",
                                             {"finding": "属实", "reply": "已安排专人值守"}, format="json")  # fmt: skip
    rated = anon.post(f"/api/public/complaints/{number}/rating/", {"level": 4, "comment": "满意"}, format="json")
    assert rated.status_code == 201 and rated.json()["reply_rating"] == 4


def test_publications_are_registered_approved_by_another_leader_and_listed(demo, anon):
    item = demo.client("recorder").post("/api/publications/", {
        "category": "finance", "title": "东村2026年第一季度财务收支", "content": "收入12万元，支出8万元", "period": "2026年第一季度",
        "amount": "80000", "attachments": [{"name": "收支明细表", "ref": "CW-2026-01"}],
    }, format="json")  # fmt: skip
    assert item.status_code == 201, item.content
    body = item.json()
    assert body["needs_sanzhong"] is True and body["sanzhong_reference"] is None
    assert anon.get("/api/public/publications/?township=township").json()["results"] == []
    assert_error(demo.client("recorder").post(f"/api/publications/{body['id']}/approve/"), 403, "not_authorized")
    assert demo.client("deputy").post(f"/api/publications/{body['id']}/approve/").status_code == 200
    [listed] = anon.get("/api/public/publications/?township=township&category=finance").json()["results"]
    assert listed["title"] == "东村2026年第一季度财务收支" and listed["approved_by"]
    assert anon.get("/api/public/publications/?township=township&archive=true").json()["results"] == []
    assert anon.get("/api/public/standing-lists/?township=township").status_code == 200


def test_a_petition_is_accepted_routed_to_mediation_and_followed_by_number(demo, anon):
    created = demo.client("recorder").post("/api/petitions/", {
        "channel": "visit", "subject": "邻里通行纠纷", "content": "请求调解", "name": "赵六", "contact": "13900002222",
    }, format="json")  # fmt: skip
    assert created.status_code == 201 and "petitioner_name" not in created.json()
    petition = created.json()
    assert_error(demo.client("recorder").post(f"/api/petitions/{petition['id']}/decide/",
                                              {"accept": True, "note": "受理"}, format="json"), 403, "not_authorized")
    assert demo.client("deputy").post(f"/api/petitions/{petition['id']}/decide/",
                                      {"accept": True, "note": "予以受理"}, format="json").status_code == 200
    routed = demo.client("window_clerk").post(f"/api/petitions/{petition['id']}/route/",
                                              {"route": "mediation", "power_code": "QT-02"}, format="json")
    assert routed.status_code == 200, routed.content
    reference = routed.json()["case_reference"]
    assert reference.startswith("QT-02-")
    assert Petition.objects.get(pk=petition["id"]).case.petitions.get().number == petition["number"]
    progress = anon.get(f"/api/public/petitions/{petition['number']}/").json()
    assert progress["status"] == "accepted" and progress["case_reference"] == reference and "赵六" not in str(progress)
    inspector = demo.client("discipline_inspector").get("/api/petitions/").json()
    assert [p["petitioner_name"] for p in inspector if p["id"] == petition["id"]] == ["赵六"]
    assert_error(anon.get("/api/public/petitions/XF-NOPE/"), 404, "petition_not_found")


def test_the_staff_of_the_other_township_get_not_found_and_change_nothing(demo, anon):
    from django.utils import timezone

    from engine import petitions, publications
    from engine.models import Organization

    township = Organization.objects.get(code="township")
    case = demo.cases["completed"]
    ratings.rate_service(code=ratings.code_for(case), level=1, reasons=["推诿"], now=timezone.now())
    followup = RatingFollowUp.objects.get()
    item = publications.register_publication(actor=demo.users["recorder"], township=township, category="party",
                                             title="发展党员公示", content="拟发展对象：王某", period="2026年12月",
                                             now=timezone.now())  # fmt: skip
    petition = petitions.register_petition(actor=demo.users["recorder"], township=township, channel="letter",
                                           subject="修路", content="请求修路", now=timezone.now())  # fmt: skip
    attempts = [
        ("b_station_head", f"/api/ratings/followups/{followup.pk}/close/", {"founded": False, "reply": "不属实"},
         "followup_not_found"),
        ("b_chief", f"/api/publications/{item.pk}/approve/", None, "publication_not_found"),
        ("b_chief", f"/api/petitions/{petition.pk}/decide/", {"accept": True, "note": "受理"}, "petition_not_found"),
        ("b_window_clerk", f"/api/cases/{case.pk}/rating-code/", None, "case_not_found"),
    ]  # fmt: skip
    before = counts()
    for user, path, body, code in attempts:
        client = demo.client(user)
        response = client.post(path, body or {}, format="json") if "rating-code" not in path else client.get(path)
        assert_error(response, 404, code)
    assert counts() == before
    assert demo.client("b_station_head").get("/api/ratings/followups/").json() == []
    assert all(p["id"] != petition.pk for p in demo.client("b_chief").get("/api/petitions/").json())
    assert all(p["id"] != item.pk for p in demo.client("b_chief").get("/api/publications/").json())
