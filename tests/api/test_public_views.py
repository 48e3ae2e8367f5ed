"""The public's side without login: notice board (masked, no minors), objections with receipts,
complaints whose complainant only the discipline inspector sees, receipt lookup."""

from __future__ import annotations

from datetime import date

import pytest

from engine import public
from engine.models import AuditEvent, Complaint, ObjectionReceipt
from tests.api.conftest import case_counts
from tests.api.test_exception_handler import assert_error

pytestmark = pytest.mark.django_db

OBJECTION = {
    "content": "申请人家中有小汽车一辆",
    "evidence": "车牌晋A12345",
    "name": "李大爷",
    "contact": "13700001111",
}


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("身份证号 140121198001011234", "身份证号 1401**********1234"),
        ("身份证 14012119800101123X。", "身份证 1401**********123X。"),
        ("旧身份证 140121800101123", "旧身份证 1401*******1123"),
        ("电话 13812345678", "电话 138****5678"),
        ("座机 0351-5551234", "座机 0351-***1234"),
        ("保障人数 3 人，金额 1200 元，2026-03-02", "保障人数 3 人，金额 1200 元，2026-03-02"),
    ],
)
def test_mask_text_hides_id_cards_and_phones(text, masked):
    assert public.mask_text(text) == masked


@pytest.mark.parametrize(
    ("data", "minor"),
    [
        ({}, False),
        ({"applicant_is_minor": True}, True),
        ({"applicant_birth_date": "2010-03-03"}, True),
        ({"applicant_birth_date": "2008-03-02"}, False),
        ({"applicant_birth_date": "not a date"}, True),
    ],
)
def test_is_minor(data, minor):
    assert public.is_minor(data, on=date(2026, 3, 2)) is minor


def test_notice_board_lists_cases_in_their_notice_period_with_ids_and_phones_masked(demo, anon):
    response = anon.get("/api/public/notices/?township=township")
    assert response.status_code == 200
    [notice] = response.json()["results"]
    assert notice["reference"] == demo.cases["notice_period"].reference
    assert notice["content"] == "户主：王五，身份证号 1401**********1234，联系电话 138****5678，拟保障人数 3 人"
    assert notice["applicant"] == "王五"
    assert notice["objection_channel"] == "监督电话 12388；意见箱设在村委会"
    assert set(notice) == {
        "case_id",
        "reference",
        "power_code",
        "power_name",
        "township",
        "township_name",
        "handling_unit",
        "applicant",
        "title",
        "place",
        "content",
        "notice_start",
        "notice_end",
        "objection_channel",
    }


def test_notice_board_never_lists_a_minor(demo, anon):
    listed = {n["reference"] for n in anon.get("/api/public/notices/").json()["results"]}
    assert demo.cases["minor_notice"].reference not in listed
    assert_error(anon.get(f"/api/public/notices/{demo.cases['minor_notice'].pk}/"), 404, "notice_not_found")


def test_a_case_not_in_its_notice_period_has_no_notice(demo, anon):
    assert_error(anon.get(f"/api/public/notices/{demo.cases['mid_review'].pk}/"), 404, "notice_not_found")


def test_objection_is_delivered_to_the_case_with_a_receipt_and_no_identity(demo, anon):
    case = demo.cases["notice_period"]
    response = anon.post(f"/api/public/notices/{case.pk}/objections/", OBJECTION, format="json")
    assert response.status_code == 201, response.content
    number = response.json()["number"]
    assert number.startswith("YY-")
    event = AuditEvent.objects.filter(case=case).latest("sequence")
    assert (event.kind, event.actor_name) == ("message_received", "system")
    assert event.payload == {
        "name": "objection",
        "data": {
            "receipt_number": number,
            "content": OBJECTION["content"],
            "evidence": OBJECTION["evidence"],
        },
    }
    receipt = ObjectionReceipt.objects.get(number=number)
    assert (receipt.objector_name, receipt.audit_sequence) == ("李大爷", event.sequence)
    assert "examine_objection" in set(case.work_items.values_list("bpmn_id", flat=True))


def test_objection_to_a_case_not_on_the_board_is_refused_and_writes_nothing(demo, anon):
    for key in ("mid_review", "minor_notice", "completed"):
        before = case_counts(), ObjectionReceipt.objects.count()
        response = anon.post(f"/api/public/notices/{demo.cases[key].pk}/objections/", OBJECTION, format="json")
        assert_error(response, 404, "notice_not_found")
        assert (case_counts(), ObjectionReceipt.objects.count()) == before


def test_objection_needs_content(demo, anon):
    response = anon.post(f"/api/public/notices/{demo.cases['notice_period'].pk}/objections/", {}, format="json")
    assert list(assert_error(response, 400, "invalid")["fields"]) == ["content"]


