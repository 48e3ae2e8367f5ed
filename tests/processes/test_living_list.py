"""The power list is a living document (两阅): after the first load the database is the list of
record; the files, a spreadsheet import and an admin edit only propose change sets, which a
second person with a leader's position approves; approval publishes a new version; running
cases keep the rules they started under; make run never reverts an approved change."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from engine import clock, rules, services
from engine import exceptions as exc
from engine.models import AdminEvent, Organization
from engine.services import catalog
from processes.catalog_data import CATALOG_DIR
from processes.exchange import export_xlsx
from processes.models import CatalogChangeSet, CatalogVersion, Power
from tests.conftest import grant

pytestmark = pytest.mark.django_db


def run(*argv: str) -> str:
    out = io.StringIO()
    call_command(*argv, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def listed(db):
    run("load_catalog")
    return CatalogVersion.current()


@pytest.fixture
def staff(listed, make_user):
    county = Organization.objects.create(code="c-list", name="县", kind=Organization.Kind.COUNTY)
    town = Organization.objects.create(code="t-list", name="清单乡", kind=Organization.Kind.TOWNSHIP, parent=county)
    users = {}
    for name, position in [("lead_chief", "chief"), ("lead_deputy", "deputy"), ("head", "station_head"),
                           ("clerk_x", "window_clerk"), ("handler_x", "handler")]:  # fmt: skip
        users[name] = make_user(name)
        grant(users[name], position, town)
    users["town"] = town
    return users


def jf01() -> tuple[int, str]:
    power = Power.objects.get(code="JF-01")
    return power.promised_limit_value, power.promised_limit_unit


def workbook_with_jf01_limit(tmp_path: Path, text: str) -> Path:
    path = export_xlsx(tmp_path / "catalog.xlsx")
    book = load_workbook(path)
    sheet = book["行政权力总表"]
    header = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[header.index("权力编码")].value == "JF-01":
            row[header.index("承诺时限")].value = text
    book.save(path)
    return path


def test_the_first_load_publishes_version_one_and_a_second_changes_nothing(listed):
    assert (listed.number, CatalogVersion.objects.count()) == (1, 1)
    assert AdminEvent.objects.filter(kind="catalog.publish").count() == 1
    out = run("load_catalog")
    assert "一致" in out
    assert CatalogChangeSet.objects.count() == 0


def test_an_import_then_load_catalog_and_make_run_keep_the_approved_change(staff, tmp_path):
    assert jf01() == (10, "working_day")
    path = workbook_with_jf01_limit(tmp_path, "8个工作日")
    run("import_catalog", str(path), "--as", "head", "--reason", "县民政局压缩承诺时限")
    proposal = CatalogChangeSet.objects.get()
    assert jf01() == (10, "working_day")  # proposed, not in effect
    assert {"kind": "power", "key": "JF-01", "field": "promised_limit_value", "old": 10, "new": 8} in proposal.changes
    assert len(proposal.changes) == 1

    run("catalog_changes", "approve", str(proposal.pk), "--as", "lead_chief", "--note", "同意")
    assert jf01() == (8, "working_day")
    assert CatalogVersion.current().number == 2

    # make run: migrate, load_catalog (the files still say 10), seed_demo
    run("migrate", "--noinput")
    out = run("load_catalog")
    run("seed_demo", "--allow-production")
    assert jf01() == (8, "working_day")
    assert CatalogVersion.current().number == 2
    reverting = CatalogChangeSet.objects.get(status=CatalogChangeSet.Status.PROPOSED)
    assert "#%d" % reverting.pk in out  # the difference is proposed, never applied
    assert {"kind": "power", "key": "JF-01", "field": "promised_limit_value", "old": 8, "new": 10} in reverting.changes
    run("load_catalog")  # the same difference again: no second proposal
    assert CatalogChangeSet.objects.filter(status=CatalogChangeSet.Status.PROPOSED).count() == 1


def test_the_proposer_cannot_approve(staff, tmp_path):
    path = workbook_with_jf01_limit(tmp_path, "8个工作日")
    run("import_catalog", str(path), "--as", "lead_chief", "--reason", "压缩承诺时限")
    proposal = CatalogChangeSet.objects.get()
    events = AdminEvent.objects.count()
    with pytest.raises(exc.ProposerCannotApprove):
        catalog.approve(proposal.pk, actor=staff["lead_chief"], note="同意", now=clock.now())
    with pytest.raises(CommandError, match="proposer_cannot_approve"):
        run("catalog_changes", "approve", str(proposal.pk), "--as", "lead_chief", "--note", "同意")
    proposal.refresh_from_db()
    assert (proposal.status, jf01(), CatalogVersion.objects.count(), AdminEvent.objects.count()) == (
        "proposed", (10, "working_day"), 1, events)
    catalog.approve(proposal.pk, actor=staff["lead_deputy"], note="同意", now=clock.now())
    assert jf01() == (8, "working_day")


@pytest.mark.parametrize("who", ["head", "clerk_x", "handler_x"])
def test_only_a_leader_approves(staff, tmp_path, who):
    run("import_catalog", str(workbook_with_jf01_limit(tmp_path, "8个工作日")), "--as", "lead_chief",
        "--reason", "压缩承诺时限")  # fmt: skip
    proposal = CatalogChangeSet.objects.get()
    with pytest.raises(exc.NotAuthorized):
        catalog.approve(proposal.pk, actor=staff[who], note="同意", now=clock.now())
    assert jf01() == (10, "working_day") and CatalogVersion.objects.count() == 1


def test_a_proposal_without_a_reason_is_refused(staff, tmp_path):
    with pytest.raises(CommandError, match="reason_required"):
        run("import_catalog", str(workbook_with_jf01_limit(tmp_path, "8个工作日")), "--as", "head")
    assert CatalogChangeSet.objects.count() == 0 and jf01() == (10, "working_day")


def test_a_stale_proposal_is_refused(staff, tmp_path):
    run("import_catalog", str(workbook_with_jf01_limit(tmp_path, "8个工作日")), "--as", "head", "--reason", "八天")
    first = CatalogChangeSet.objects.get()
    run("import_catalog", str(workbook_with_jf01_limit(tmp_path, "9个工作日")), "--as", "head", "--reason", "九天")
    second = CatalogChangeSet.objects.exclude(pk=first.pk).get()
    catalog.approve(second.pk, actor=staff["lead_chief"], note="同意", now=clock.now())
    with pytest.raises(exc.ChangeSetStale):
        catalog.approve(first.pk, actor=staff["lead_deputy"], note="同意", now=clock.now())
    assert jf01() == (9, "working_day")


def test_running_cases_keep_the_rules_they_started_under(staff, tmp_path, edit_catalog, catalog_dir):
    services.register_definition  # noqa: B018 (definitions are loaded by load_catalog)
    case = services.start_case(process_id="power_jf_01", power_code="JF-01", actor=staff["clerk_x"],
                               organization=staff["town"], now=clock.now(),
                               data={"applicant": "张三"})  # fmt: skip
    assert case.catalog_version == CatalogVersion.current()
    assert "acceptor_not_reviewer" in rules.separation_rules(case)
    due = case.due_at
    path = catalog_dir / "powers.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("promised_limit: {value: 10, unit: working_day}\n    promised_limit_note: 不含",
                                 "promised_limit: {value: 8, unit: working_day}\n    promised_limit_note: 不含"),
                    encoding="utf-8")  # fmt: skip
    power = Power.objects.get(code="JF-01")
    power.separation_of_duties = ["conflict_recusal"]  # what a later version will say
    proposal, _ = catalog.propose(source="admin", change=lambda: power.save(), actor=staff["head"], reason="简化",
                                  now=clock.now())  # fmt: skip
    catalog.approve(proposal.pk, actor=staff["lead_chief"], note="同意", now=clock.now())
    assert Power.objects.get(code="JF-01").separation_of_duties == ["conflict_recusal"]
    case.refresh_from_db()
    assert "acceptor_not_reviewer" in rules.separation_rules(case)  # the version it started under
    assert case.due_at == due
    later = services.start_case(process_id="power_jf_01", power_code="JF-01", actor=staff["clerk_x"],
                                organization=staff["town"], now=clock.now(),
                                data={"applicant": "李四"})  # fmt: skip
    assert rules.separation_rules(later) == ("conflict_recusal",)


def test_export_writes_the_yaml_of_the_current_list(staff, tmp_path):
    run("import_catalog", str(workbook_with_jf01_limit(tmp_path, "8个工作日")), "--as", "head", "--reason", "八天")
    catalog.approve(CatalogChangeSet.objects.get().pk, actor=staff["lead_chief"], note="同意", now=clock.now())
    run("export_catalog", str(tmp_path / "yaml"), "--format", "yaml")
    assert "一致" in run("load_catalog", "--catalog-dir", str(tmp_path / "yaml"))
    assert CatalogChangeSet.objects.filter(status=CatalogChangeSet.Status.PROPOSED).count() == 0
    for name in ("settings", "positions", "categories", "responsibilities", "powers"):
        assert (tmp_path / "yaml" / f"{name}.yaml").exists()
    assert CATALOG_DIR.exists()


def fields_of(form) -> dict:
    """What the browser would send back for an unchanged form."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[form.add_prefix(name)] = [str(v) for v in value] if isinstance(value, list | tuple) else value
    return data


