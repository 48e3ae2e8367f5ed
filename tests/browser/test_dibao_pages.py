"""A 低保 (JF-01) case driven through the web pages from the window to filing, each step by the
demo user of its lane, with a meeting (roster, live quorum, stances in turn, minutes drafted from
the stances, signatures) and an objection filed through the public form; then the discipline
inspector steps through the replay and sees the verification result. Nobody waits for the notice
period: the server clock (engine/clock.py, DEBUG-only setting) is moved past it and the timer
worker's service fires the timer.
"""

from __future__ import annotations

import hashlib
import io
import re
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from engine import clock, services
from engine.management.commands.seed_demo import Answers, task_user
from engine.models import AuditEvent, Case, ObjectionReceipt, WorkItem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]



def fill(page: Page, data: dict[str, Any], prefix: str = "") -> None:
    """Fill a task form from JSON data, the way a person would: radios, check boxes, dates, rows."""
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            fill(page, value, name + ".")
        elif value == []:
            continue  # an empty list: nothing to tick or type
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            for index, row in enumerate(value):
                fill(page, row, f"{name}.{index}.")
        elif isinstance(value, list):
            boxes = page.locator(f'input[type=checkbox][name="{name}"]')
            if boxes.count():
                for box in boxes.all():
                    box.set_checked(box.get_attribute("value") in [str(v) for v in value])
            else:
                page.locator(f'textarea[name="{name}"]').fill("\n".join(str(v) for v in value))
        elif isinstance(value, bool):
            page.locator(f'input[name="{name}"][value="{str(value).lower()}"]').check()
        elif page.locator(f'input[type=radio][name="{name}"]').count():
            page.locator(f'input[type=radio][name="{name}"][value="{value}"]').check()
        else:
            field = page.locator(f'[name="{name}"]')
            if field.evaluate("e => e.tagName") == "SELECT":
                field.select_option(str(value))
            elif field.get_attribute("type") == "datetime-local":
                field.fill(datetime.fromisoformat(str(value)).strftime("%Y-%m-%dT%H:%M"))
            else:
                field.fill(str(value))


def open_task(site, page: Page, case: Case, item: WorkItem) -> None:
    """From the inbox to the task's form."""
    site.go(page, "/work/")
    row = page.locator('[data-test="inbox-row"]', has_text=case.reference).filter(has_text=item.name).first
    row.get_by_role("link", name=item.name).click()
    site.assert_clean(page)
    expect(page.locator('[data-test="task-form"]')).to_be_visible()


def submit(site, page: Page) -> None:
    site.settle(page)
    page.locator('[data-test="complete"]').click()
    site.assert_clean(page)
    problems = page.locator(".error").all_inner_texts()
    assert not problems, (page.url, problems, page.locator(".field.invalid, fieldset.invalid").all_inner_texts())
    expect(page.locator(".messages")).to_contain_text("已办理")


def ready(case: Case) -> list[WorkItem]:
    return list(WorkItem.objects.filter(case=case).order_by("created_at", "id"))