def test_objection_works_from_a_plain_html_form_without_csrf(demo, anon):
    case = demo.cases["notice_period"]
    response = anon.post(f"/api/public/notices/{case.pk}/objections/", {"content": "收入不实"})
    assert response.status_code == 201, response.content


def test_objector_identity_is_shown_to_the_inspector_only(demo, anon):
    anon.post(f"/api/public/notices/{demo.cases['notice_period'].pk}/objections/", OBJECTION, format="json")
    [row] = demo.client("discipline_inspector").get("/api/objections/").json()["results"]
    assert (row["objector_name"], row["objector_contact"]) == ("李大爷", "13700001111")
    assert_error(demo.client("chief").get("/api/objections/"), 403, "permission_denied")
    history = demo.client("chief").get(f"/api/cases/{demo.cases['notice_period'].pk}/history/").json()
    assert "李大爷" not in str(history)
    assert "13700001111" not in str(history)


def test_complaint_is_registered_with_a_reply_deadline(demo, anon):
    response = anon.post(
        "/api/public/complaints/",
        {
            "kind": "report",
            "subject": "某站所工作人员",
            "content": "吃拿卡要",
            "name": "王某",
            "contact": "13900002222",
            "case_reference": demo.cases["mid_review"].reference,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"].startswith("JB-")
    assert body["kind"] == "report"
    complaint = Complaint.objects.get(number=body["number"])
    assert (complaint.case_id, complaint.complainant_name) == (demo.cases["mid_review"].pk, "王某")
    assert complaint.reply_due_at > complaint.received_at


def test_complaint_about_an_unknown_case_is_refused_and_writes_nothing(demo, anon):
    before = Complaint.objects.count()
    response = anon.post(
        "/api/public/complaints/",
        {"subject": "x", "content": "y", "case_reference": "NO-SUCH"},
        format="json",
    )
    assert list(assert_error(response, 400, "invalid")["fields"]) == ["case_reference"]
    assert Complaint.objects.count() == before


def test_complainant_identity_is_visible_only_to_the_inspector(demo):
    inspector = demo.client("discipline_inspector").get("/api/complaints/").json()["results"]
    chief = demo.client("chief").get("/api/complaints/").json()["results"]
    assert [(c["complainant_name"], c["complainant_contact"]) for c in inspector] == [("孙七", "13912345678")]
    assert [c["number"] for c in chief] == [c["number"] for c in inspector]
    assert all("complainant_name" not in c and "complainant_contact" not in c for c in chief)
    detail = demo.client("deputy").get(f"/api/complaints/{demo.complaint.pk}/").json()
    assert "complainant_name" not in detail
    assert "孙七" not in str(detail)


def test_the_inspector_replies_to_a_complaint_once(demo):
    url = f"/api/complaints/{demo.complaint.pk}/reply/"
    reply = {"finding": "经核实，工作人员未一次性告知", "reply": "已批评教育，并向您致歉"}
    response = demo.client("discipline_inspector").post(url, reply, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["handled_by"]) == ("replied", "discipline_inspector")
    second = demo.client("discipline_inspector").post(url, {"finding": "改", "reply": "改"}, format="json")
    assert_error(second, 409, "complaint_closed")
    assert Complaint.objects.get(pk=demo.complaint.pk).reply == reply["reply"]


def test_receipt_lookup_shows_the_reply_and_no_identity(demo, anon):
    demo.client("discipline_inspector").post(
        f"/api/complaints/{demo.complaint.pk}/reply/", {"finding": "核实", "reply": "已整改"}, format="json"
    )
    body = anon.get(f"/api/public/receipts/{demo.complaint.number}/").json()
    assert (body["status"], body["reply"], body["case_reference"]) == (
        "replied",
        "已整改",
        demo.cases["mid_review"].reference,
    )
    assert "孙七" not in str(body)


def test_an_unknown_receipt_is_not_found(anon):
    assert_error(anon.get("/api/public/receipts/YY-20260101-AAAAAAAA/"), 404, "receipt_not_found")


def test_accountability_records_of_the_overdue_case(demo):
    rows = demo.client("discipline_inspector").get("/api/accountability/").json()["results"]
    assert sorted((r["case_reference"], r["level"], r["kind"]) for r in rows) == [
        (demo.cases["overdue"].reference, 1, "overdue"),
        (demo.cases["overdue"].reference, 2, "overdue"),
        (demo.cases["overdue"].reference, 3, "long_delay"),
    ]
    assert_error(demo.client("handler").get("/api/accountability/"), 403, "permission_denied")


def test_the_inspector_finds_a_complaint_by_the_number_the_complainant_quotes(demo):
    rows = demo.client("discipline_inspector").get(f"/api/complaints/?number={demo.complaint.number}").json()
    assert [r["id"] for r in rows["results"]] == [demo.complaint.pk]
    assert demo.client("discipline_inspector").get("/api/complaints/?number=TS-0-X").json()["count"] == 0