def test_an_admin_edit_is_a_proposal_approved_by_another_leader(staff, client):
    power = Power.objects.get(code="JF-01")
    client.force_login(staff["lead_chief"])
    staff["lead_chief"].is_staff = staff["lead_chief"].is_superuser = True
    staff["lead_chief"].save()
    page = client.get(f"/admin/processes/power/{power.pk}/change/")
    data = fields_of(page.context["adminform"].form)
    for formset in page.context["inline_admin_formsets"]:
        data.update(fields_of(formset.formset.management_form))
        for inline in formset.formset.forms:
            data.update(fields_of(inline))
    data.update({"promised_limit_value": "7", "reason": "窗口提速"})
    response = client.post(f"/admin/processes/power/{power.pk}/change/", data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    assert jf01() == (10, "working_day")
    proposal = CatalogChangeSet.objects.get(source="admin")
    assert {"kind": "power", "key": "JF-01", "field": "promised_limit_value", "old": 10, "new": 7} in proposal.changes
    with pytest.raises(exc.ProposerCannotApprove):
        catalog.approve(proposal.pk, actor=staff["lead_chief"], note="同意", now=clock.now())
    catalog.approve(proposal.pk, actor=staff["lead_deputy"], note="同意", now=clock.now())
    assert jf01() == (7, "working_day")


def test_the_public_list_shows_its_version_and_date(staff, tmp_path, client):
    response = client.get("/api/powers/")
    assert (response["X-List-Version"], response["X-List-Effective-From"]) == (
        "1", CatalogVersion.current().effective_from.isoformat())
    run("import_catalog", str(workbook_with_jf01_limit(tmp_path, "8个工作日")), "--as", "head", "--reason", "八天")
    catalog.approve(CatalogChangeSet.objects.get().pk, actor=staff["lead_chief"], note="同意", now=clock.now())
    body = client.get("/api/list-version/").json()
    assert body["number"] == 2 and body["effective_from"] == CatalogVersion.current().effective_from.isoformat()
    assert client.get("/api/powers/JF-01/")["X-List-Version"] == "2"
