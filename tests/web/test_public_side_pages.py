"""The public's side pages without login: rating with the code from the receipt, the aggregates,
the standing lists (masked, no minors), 三务公开 with its archive, rating a complaint's reply and
following a petition by number."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from engine import complaint_channels, petitions, public, publications, ratings
from engine.models import Organization
from engine.public_models import Petition, Publication, ServiceRating, StandingListEntry

pytestmark = pytest.mark.django_db


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_applicant_rates_with_the_code_and_sees_the_reply(login, demo):
    case = demo.cases["completed"]
    code = ratings.code_for(case)
    client = login()
    page = text(client.get(f"/public/rate/?code={code}"))
    assert "提交评价" in page and f'value="{code}"' in page
    refused = text(client.post(f"/public/rate/?code={code}", {"code": code, "level": "1"}))
    assert "须选择或填写差评原因" in refused and not ServiceRating.objects.filter(rated_at__isnull=False).exists()
    done = text(client.post(f"/public/rate/?code={code}", {"code": code, "level": "2", "reasons": ["多次跑腿"]}))
    assert "已评价" in done and "不满意" in done and "整改反馈期限" in done
    rating = ServiceRating.objects.get(case=case)
    assert rating.channel == "qr" and rating.reasons == ["多次跑腿"]
    ratings.close_followup(rating.followup.pk, actor=demo.users["station_head"], founded=True,
                           rectification="告知清单上墙", reply="已整改，感谢监督", now=timezone.now())  # fmt: skip
    assert "已整改，感谢监督" in text(client.get(f"/public/rate/?code={code}"))
    figures = text(client.get("/public/ratings/?township=township"))
    assert case.power_code in figures and "1 / 1" in figures
    assert "评价码无效或已使用" in text(client.post("/public/rate/", {"code": "NOSUCHCODE", "level": "5"}))


def test_the_standing_list_shows_only_the_named_fields_masked(login, demo):
    case = demo.cases["completed"]
    township = Organization.objects.get(code="township")
    StandingListEntry.objects.create(
        township=township, case=case, power_code="JF-01", list_title="农村最低生活保障对象", place="东村公示栏",
        fields=[["户主姓名", "王五"], ["保障人数（人）", "3"], ["保障金额（元/月）", "1200"]],
        starts_on=timezone.localdate(), ends_on=timezone.localdate() + timedelta(days=364), created_at=timezone.now(),
    )  # fmt: skip
    page = text(login().get("/public/standing/?township=township&power=JF-01"))
    assert "农村最低生活保障对象" in page and "王五" in page and "1200" in page
    assert "王五" not in text(login().get("/public/standing/?township=township-b"))


def test_open_affairs_after_approval_then_in_the_archive(login, demo):
    township = Organization.objects.get(code="township")
    item = publications.register_publication(actor=demo.users["recorder"], township=township, category="finance",
                                             title="东村第一季度财务收支", content="支出8万元", period="2026年第一季度",
                                             amount=80000, now=timezone.now())  # fmt: skip
    client = login()
    assert "东村第一季度财务收支" not in text(client.get("/public/open-affairs/?township=township"))
    publications.approve_publication(item.pk, actor=demo.users["deputy"], now=timezone.now())
    page = text(client.get("/public/open-affairs/?township=township&category=finance"))
    assert "东村第一季度财务收支" in page and "未关联集体决策" in page
    assert "东村第一季度财务收支" not in text(client.get("/public/open-affairs/?township=township&archive=1"))


def test_the_complainant_rates_the_reply_and_the_petitioner_follows_by_number(login, demo):
    township = Organization.objects.get(code="township")
    complaint = complaint_channels.register_complaint(actor=demo.users["window_clerk"], township=township,
                                                      channel="counter", kind="complaint", subject="窗口",
                                                      content="态度差", now=timezone.now())  # fmt: skip
    public.reply_complaint(complaint.pk, actor=demo.users["discipline_inspector"], finding="属实", reply="已批评教育",
                           now=timezone.now())  # fmt: skip
    client = login()
    assert "评价答复" in text(client.get(f"/public/receipts/?number={complaint.number}"))
    rated = text(client.post("/public/receipts/rate/", {"number": complaint.number, "level": "4"}))
    assert "谢谢您的评价" in rated
    again = text(client.post("/public/receipts/rate/", {"number": complaint.number, "level": "1"}))
    assert "已评价" in again
    petition = petitions.register_petition(actor=demo.users["recorder"], township=township, channel="letter",
                                           subject="道路维修", content="请求修路", petitioner_name="赵六",
                                           now=timezone.now())  # fmt: skip
    page = text(client.get(f"/public/petitions/?number={petition.number}"))
    assert "已登记" in page and "赵六" not in page
    assert "没有找到" in text(client.get("/public/petitions/?number=XF-NOPE"))


def test_the_printed_receipt_carries_the_rating_code_and_its_qr_code(login, demo):
    case = demo.cases["notice_period"]
    page = text(login("window_clerk").get(f"/work/cases/{case.pk}/documents/receipt/"))
    code = ratings.code_for(case)
    assert code and f"评价码：<strong>{code}</strong>" in page
    assert f"/public/rate/?code={code}" in page and "<svg" in page


def test_the_station_head_closes_a_followup_from_his_page(login, demo):
    case = demo.cases["completed"]
    code = ratings.code_for(case)
    ratings.rate_service(code=code, level=1, reasons=["推诿扯皮"], now=timezone.now())
    followup = ServiceRating.objects.get(case=case).followup
    head = login("station_head")
    page = text(head.get("/work/followups/"))
    assert case.reference in page and "推诿扯皮" in page and 'href="/work/followups/"' in page
    assert login("window_clerk").get("/work/followups/").status_code == 403
    refused = head.post("/work/followups/", {"followup": followup.pk, "founded": "true", "reply": "已整改"}, follow=True)
    assert "“整改情况”不能为空" in text(refused)
    done = head.post("/work/followups/", {"followup": followup.pk, "founded": "true", "rectification": "窗口人员批评教育",
                                          "reply": "已整改，感谢监督"}, follow=True)  # fmt: skip
    assert "差评整改已办结" in text(done)
    assert "已整改，感谢监督" in text(login().get(f"/public/rate/?code={code}"))


def test_the_window_registers_a_phone_complaint_that_the_complainant_follows_by_number(login, demo):
    from engine.models import Complaint

    clerk = login("window_clerk")
    assert "举报箱" in text(clerk.get("/work/complaints/new/"))
    page = text(clerk.post("/work/complaints/new/", {"channel": "phone", "kind": "complaint", "subject": "民政所",
                                                     "content": "电话无人接听", "name": "李大爷"}))  # fmt: skip
    complaint = Complaint.objects.get(channel="phone", subject="民政所")
    assert complaint.number in page and complaint.registered_by == demo.users["window_clerk"]
    assert "答复期限" in text(login().get(f"/public/receipts/?number={complaint.number}"))
    assert login().get("/work/complaints/new/").status_code == 302  # staff only


def test_a_petition_is_registered_accepted_and_routed_to_mediation_from_the_workbench(login, demo):
    recorder, deputy, clerk = login("recorder"), login("deputy"), login("window_clerk")
    page = text(recorder.post("/work/petitions/", {"action": "register", "channel": "visit", "subject": "邻里通行纠纷",
                                                   "content": "请求调解", "name": "赵六"}, follow=True))  # fmt: skip
    petition = Petition.objects.get(subject="邻里通行纠纷")
    assert petition.number in page and "赵六" not in page  # only the inspector sees the petitioner
    refused = text(recorder.post("/work/petitions/", {"action": "decide", "petition": petition.pk, "accept": "true",
                                                      "note": "受理"}, follow=True))  # fmt: skip
    assert "无权" in refused and Petition.objects.get(pk=petition.pk).status == "registered"
    text(deputy.post("/work/petitions/", {"action": "decide", "petition": petition.pk, "accept": "true",
                                          "note": "予以受理"}, follow=True))  # fmt: skip
    routed = text(clerk.post("/work/petitions/", {"action": "route", "petition": petition.pk, "route": "mediation",
                                                  "power_code": "QT-02"}, follow=True))  # fmt: skip
    petition.refresh_from_db()
    assert petition.case is not None and petition.case.reference in routed
    early = text(clerk.post("/work/petitions/", {"action": "conclude", "petition": petition.pk, "outcome": "已调解"},
                            follow=True))  # fmt: skip
    assert "在转办案件办结前办结" in early
    assert "赵六" in text(login("discipline_inspector").get("/work/petitions/"))


def test_the_office_registers_an_item_and_another_leader_publishes_it(login, demo):
    recorder, deputy = login("recorder"), login("deputy")
    page = text(recorder.post("/work/publications/", {
        "action": "register", "category": "finance", "title": "东村道路维修资金使用", "content": "支出5万元",
        "period": "2026年12月", "amount": "50000", "attachments": "验收单|YS-001"}, follow=True))  # fmt: skip
    assert "待另一位领导审核发布" in page and "未关联集体决策" in page
    item = Publication.objects.get(title="东村道路维修资金使用")
    assert item.attachments == [{"name": "验收单", "ref": "YS-001"}] and item.amount == 50000
    assert "东村道路维修资金使用" not in text(login().get("/public/open-affairs/?township=township"))
    text(deputy.post("/work/publications/", {"action": "approve", "publication": item.pk}, follow=True))
    assert "东村道路维修资金使用" in text(login().get("/public/open-affairs/?township=township"))
    assert login("window_clerk").get("/work/publications/").status_code == 403