def test_a_dibao_case_through_the_pages_from_the_window_to_filing(site, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # uploaded materials
    settings.DEBUG = True  # the clock may be moved only with DEBUG on
    settings.ENGINE_CLOCK_OFFSET = timedelta(0)
    call_command("load_catalog", stdout=io.StringIO())
    call_command("seed_demo", allow_production=True, stdout=io.StringIO())

    # -- the public site and the home page: no console errors, no serious accessibility problem
    public = site.public()
    for path, shot in [("/", "home"), ("/public/", "power-list"), ("/public/powers/JF-01/", "power-guide"),
                       ("/public/notices/", "notice-board"), ("/public/complaint/", None), ("/login/", "login"),
                       ("/public/receipts/?number=NOPE", None)]:  # fmt: skip
        site.go(public, path)
        site.assert_accessible(public)
        if shot:
            site.shot(public, shot)
    expect(site.go(public, "/").locator("#demo-users")).to_be_visible()

    # -- the window clerk starts the case from the power list and claims the first task (htmx)
    clerk = site.as_user("window_clerk")
    site.go(clerk, "/work/start/")
    form = clerk.locator('[data-test="start-JF-01"]')
    form.locator('input[name="applicant"]').fill("郑大妈")
    form.get_by_role("button").click()
    site.assert_clean(clerk)
    case = Case.objects.get(power_code="JF-01", audit_events__kind=AuditEvent.Kind.CASE_STARTED,
                            audit_events__actor__username="window_clerk", audit_events__payload__data__applicant="郑大妈")  # fmt: skip
    expect(clerk.locator('[data-test="case-header"]')).to_contain_text("郑大妈")
    clerk.locator('[data-test="task-row"]').get_by_role("button", name="认领").click()
    expect(clerk.locator('[data-test="task-row"]')).to_contain_text("李受理")
    site.assert_clean(clerk)
    site.shot(clerk, "case-page")

    answers = Answers(now=clock.now(), applicant="郑大妈")
    actors: list[str] = []
    objection_number = ""
    for _ in range(60):
        case.refresh_from_db()
        if case.status != Case.Status.RUNNING:
            break
        items = ready(case)
        if not items:
            # the notice period runs: a villager objects through the public form, then time passes
            assert case.next_timer_due is not None
            if not objection_number:
                objection_number = object_through_the_public_form(site, case)
            settings.ENGINE_CLOCK_OFFSET = case.next_timer_due - clock.wall() + timedelta(minutes=1)
            services.fire_due_timers(now=clock.now())
            continue
        item = items[0]
        user = task_user(item)
        page = site.as_user(user)
        answers.now = clock.now()
        data = answers.for_form(item.form, item.bpmn_id)
        open_task(site, page, case, item)
        if user == "window_clerk" and not actors:
            site.go(page, "/work/")
            site.shot(page, "inbox")
            open_task(site, page, case, item)
        if item.form == "acceptance_register":
            upload_material(site, page)
        if item.form == "meeting_attendance":
            live_quorum(site, page)
            answers.stances, answers.attendance = [], data
            data = {k: v for k, v in data.items() if k not in ("attendees", "nonvoting_attendees")}
        if item.form == "member_stance" and item.member == "committee_member_1":
            data = disagree_needs_a_reason(site, page)
        if item.form == "meeting_minutes":
            minutes_are_drafted_from_the_stances(site, page)
            data = {"minutes": {"matters": "经办站所汇报调查、审核情况，与会人员逐一发表意见"}}
        fill(page, data)
        submit(site, page)
        actors.append(user)
        if item.form == "member_stance":
            answers.stances.append({"member": item.member, **data})

    case.refresh_from_db()
    assert case.status == Case.Status.COMPLETED
    completed = list(case.audit_events.filter(kind=AuditEvent.Kind.TASK_COMPLETED).values_list("bpmn_id", "actor__username"))
    assert {"examine_objection", "record_minutes", "chief_stance"} <= {b for b, _u in completed}
    assert ("archive_case", "archivist") in completed
    # the steps were taken by the users of their lanes: ten different people
    assert len(set(actors)) >= 10, actors
    # the objection is on the record and its receipt can be looked up
    assert ObjectionReceipt.objects.filter(number=objection_number, case=case).exists()

    # the printable 受理回执 under the township's header
    clerk = site.go(site.as_user("window_clerk"), f"/work/cases/{case.pk}/")
    clerk.locator('[data-test="document-receipt"]').click()
    site.assert_clean(clerk)
    expect(clerk.locator('[data-test="document"]')).to_contain_text("示范乡人民政府")
    expect(clerk.locator('[data-test="document"]')).to_contain_text("郑大妈")
    site.shot(clerk, "document-receipt")

    inspector_steps_through(site, case)
    assert not site.console_errors


def upload_material(site, page: Page) -> None:
    """The window clerk uploads the application form (申请材料); its sha256 goes into the audit event."""
    body = b"%PDF-1.4\n% application form of the household\n"
    page.set_input_files("#upload-file", files=[{"name": "申请书.pdf", "mimeType": "application/pdf", "buffer": body}])
    page.get_by_role("button", name="上传", exact=True).click()
    site.assert_clean(page)
    expect(page.locator('[data-test="files"]')).to_contain_text("申请书.pdf")
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.FILE_ATTACHED, payload__name="申请书.pdf")
    assert event.payload["sha256"] == hashlib.sha256(body).hexdigest()
    site.shot(page, "task-form-register")


