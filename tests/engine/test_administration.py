"""Administration through services: assignments, settings, the holiday table and user accounts
change only with a reason, under their rules, and each change lands in the hash-chained
administration log that verify_audit checks."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from engine import exceptions as exc
from engine.models import AdminEvent, AdminLogHead, Assignment, CalendarDay
from engine.services import administration
from processes.models import Position, TownshipSetting
from tests.conftest import grant

pytestmark = pytest.mark.django_db


def footprint() -> tuple[int, int, int, int]:
    return (Assignment.objects.count(), AdminEvent.objects.count(), CalendarDay.objects.count(),
            get_user_model().objects.count())  # fmt: skip


@pytest.fixture
def boss(make_user):
    return get_user_model().objects.create_superuser("boss", password="pw-boss")


@pytest.fixture
def client(boss, client):
    client.force_login(boss)
    return client


# --- the services --------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_a_change_without_a_reason_is_refused_by_the_service(people, township, t0, reason):
    before = footprint()
    with pytest.raises(exc.ReasonRequired):
        administration.assign_position(user=people["alice"], position_code="archivist", organization=township,
                                       actor=None, reason=reason, now=t0)  # fmt: skip
    with pytest.raises(exc.ReasonRequired):
        administration.set_calendar_day(date=date(2027, 1, 1), is_workday=False, name="元旦", actor=None,
                                        reason=reason, now=t0)  # fmt: skip
    assert footprint() == before


def test_the_chief_is_refused_the_five_areas_with_nothing_written(people, township, t0):
    before = footprint()
    with pytest.raises(exc.ChiefNotDirectHandler):
        administration.assign_position(user=people["chief"], position_code="deputy", organization=township,
                                       areas=["财务", "人事"], actor=None, reason="分工调整", now=t0)  # fmt: skip
    assert footprint() == before


def test_each_change_is_logged_with_actor_time_reason_before_and_after(people, township, t0, boss):
    assignment, _ = administration.assign_position(user=people["alice"], position_code="archivist",
                                                   organization=township, actor=boss, reason="兼任档案管理", now=t0)
    day = administration.set_calendar_day(date=date(2027, 1, 1), is_workday=False, name="元旦", actor=boss,
                                          reason="放假安排", now=t0 + timedelta(minutes=1)).instance
    TownshipSetting.objects.create(key="notice_days", value=7, label="公示天数")
    administration.set_setting(key="notice_days", value=5, actor=boss, reason="县里新规定",
                               now=t0 + timedelta(minutes=2))  # fmt: skip
    administration.set_user_active(user=people["bob"], active=False, actor=boss, reason="调离",
                                   now=t0 + timedelta(minutes=3))  # fmt: skip
    events = list(AdminEvent.objects.order_by("sequence"))
    assert [(e.sequence, e.kind, e.actor_name, e.reason) for e in events] == [
        (1, "engine.assignment.create", "boss", "兼任档案管理"),
        (2, "engine.calendarday.create", "boss", "放假安排"),
        (3, "processes.townshipsetting.change", "boss", "县里新规定"),
        (4, "auth.user.change", "boss", "调离"),
    ]
    assert events[0].before is None and events[0].after["id"] == assignment.pk
    assert events[1].after["date"] == "2027-01-01" and events[1].target == f"engine.calendarday:{day.pk}"
    assert (events[2].before["value"], events[2].after["value"]) == (7, 5)
    assert (events[3].before["is_active"], events[3].after["is_active"]) == (True, False)
    assert [e.at for e in events] == [t0 + timedelta(minutes=m) for m in range(4)]
    assert administration.verify_admin_log().ok


def test_the_log_refuses_a_time_behind_its_last_entry(people, township, t0):
    administration.assign_position(user=people["alice"], position_code="archivist", organization=township,
                                   actor=None, reason="兼任", now=t0)  # fmt: skip
    before = footprint()
    with pytest.raises(exc.ClockBehindRecord):
        administration.set_calendar_day(date=date(2027, 1, 1), is_workday=False, actor=None, reason="放假",
                                        now=t0 - timedelta(seconds=1))  # fmt: skip
    assert footprint() == before


def test_the_log_is_append_only(people, township, t0):
    administration.assign_position(user=people["alice"], position_code="archivist", organization=township,
                                   actor=None, reason="兼任", now=t0)  # fmt: skip
    event = AdminEvent.objects.get()
    event.reason = "改"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


# --- tampering ----------------------------------------------------------------------------------


@pytest.fixture
def logged(people, township, t0):
    for minute, user in enumerate(["alice", "bob", "carol"]):
        administration.assign_position(user=people[user], position_code="archivist", organization=township,
                                       actor=None, reason=f"第{minute}次", now=t0 + timedelta(minutes=minute))  # fmt: skip
    return AdminEvent.objects.order_by("sequence")


def test_a_tampered_entry_is_named_by_verify_audit(logged, capsys):
    call_command("verify_audit", stdout=io.StringIO())
    AdminEvent.objects.filter(sequence=2).update(reason="从未发生")  # behind the services
    report = administration.verify_admin_log()
    assert (report.ok, report.first_bad_sequence) == (False, 2)
    with pytest.raises(CommandError) as raised:
        call_command("verify_audit", stdout=io.StringIO())
    assert raised.value.returncode == 2
    assert "管理日志断裂：第 2 条" in capsys.readouterr().err


def test_a_deleted_last_entry_is_named(logged):
    AdminEvent.objects.filter(sequence=3).delete()  # a queryset delete bypasses the model guard
    assert (administration.verify_admin_log().ok, administration.verify_admin_log().first_bad_sequence) == (False, 3)


def test_an_inserted_entry_is_called_inserted(logged):
    AdminLogHead.objects.filter(pk=1).update(last_sequence=2)
    report = administration.verify_admin_log()
    assert (report.ok, report.first_bad_sequence) == (False, 3) and "插入" in report.problem


# --- the admin forms ----------------------------------------------------------------------------


def assignment_form(user, position_code: str, organization, areas: str = "[]", reason: str = "分工") -> dict:
    return {"user": user.pk, "position": Position.objects.get(code=position_code).pk,
            "organization": organization.pk, "areas": areas, "reason": reason}  # fmt: skip


def test_the_admin_asks_for_a_reason_and_writes_nothing_without_it(client, people, township):
    before = footprint()
    response = client.post("/admin/engine/assignment/add/",
                           assignment_form(people["alice"], "archivist", township, reason=""))  # fmt: skip
    assert response.status_code == 200 and "reason" in response.context["adminform"].form.errors
    response = client.post("/admin/engine/calendarday/add/", {"date": "2027-01-01", "is_workday": "", "name": "元旦"})
    assert response.status_code == 200
    assert footprint() == before


def test_the_admin_refuses_the_chief_the_five_areas(client, people, township):
    before = footprint()
    response = client.post("/admin/engine/assignment/add/",
                           assignment_form(people["chief"], "deputy", township, areas='["财务"]'))  # fmt: skip
    assert response.status_code == 200
    assert "五不直接分管" in str(response.context["adminform"].form.non_field_errors())
    assert footprint() == before


def test_the_admin_warns_when_one_deputy_holds_all_five_areas(client, people, township):
    grant(people["alice"], "deputy", township, areas=["财务", "人事", "工程项目"])
    response = client.post("/admin/engine/assignment/add/",
                           assignment_form(people["bob"], "deputy", township, areas='["行政审批"]'), follow=True)
    assert not any("五个领域" in str(m) for m in response.context["messages"])
    other = township.children.create(code="s9", name="财政所", kind="station")
    response = client.post("/admin/engine/assignment/add/",
                           assignment_form(people["alice"], "deputy", other, areas='["行政审批", "物资采购"]'),
                           follow=True)  # fmt: skip
    assert any("五个领域" in str(m) for m in response.context["messages"])


def test_every_admin_change_is_in_the_log(client, people, township, boss):
    TownshipSetting.objects.create(key="notice_days", value=7, label="公示天数")
    setting = TownshipSetting.objects.get(key="notice_days")
    posts = [
        ("/admin/engine/assignment/add/", assignment_form(people["alice"], "archivist", township, reason="兼任")),
        ("/admin/engine/calendarday/add/", {"date": "2027-01-01", "is_workday": "", "name": "元旦", "reason": "放假"}),
        (f"/admin/processes/townshipsetting/{setting.pk}/change/",
         {"key": "notice_days", "value": "5", "label": "公示天数", "note": "", "reason": "县里新规定"}),
        ("/admin/auth/user/add/", {"username": "newcomer", "password1": "Zq9!long-enough-pw", "password2": "Zq9!long-enough-pw",
                                   "usable_password": "true", "reason": "新进人员"}),
    ]  # fmt: skip
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code == 302, (url, response.context and response.context["adminform"].form.errors)
    assignment = Assignment.objects.get(user=people["alice"], position__code="archivist")
    refused = client.post(f"/admin/engine/assignment/{assignment.pk}/delete/", {"post": "yes"})
    assert refused.status_code == 302 and Assignment.objects.filter(pk=assignment.pk).exists()
    response = client.post(f"/admin/engine/assignment/{assignment.pk}/delete/", {"post": "yes", "reason": "不再兼任"})
    assert response.status_code == 302 and not Assignment.objects.filter(pk=assignment.pk).exists()
    log = [(e.kind, e.actor_name, e.reason) for e in AdminEvent.objects.order_by("sequence")]
    assert log == [
        ("engine.assignment.create", "boss", "兼任"),
        ("engine.calendarday.create", "boss", "放假"),
        ("processes.townshipsetting.change", "boss", "县里新规定"),
        ("auth.user.create", "boss", "新进人员"),
        ("engine.assignment.delete", "boss", "不再兼任"),
    ]
    setting_event = AdminEvent.objects.get(kind="processes.townshipsetting.change")
    assert (setting_event.before["value"], setting_event.after["value"]) == (7, 5)
    assert "password" not in AdminEvent.objects.get(kind="auth.user.create").after
    assert administration.verify_admin_log().ok
