"""Pages through Django's test client: who may open what, the home page, errors in the site's style."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from engine.models import AuditEvent, Case, Complaint, WorkItem

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def test_home_page_says_where_each_user_goes_and_lists_the_demo_users(login):
    page = text(login().get("/"))
    for link in ('href="/public/"', 'href="/work/"', 'href="/inspect/"', 'href="/admin/"'):
        assert link in page
    assert "window_clerk" in page and "Demo-window_clerk-2026" in page and "李受理" in page


def test_demo_administrator_can_log_into_the_admin(login):
    admin = get_user_model().objects.get(username="administrator")
    assert admin.is_staff and admin.is_superuser
    assert login("administrator").get("/admin/").status_code == 200
    assert not get_user_model().objects.get(username="handler").is_staff
    assert login("handler").get("/admin/").status_code == 302  # to the admin's login


def test_staff_pages_send_strangers_to_the_login_page(login):
    response = login().get("/work/")
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=/work/")


def test_inspector_pages_refuse_other_posts_with_a_page_in_the_site_style(login):
    response = login("handler").get("/inspect/")
    assert response.status_code == 403
    assert "无权访问" in text(response) and 'class="site"' in text(response)


def test_unknown_pages_and_invisible_cases_answer_404_in_the_site_style(login, demo):
    assert "页面不存在" in text(login().get("/no-such-page/"))
    case = demo.cases["mid_review"]
    response = login("village_agent").get(f"/work/cases/{case.pk}/")  # not his village's case
    assert response.status_code == 404 and "页面不存在" in text(response)


def test_inbox_shows_the_users_tasks_with_lights_and_counts(login, demo):
    page = text(login("station_head").get("/work/"))
    assert "审核" in page and demo.cases["mid_review"].reference in page
    assert 'data-test="count-green"' in page
    empty = text(login("station_head").get("/work/?power=XK-01"))
    assert "没有待办的任务" in empty


def test_case_page_shows_header_timeline_and_tasks(login, demo):
    case = demo.cases["mid_review"]
    page = text(login("station_head").get(f"/work/cases/{case.pk}/"))
    assert case.reference in page and "最低生活保障" in page
    assert page.count("<tr>") >= case.last_sequence  # one timeline row per audit event
    assert "认领" in page and f"/work/cases/{case.pk}/chart.svg" in page
    chart = login("station_head").get(f"/work/cases/{case.pk}/chart.svg")
    assert chart["Content-Type"] == "image/svg+xml" and b"<svg" in chart.content


def test_claim_and_unclaim_through_the_page_write_one_audit_event_each(login, demo):
    case = demo.cases["mid_review"]
    item = WorkItem.objects.get(case=case, bpmn_id="station_head_review")
    client = login("station_head")
    before = AuditEvent.objects.filter(case=case).count()
    client.post(f"/work/cases/{case.pk}/tasks/{item.task_id}/claim/", HTTP_HX_REQUEST="true")
    item.refresh_from_db()
    assert item.claimed_by.username == "station_head"
    client.post(f"/work/cases/{case.pk}/tasks/{item.task_id}/unclaim/")
    item.refresh_from_db()
    assert item.claimed_by is None
    assert AuditEvent.objects.filter(case=case).count() == before + 2


def test_a_task_form_refused_by_the_service_shows_chinese_messages_next_to_the_fields(login, demo):
    case = demo.cases["mid_review"]
    item = WorkItem.objects.get(case=case, bpmn_id="station_head_review")
    client = login("station_head")
    form = text(client.get(f"/work/cases/{case.pk}/tasks/{item.task_id}/"))
    assert 'name="station_head_opinion"' in form
    before = AuditEvent.objects.count()
    response = client.post(f"/work/cases/{case.pk}/tasks/{item.task_id}/", {"station_head_action": "forward"})
    page = text(response)
    assert response.status_code == 200 and "必填" in page and "提交的数据不符合表单要求" in page
    assert AuditEvent.objects.count() == before  # nothing written
    assert WorkItem.objects.filter(pk=item.pk).exists()


def test_starting_a_case_from_the_power_list(login):
    client = login("window_clerk")
    before = Case.objects.count()
    response = client.post("/work/start/JF-01/", {"applicant": "李四"})
    case = Case.objects.order_by("-started_at").first()
    assert Case.objects.count() == before + 1 and response["Location"] == f"/work/cases/{case.pk}/"
    refused = client.post("/work/start/XX-99/", {"applicant": "李四"}, follow=True)
    assert "清单" in text(refused) and Case.objects.count() == before + 1  # 清单之外无权力


def test_public_pages_need_no_login(login, demo):
    client = login()
    assert "最低生活保障" in text(client.get("/public/"))
    guide = text(client.get("/public/powers/JF-01/"))
    assert "申请材料" in guide and "http://testserver/public/powers/JF-01/" in guide
    board = text(client.get("/public/notices/"))
    assert demo.cases["notice_period"].reference in board
    assert demo.cases["minor_notice"].reference not in board  # minors never
    assert "140121198001011234" not in board
    assert client.get("/public/powers/XX-99/").status_code == 404


def test_complaint_form_gives_a_receipt_that_the_lookup_finds(login):
    client = login()
    form = {"kind": "report", "subject": "某站所", "content": "吃拿卡要", "name": "", "contact": ""}
    before = Complaint.objects.count()
    # with two townships in the county the form asks which one the complaint is for; nothing is filed without it
    assert "请填写投诉（举报）所向的乡镇" in text(client.post("/public/complaint/", form))
    assert Complaint.objects.count() == before
    page = text(client.post("/public/complaint/", {**form, "township": "township"}))
    assert Complaint.objects.get(number=page.split('data-test="receipt-number">')[1].split("<")[0]).township.code == "township"
    number = page.split('data-test="receipt-number">')[1].split("<")[0]
    found = text(client.get(f"/public/receipts/?number={number}"))
    assert number in found and "已登记" in found
    assert "没有找到" in text(client.get("/public/receipts/?number=NOPE"))


def test_complainant_is_shown_to_the_discipline_inspector_only(login, demo):
    name = demo.complaint.complainant_name
    assert name
    assert name in text(login("discipline_inspector").get("/inspect/complaints/"))
    assert name not in text(login("chief").get("/inspect/complaints/"))


def test_step_through_shows_the_verification_result(login, demo):
    case = demo.cases["mid_review"]
    page = text(login("discipline_inspector").get(f"/inspect/cases/{case.pk}/?step=2"))
    assert "校验通过" in page and "第 2 步" in page and "数据变化" in page


def test_printable_receipt_from_the_recorded_data(login, demo):
    case = demo.cases["notice_period"]
    client = login("window_clerk")
    assert f"/work/cases/{case.pk}/documents/receipt/" in text(client.get(f"/work/cases/{case.pk}/"))
    page = text(client.get(f"/work/cases/{case.pk}/documents/receipt/"))
    assert "受理回执" in page and "示范乡人民政府" in page and "王五" in page
    assert client.get(f"/work/cases/{case.pk}/documents/refusal/").status_code == 404  # never refused


def test_materials_upload_with_sha256_in_the_audit_event_and_download(login, demo, settings, tmp_path):
    import hashlib

    from django.core.files.uploadedfile import SimpleUploadedFile

    from engine.models import CaseFile

    settings.MEDIA_ROOT = tmp_path
    client = login("window_clerk")
    client.post("/work/start/JF-01/", {"applicant": "李四"})
    case = Case.objects.order_by("-started_at").first()
    item = WorkItem.objects.get(case=case)
    url = f"/work/cases/{case.pk}/tasks/{item.task_id}/upload/"
    body = b"%PDF-1.4 application form"
    client.post(url, {"file": SimpleUploadedFile("申请书.pdf", body, content_type="application/pdf")})
    stored = CaseFile.objects.get(case=case)
    event = AuditEvent.objects.get(case=case, kind="file_attached")
    assert event.payload["sha256"] == stored.sha256 == hashlib.sha256(body).hexdigest()
    assert event.payload["name"] == "申请书.pdf" and stored.audit_sequence == event.sequence
    download = client.get(f"/work/cases/{case.pk}/files/{stored.pk}/")
    assert b"".join(download.streaming_content) == body
    # refused: a type outside the list, and a file over the limit; nothing stored, nothing recorded
    settings.UPLOAD_MAX_BYTES = 10
    before = (CaseFile.objects.count(), AuditEvent.objects.count())
    refused = client.post(url, {"file": SimpleUploadedFile("a.exe", b"MZ", content_type="application/octet-stream")},
                          follow=True)  # fmt: skip
    assert "只接受" in text(refused)
    client.post(url, {"file": SimpleUploadedFile("b.pdf", b"x" * 11, content_type="application/pdf")})
    assert (CaseFile.objects.count(), AuditEvent.objects.count()) == before
    # a user who may not see the case gets 404
    assert login("village_agent").get(f"/work/cases/{case.pk}/files/{stored.pk}/").status_code == 404


def test_counts_per_light_in_one_query_agree_with_the_filters(demo):
    from engine import access, clock, selectors

    items = access.inbox(demo.users["discipline_inspector"]) | access.inbox(demo.users["station_head"])
    counts = selectors.count_by_light(items, now=clock.now(), legal_field="case__legal_due_at",
                                      paused_field="case__paused_since")
    for light in selectors.LIGHTS:
        expected = selectors.filter_by_light(items, light, now=clock.now(), legal_field="case__legal_due_at",
                                              paused_field="case__paused_since").count()
        assert counts[light] == expected
    assert sum(counts.values()) == items.count() > 0
    later = clock.now() + __import__("datetime").timedelta(days=400)  # everything overdue by then
    assert selectors.count_by_light(items, now=later, legal_field="case__legal_due_at",
                                   paused_field="case__paused_since")["green"] == 0


def test_a_server_error_is_the_sites_page_outside_the_api_and_json_inside():
    from django.test import RequestFactory

    from web.views.errors import server_error

    try:
        raise RuntimeError("boom")
    except RuntimeError:
        page = server_error(RequestFactory().get("/work/"))
        api = server_error(RequestFactory().get("/api/cases/"))
    assert page.status_code == 500 and "系统暂时出错" in page.content.decode() and "boom" not in page.content.decode()
    assert api.status_code == 500 and api["Content-Type"] == "application/json"


def test_the_public_pages_show_the_chosen_townships_own_list_and_board(login, demo):
    client = login()
    picker = text(client.get("/public/"))
    assert 'data-test="township-picker"' in picker
    guide = text(client.get("/public/powers/JF-01/?township=township-b"))
    assert "township=township-b" in guide  # the posters drawn for that township
    board_b = text(client.get("/public/notices/?township=township-b"))
    board_a = text(client.get("/public/notices/?township=township"))
    a_cases = [c.reference for c in Case.objects.filter(township__code="township")]
    assert not any(reference in board_b for reference in a_cases)
    assert any(reference in board_a for reference in a_cases)