def live_quorum(site, page: Page) -> None:
    """The recorder's roster: unticking three of five members loses the quorum, live."""
    quorum = page.locator('[data-test="quorum"]')
    expect(quorum).to_contain_text("达到法定人数")
    boxes = page.locator('input[type=checkbox][name="attendees"]')
    assert boxes.count() == 5
    for index in range(3):
        boxes.nth(index).uncheck()
    expect(page.locator('[data-test="quorum"]')).to_contain_text("未达到法定人数")
    for index in range(3):
        boxes.nth(index).check()
    expect(page.locator('[data-test="quorum"]')).to_contain_text("实到（不含回避）5 人")
    site.assert_clean(page)
    page.locator('[data-test="quorum"]').scroll_into_view_if_needed()
    site.shot(page, "meeting-attendance")


def disagree_needs_a_reason(site, page: Page) -> dict[str, Any]:
    before = AuditEvent.objects.count()
    page.locator('input[name="stance"][value="disagree"]').check()
    site.settle(page)
    page.locator('[data-test="complete"]').click()
    site.assert_clean(page)
    expect(page.locator('[data-test="problem"]')).to_be_visible()
    expect(page.locator("#f-reason-error")).to_have_text("“理由（不同意、缓议、弃权时必填）”为必填项")
    site.shot(page, "stance-reason-required")
    assert AuditEvent.objects.count() == before  # refused: nothing written
    return {"stance": "disagree", "reason": "入户调查记录缺少邻里走访，建议补充"}


def minutes_are_drafted_from_the_stances(site, page: Page) -> None:
    expect(page.locator('[name="minutes.member_opinions.3.member"]')).not_to_have_value("")
    expect(page.locator('[name="minutes.dissent.0.member"]')).to_have_value("committee_member_1")
    expect(page.locator('[name="minutes.result.disagree"]')).to_have_value("1")
    site.shot(page, "meeting-minutes-draft")


def object_through_the_public_form(site, case: Case) -> str:
    page = site.public()
    site.go(page, "/public/notices/")
    page.locator('[data-test="notice"]', has_text=case.reference).get_by_role("link", name="提出异议").click()
    site.assert_clean(page)
    site.assert_accessible(page)
    page.fill("#id_content", "申请人家中新购小轿车一辆，收入情况与公示不符")
    page.locator('[data-test="objection-form"] button[type=submit]').click()
    site.assert_clean(page)
    number = page.locator('[data-test="receipt-number"]').inner_text().strip()
    assert re.fullmatch(r"YY-\d{8}-[A-Z0-9]{8}", number)
    site.shot(page, "objection-receipt")
    page.get_by_role("link", name="查询处理情况").click()
    site.assert_clean(page)
    site.assert_accessible(page)
    expect(page.locator('[data-test="receipt"]')).to_contain_text(number)
    return number


def inspector_steps_through(site, case: Case) -> None:
    page = site.as_user("discipline_inspector")
    site.go(page, f"/inspect/?q={case.reference}")
    page.locator('[data-test="case-row"]').get_by_role("link", name="逐步回放").click()
    site.assert_clean(page)
    expect(page.locator('[data-test="verdict"]')).to_contain_text("校验通过")
    site.go(page, f"/inspect/cases/{case.pk}/?step=3")  # 1 started, 2 claimed, 3 material uploaded
    expect(page.locator('[data-test="step-event"]')).to_contain_text("上传申请材料")
    page.locator('[data-test="next"]').click()  # 4: the application registered
    site.assert_clean(page)
    expect(page.get_by_text("第 4 步")).to_be_visible()
    expect(page.locator('[data-test="step-event"]')).to_contain_text("李受理")
    expect(page.locator('[data-test="submitted"]')).to_contain_text("郑大妈")
    expect(page.locator(".chart img")).to_have_js_property("complete", True)
    site.shot(page, "step-through")
