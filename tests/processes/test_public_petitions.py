"""信访: registration, 15 days to decide on acceptance and 60 to handle (working days by the
township's settings, across holidays), extensions up to 30, routed to a mediation or a power's
case with the link kept both ways, the outcome reported back and followed by number."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from engine import exceptions as exc
from engine import petitions, public_deadlines, public_errors
from engine.models import Case
from engine.public_models import Petition, PublicEscalation
from tests.processes.conftest import CaseDriver, assert_closed, register_power
from tests.processes.public_side import counts, power_driver

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
BEFORE_NATIONAL_DAY = datetime(2026, 9, 28, 10, 0, tzinfo=TZ)  # a Monday; 1-7 October are holidays


def register(staff, township, now, **kwargs):
    values = {"channel": "visit", "subject": "与邻居宅基地边界纠纷", "content": "请求乡里调解", "petitioner_name": "赵六",
              "petitioner_contact": "13900002222"} | kwargs  # fmt: skip
    return petitions.register_petition(actor=staff["recorder"], township=township, now=now, **values)


@pytest.fixture
def working_days(loaded, township):
    """The township counts the regulation's periods in working days (its setting; the default is days)."""
    from engine.models import TownshipSettingValue

    for key, days in (("petition.accept_limit", 15), ("petition.handle_limit", 60), ("petition.extension_max", 30)):
        TownshipSettingValue.objects.create(township=township, setting_id=key,
                                            value={"value": days, "unit": "working_day"})  # fmt: skip


@pytest.mark.usefixtures("working_days")
def test_the_deadlines_count_working_days_across_the_national_day_holiday(loaded, staff, township):
    petition = register(staff, township, BEFORE_NATIONAL_DAY)
    # 15 working days: 29, 30 September; 1-7 October are the National Day holiday (the 2026 notice);
    # Saturday 10 October is a make-up working day; then 12-16 and 19-23 October
    assert petition.accept_due_at.isoformat() == "2026-10-23T23:59:59+08:00"
    decided = datetime(2026, 10, 9, 15, 0, tzinfo=TZ)
    petitions.decide_acceptance(petition.pk, actor=staff["deputy"], accept=True, note="予以受理，60日内办结", now=decided)
    petition.refresh_from_db()
    assert petition.status == "accepted" and petition.handle_due_at.astimezone(TZ).isoformat() == "2026-12-31T23:59:59+08:00"
    shown = petitions.progress(petition.number)
    assert shown["handle_due_at"] == petition.handle_due_at and "赵六" not in str(shown) and "1390000" not in str(shown)


@pytest.mark.usefixtures("working_days")
def test_an_overdue_acceptance_escalates_and_the_handling_period_has_its_own_ladder(loaded, staff, township):
    petition = register(staff, township, BEFORE_NATIONAL_DAY)
    late = petition.accept_due_at + timedelta(days=4, seconds=1)  # two working days after Friday 23 October
    assert public_deadlines.escalate_public_overdue(now=late) == 3
    ladder = PublicEscalation.objects.filter(kind="petition_accept", object_id=petition.pk).order_by("level")
    assert [(e.level, e.notified) for e in ladder] == [(1, ["recorder"]), (2, ["chief", "deputy"]), (3, ["inspector"])]
    petitions.decide_acceptance(petition.pk, actor=staff["chief"], accept=True, note="受理", now=late)
    petition.refresh_from_db()
    assert petition.escalation_level == 0
    assert public_deadlines.escalate_public_overdue(now=petition.handle_due_at + timedelta(seconds=1)) == 1
    assert PublicEscalation.objects.filter(kind="petition_handle", object_id=petition.pk).count() == 1


@pytest.mark.usefixtures("working_days")
def test_extensions_are_approved_by_a_leader_up_to_thirty_days_before_the_period_ends(loaded, staff, township):
    petition = register(staff, township, BEFORE_NATIONAL_DAY)
    petitions.decide_acceptance(petition.pk, actor=staff["deputy"], accept=True, note="受理", now=BEFORE_NATIONAL_DAY)
    petition.refresh_from_db()
    due = petition.handle_due_at
    before = counts()
    with pytest.raises(exc.NotAuthorized):
        petitions.extend_petition(petition.pk, actor=staff["recorder"], days=10, reason="情况复杂", now=BEFORE_NATIONAL_DAY)
    with pytest.raises(public_errors.PetitionExtensionTooLong):
        petitions.extend_petition(petition.pk, actor=staff["chief"], days=31, reason="情况复杂", now=BEFORE_NATIONAL_DAY)
    with pytest.raises(public_errors.TextRequired):
        petitions.extend_petition(petition.pk, actor=staff["chief"], days=10, reason=" ", now=BEFORE_NATIONAL_DAY)
    with pytest.raises(public_errors.PetitionWrongState):
        petitions.extend_petition(petition.pk, actor=staff["chief"], days=10, reason="情况复杂",
                                  now=due + timedelta(seconds=1))  # fmt: skip
    assert counts() == before
    petitions.extend_petition(petition.pk, actor=staff["chief"], days=20, reason="需县国土所测绘", now=BEFORE_NATIONAL_DAY)
    with pytest.raises(public_errors.PetitionExtensionTooLong):  # 20 + 11 > 30
        petitions.extend_petition(petition.pk, actor=staff["chief"], days=11, reason="再延", now=BEFORE_NATIONAL_DAY)
    petition.refresh_from_db()
    assert petition.extended_days == 20 and petition.handle_due_at > due + timedelta(days=27)


