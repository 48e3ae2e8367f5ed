"""Townships as tenants in the engine: organization codes per township, routing by the township's
own handling station (an id, never a name across the database), the services refusing the staff of
another township as if the object did not exist, and a township's own values over the template."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from engine import exceptions as exc
from engine import public, services
from engine.models import (
    AdminEvent,
    AuditEvent,
    Case,
    Complaint,
    ConflictDeclaration,
    Organization,
    TownshipPower,
    TownshipSettingValue,
    WorkItem,
)
from engine.townships import derive_township_list, setting_value, visible_township_ids
from tests.conftest import grant

pytestmark = pytest.mark.django_db
STATION = "民政所（社会事务办）"  # JF-01's handling unit in the template


@pytest.fixture
def county(db):
    return Organization.objects.create(code="county", name="示范县", kind=Organization.Kind.COUNTY)


def make_township(county, code: str, name: str) -> Organization:
    return Organization.objects.create(code=code, name=name, kind=Organization.Kind.TOWNSHIP, parent=county)


def make_station(township, code: str = "station-01", name: str = STATION) -> Organization:
    return Organization.objects.create(code=code, name=name, kind=Organization.Kind.STATION, parent=township)


@pytest.fixture
def catalog(db):
    call_command("load_catalog", stdout=io.StringIO())


@pytest.fixture
def two(catalog, county, make_user):
    """Townships A and B; B (and its station) created first, so B's rows sort first; both have a
    station with the same code and name, and the same user roles."""
    b = make_township(county, "b", "东岭乡")
    b_station = make_station(b)
    a = make_township(county, "a", "示范乡")
    a_station = make_station(a)
    people = {}
    for prefix, township, station in (("a_", a, a_station), ("b_", b, b_station)):
        for role, where in (("window_clerk", township), ("handler", station), ("chief", township),
                            ("discipline_inspector", township)):  # fmt: skip
            user = make_user(prefix + role)
            grant(user, role, where)
            people[prefix + role] = user
    return {"a": a, "b": b, "a_station": a_station, "b_station": b_station, "people": people}


def start(two, prefix: str, t0) -> Case:
    return services.start_case(process_id=_process("JF-01"), power_code="JF-01", now=t0,
                               actor=two["people"][prefix + "window_clerk"], organization=two[prefix.rstrip("_")],
                               data={"applicant": "张三"})  # fmt: skip


def _process(code: str) -> str:
    from processes.models import Power

    return Power.objects.get(code=code).process_id


# ------------------------------------------------------------------------------------------
# Codes and routing
# ------------------------------------------------------------------------------------------


def test_station_codes_repeat_across_townships_but_not_within_one(county):
    a, b = make_township(county, "a", "甲乡"), make_township(county, "b", "乙乡")
    make_station(a), make_station(b)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_station(a, name="财政所")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_township(county, "a", "丙乡")
    assert Organization.objects.filter(code="station-01").count() == 2


def test_a_case_goes_to_the_station_of_its_own_township(two, t0):
    for prefix in ("a_", "b_"):
        case = start(two, prefix, t0)
        township = two[prefix.rstrip("_")]
        assert (case.township, case.handling_unit) == (township, two[prefix + "station"])


def test_routing_follows_the_townships_entry_by_id_not_the_station_name(two, t0):
    start(two, "a_", t0)  # A's entry for JF-01 now names A's station by id
    Organization.objects.filter(pk=two["a_station"].pk).update(name="社会事务办")
    make_station(two["b"], code="station-02", name="社会事务办")
    case = start(two, "a_", t0)
    assert case.handling_unit_id == two["a_station"].pk


def test_a_township_list_is_derived_once_from_the_template(two):
    from processes.models import Power

    assert derive_township_list(two["a"]) == Power.objects.active().count()
    assert derive_township_list(two["a"]) == 0
    entry = TownshipPower.objects.get(township=two["a"], power__code="JF-01")
    assert entry.handling_station == two["a_station"]


def test_a_township_entry_may_not_name_another_townships_station(two):
    from django.core.exceptions import ValidationError

    from processes.models import Power

    before = TownshipPower.objects.count()
    with pytest.raises(ValidationError):
        TownshipPower.objects.create(township=two["a"], power=Power.objects.get(code="JF-01"),
                                     handling_station=two["b_station"])  # fmt: skip
    assert TownshipPower.objects.count() == before


def test_a_townships_own_promised_limit_sets_its_deadlines(two, t0):
    derive_township_list(two["b"])
    TownshipPower.objects.filter(township=two["b"], power__code="JF-01").update(
        promised_limit_value=5, promised_limit_unit="working_day"
    )
    a_case, b_case = start(two, "a_", t0), start(two, "b_", t0)
    assert (a_case.promised_limit["value"], b_case.promised_limit["value"]) == (10, 5)
    assert b_case.due_at < a_case.due_at


def test_a_townships_own_setting_overrides_the_template(two, t0):
    from processes.models import TownshipSetting

    TownshipSettingValue.objects.create(township=two["b"], setting=TownshipSetting.objects.get(key="township_name"),
                                        value="东岭乡")  # fmt: skip
    assert (setting_value("township_name", two["a"]), setting_value("township_name", two["b"])) == ("示范乡", "东岭乡")
    TownshipSettingValue.objects.create(
        township=two["b"], setting=TownshipSetting.objects.get(key="complaint.reply_limit"),
        value={"value": 3, "unit": "calendar_day"},
    )  # fmt: skip
    a = public.file_complaint(kind="complaint", subject="x", content="y", township=two["a"], now=t0)
    b = public.file_complaint(kind="complaint", subject="x", content="y", township=two["b"], now=t0)
    assert (b.reply_due_at - t0).days == 3 and a.reply_due_at > b.reply_due_at


# ------------------------------------------------------------------------------------------
# The services refuse the staff of another township, and write nothing
# ------------------------------------------------------------------------------------------


def footprint():
    return (Case.objects.values_list("pk", "status", "last_sequence").order_by("pk").first(),
            AuditEvent.objects.count(), list(WorkItem.objects.values_list("claimed_by_id", flat=True)),
            ConflictDeclaration.objects.count(), list(Complaint.objects.values_list("status", flat=True)))  # fmt: skip


def test_every_case_service_treats_another_townships_case_as_missing(two, t0):
    case = start(two, "b_", t0)
    item = WorkItem.objects.get(case=case)
    a = two["people"]
    before = footprint()
    attempts = [
        lambda: services.claim_task(case.pk, task_id=item.task_id, actor=a["a_window_clerk"], now=t0),
        lambda: services.complete_task(case.pk, task_id=item.task_id, actor=a["a_window_clerk"], data={}, now=t0),
        lambda: services.unclaim_task(case.pk, task_id=item.task_id, actor=a["a_window_clerk"], now=t0),
        lambda: services.cancel_case(case.pk, actor=a["a_chief"], reason="撤销", now=t0),
        lambda: services.declare_conflict(case.pk, user=a["b_handler"], relation="relative", actor=a["a_chief"],
                                          now=t0),  # fmt: skip
        lambda: services.send_message(case.pk, name="objection", data={}, actor=a["a_chief"], now=t0),
    ]
    for attempt in attempts:
        with pytest.raises(exc.CaseNotFound):
            attempt()
        assert footprint() == before


def test_a_conflict_cannot_name_another_townships_staff(two, t0):
    case = start(two, "b_", t0)
    before = footprint()
    with pytest.raises(exc.InvalidTaskData):
        services.declare_conflict(case.pk, user=two["people"]["a_handler"], relation="relative",
                                  actor=two["people"]["b_chief"], now=t0)  # fmt: skip
    assert footprint() == before


def test_a_case_is_started_only_in_ones_own_township(two, t0):
    before = Case.objects.count()
    with pytest.raises(exc.OrganizationNotFound):
        services.start_case(process_id=_process("JF-01"), power_code="JF-01", now=t0, organization=two["b"],
                            actor=two["people"]["a_window_clerk"])  # fmt: skip
    with pytest.raises(exc.OrganizationNotInTownship):
        services.start_case(process_id=_process("JF-01"), power_code="JF-01", now=t0,
                            organization=two["a"].parent, actor=two["people"]["a_window_clerk"])  # fmt: skip
    assert Case.objects.count() == before


def test_a_complaint_is_answered_only_within_its_township(two, t0):
    complaint = public.file_complaint(kind="complaint", subject="x", content="y", township=two["b"], now=t0)
    with pytest.raises(public.ComplaintNotFound):
        public.reply_complaint(complaint.pk, actor=two["people"]["a_discipline_inspector"], finding="f", reply="r",
                               now=t0)  # fmt: skip
    assert Complaint.objects.get(pk=complaint.pk).status == Complaint.Status.REGISTERED
    public.reply_complaint(complaint.pk, actor=two["people"]["b_discipline_inspector"], finding="f", reply="r", now=t0)
    assert Complaint.objects.get(pk=complaint.pk).status == Complaint.Status.REPLIED


def test_a_complaint_belongs_to_the_township_named_or_its_cases(two, t0):
    case = start(two, "b_", t0)
    before = Complaint.objects.count()
    with pytest.raises(exc.OrganizationNotInTownship):
        public.file_complaint(kind="complaint", subject="x", content="y", now=t0)
    with pytest.raises(exc.OrganizationNotInTownship):
        public.file_complaint(kind="complaint", subject="x", content="y", case=case, township=two["a"], now=t0)
    assert Complaint.objects.count() == before
    assert public.file_complaint(kind="complaint", subject="x", content="y", case=case, now=t0).township == two["b"]


def test_county_inspectors_see_every_township_of_the_county_and_others_only_theirs(two, county, make_user):
    inspector, clerk = make_user("county_inspector"), make_user("county_clerk")
    grant(inspector, "discipline_inspector", county)
    grant(clerk, "window_clerk", county)
    assert visible_township_ids(inspector) == {two["a"].pk, two["b"].pk}
    assert visible_township_ids(clerk) == set()
    assert visible_township_ids(two["people"]["a_discipline_inspector"]) == {two["a"].pk}


def test_a_township_edits_its_own_values_in_the_admin_but_never_another_townships_station(two, admin_client):
    derive_township_list(two["a"])
    entry = TownshipPower.objects.get(township=two["a"], power__code="JF-01")
    form = {"handling_station": two["b_station"].pk, "promised_limit_value": "", "promised_limit_unit": "",
            "fee_basis": "", "supervision_phone": "0351-1234567", "reason": "监督电话变更"}  # fmt: skip
    logged = AdminEvent.objects.count()
    response = admin_client.post(f"/admin/engine/townshippower/{entry.pk}/change/", form)
    assert response.status_code == 200 and "承办站所必须是本乡的站所" in response.content.decode()
    assert TownshipPower.objects.get(pk=entry.pk).handling_station == two["a_station"]
    form["handling_station"] = two["a_station"].pk
    assert admin_client.post(f"/admin/engine/townshippower/{entry.pk}/change/", form).status_code == 302
    assert TownshipPower.objects.get(pk=entry.pk).supervision_phone == "0351-1234567"
    # the change is in the administration log with its reason; the refused one is not
    assert AdminEvent.objects.count() == logged + 1
    assert AdminEvent.objects.last().reason == "监督电话变更"


def test_each_township_meets_and_posts_by_its_own_settings(two):
    """A township's own quorum fraction and notice period apply to its meetings and notices; the
    other township keeps the county list's values."""
    from engine import township_rules

    TownshipSettingValue.objects.create(township=two["b"], setting_id="meeting.quorum_hold",
                                        value={"numerator": 4, "denominator": 5, "comparison": "gte"})  # fmt: skip
    TownshipSettingValue.objects.create(township=two["b"], setting_id="notice_days.jf_01",
                                        value={"value": 10, "unit": "working_day"})  # fmt: skip
    own = township_rules.meeting_fractions("ordinary", two["b"].pk)["quorum_fraction"]
    template = township_rules.meeting_fractions("ordinary", two["a"].pk)["quorum_fraction"]
    assert own == {"numerator": 4, "denominator": 5, "comparison": "gte"}
    assert template == township_rules.meeting_fractions("ordinary")["quorum_fraction"] != own
    assert township_rules.period("notice_days.jf_01", two["b"].pk) == (10, "working_day")
    assert township_rules.period("notice_days.jf_01", two["a"].pk) == township_rules.period("notice_days.jf_01")