def test_a_petition_routed_to_mediation_learns_the_result_and_the_petitioner_is_told(loaded, staff, township, t0):
    register_power("power_qt_02")
    petition = register(staff, township, t0)
    before = counts()
    with pytest.raises(public_errors.PetitionWrongState):  # not accepted yet
        petitions.route_petition(petition.pk, actor=staff["clerk"], route="mediation", power_code="QT-02", now=t0)
    assert counts() == before
    petitions.decide_acceptance(petition.pk, actor=staff["deputy"], accept=True, note="受理", now=t0)
    before = counts()
    with pytest.raises(public_errors.PetitionRouteInvalid):
        petitions.route_petition(petition.pk, actor=staff["clerk"], route="mediation", power_code="JF-01", now=t0)
    with pytest.raises(exc.NotAuthorized):  # starting the mediation case is the start service's, with its checks
        petitions.route_petition(petition.pk, actor=staff["recorder"], route="mediation", power_code="QT-02", now=t0)
    assert counts() == before
    petition = petitions.route_petition(petition.pk, actor=staff["clerk"], route="mediation", power_code="QT-02", now=t0)
    case = petition.case
    assert case.power_code == "QT-02" and list(case.petitions.all()) == [petition]  # both ways
    with pytest.raises(public_errors.PetitionWrongState):  # the case is still running
        petitions.conclude_petition(petition.pk, actor=staff["recorder"], outcome="已调解", now=t0)
    driver = CaseDriver("power_qt_02", staff, township, t0 + timedelta(minutes=5), case=case)
    assert_closed(driver.run(), approved=True)
    petition.refresh_from_db()
    assert petition.case_outcome == "agreement"
    petitions.conclude_petition(petition.pk, actor=staff["recorder"], outcome="双方达成调解协议，电话13900002222告知",
                                now=driver.tick())  # fmt: skip
    shown = petitions.progress(petition.number)
    assert shown["status"] == "concluded" and shown["case_reference"] == case.reference
    assert shown["outcome"] == "双方达成调解协议，电话139****2222告知"


def test_a_petition_that_belongs_to_a_power_is_linked_to_its_case(loaded, staff, township, t0):
    application = power_driver("JF-01", staff, township, t0)
    petition = register(staff, township, t0, subject="低保申请进度", content="催办")
    petitions.decide_acceptance(petition.pk, actor=staff["deputy"], accept=True, note="转民政所", now=t0)
    with pytest.raises(exc.CaseNotFound):
        petitions.route_petition(petition.pk, actor=staff["recorder"], route="power", case_reference="JF-01-X", now=t0)
    petitions.route_petition(petition.pk, actor=staff["recorder"], route="power",
                             case_reference=application.case.reference, now=t0)  # fmt: skip
    assert list(Case.objects.get(pk=application.case.pk).petitions.values_list("number", flat=True)) == [petition.number]
    application.run()
    assert Petition.objects.get(pk=petition.pk).case_outcome == "approved"


def test_a_petition_not_accepted_is_told_why_and_closed_for_handling(loaded, staff, township, t0):
    petition = register(staff, township, t0, subject="对法院判决不服")
    before = counts()
    with pytest.raises(public_errors.TextRequired):
        petitions.decide_acceptance(petition.pk, actor=staff["deputy"], accept=False, note="", now=t0)
    with pytest.raises(exc.NotAuthorized):
        petitions.decide_acceptance(petition.pk, actor=staff["clerk"], accept=False, note="x", now=t0)
    with pytest.raises(public_errors.ChannelRequired):
        register(staff, township, t0, channel="pigeon")
    assert counts() == before
    petitions.decide_acceptance(petition.pk, actor=staff["deputy"], accept=False,
                                note="属于诉讼程序解决的事项，请依法申请再审", now=t0)  # fmt: skip
    assert petitions.progress(petition.number)["status"] == "not_accepted"
    with pytest.raises(public_errors.PetitionWrongState):
        petitions.route_petition(petition.pk, actor=staff["clerk"], route="direct", now=t0)


def test_the_regulations_days_are_calendar_days_by_default(loaded, staff, township):
    # 15 days from Monday 21 September end on 6 October, a holiday: moved to Thursday 8 October (民法典 art. 203)
    petition = register(staff, township, datetime(2026, 9, 21, 10, 0, tzinfo=TZ))
    assert petition.accept_due_at.astimezone(TZ).isoformat() == "2026-10-08T23:59:59+08:00"


def test_the_staff_of_another_township_never_reach_a_petition(loaded, staff, township, make_user):
    from engine.models import Organization
    from tests.conftest import grant

    other = Organization.objects.create(code="other", name="东岭乡", kind="township", parent=township.parent)
    outsider = make_user("b_chief")
    grant(outsider, "chief", other)
    petition = register(staff, township, BEFORE_NATIONAL_DAY)
    before = counts()
    with pytest.raises(public_errors.PetitionNotFound):
        petitions.decide_acceptance(petition.pk, actor=outsider, accept=True, note="受理", now=BEFORE_NATIONAL_DAY)
    with pytest.raises(exc.OrganizationNotFound):
        petitions.register_petition(actor=outsider, township=township, channel="letter", subject="x", content="y",
                                    now=BEFORE_NATIONAL_DAY)  # fmt: skip
    assert counts() == before
