"""Loading the YAML catalog: counts, completeness, idempotence, all-or-nothing errors, retiring powers."""

import datetime as dt
import json
from collections import Counter

import pytest
import yaml

from engine.models import Assignment
from processes.catalog_data import CATALOG_DIR, SCHEMA_DIR, CatalogError, load_catalog_data, resolve_period
from processes.models import (
    Category,
    CollectiveDecision,
    FiveArea,
    ItemClass,
    LegalBasis,
    Position,
    Power,
    ProcessNode,
    Responsibility,
    RiskPoint,
    SeparationRule,
    TimeUnit,
)

pytestmark = pytest.mark.django_db

ADMINISTRATOR_ENTRY = (
    "  - code: administrator\n    name: 系统管理员\n"
    "    description: 维护权力清单、用户和流程版本；不办理具体事项。\n"
)


def _line_of(path, fragment):
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if fragment in line)


def test_load_stores_7_categories_31_powers_and_22_responsibilities(loaded):
    assert Category.objects.count() == 7
    assert Power.objects.active().count() == 31
    assert Responsibility.objects.count() == 22
    assert loaded.totals == {"category": 7, "power": 31, "responsibility": 22}


def test_powers_are_spread_over_the_categories_as_listed(loaded):
    counts = Counter(Power.objects.values_list("category__code", flat=True))
    assert counts == {"XK": 4, "CF": 4, "QZ": 2, "JF": 9, "QR": 5, "CJ": 2, "QT": 5}
    assert list(Category.objects.values_list("code", flat=True)) == ["XK", "CF", "QZ", "JF", "QR", "CJ", "QT"]


def test_every_power_has_basis_risks_process_id_and_limits_with_units(loaded):
    for power in Power.objects.all():
        assert power.legal_bases.exists(), power.code
        assert power.risk_points.exists(), power.code
        assert power.responsibilities.exists(), power.code
        assert power.process_id == "power_" + power.code.lower().replace("-", "_")
        assert power.promised_limit_unit in TimeUnit.values, power.code
        if power.legal_limit_value is None:
            assert power.legal_limit_unit == "", power.code
            assert power.legal_limit_note, power.code
        else:
            assert power.legal_limit_unit in TimeUnit.values, power.code


def test_jf_01_has_its_process_id_and_a_village_evaluation_then_leaders_meeting(loaded):
    power = Power.objects.get(code="JF-01")
    assert power.process_id == "power_jf_01"
    assert power.flow == "benefit"
    assert power.collective_decisions == ["village_eval", "leaders_meeting"]
    assert list(power.risk_points.values_list("node", flat=True)) == [
        "acceptance",
        "investigation",
        "village_evaluation",
        "review",
        "collective_decision",
        "public_notice",
        "disbursement",
        "filing",
    ]


def test_old_and_new_article_numbers_are_separate_basis_versions_with_dates(loaded):
    bases = LegalBasis.objects.filter(
        power__code="CJ-01", law__startswith="中华人民共和国土地管理法"
    ).order_by("position")
    assert [(b.article, b.effective_from, b.effective_to) for b in bases] == [
        ("第十六条", dt.date(1999, 1, 1), dt.date(2019, 12, 31)),
        ("第十四条", dt.date(2020, 1, 1), None),
    ]


def test_notice_period_is_a_township_setting_reference(loaded):
    jf_02 = Power.objects.get(code="JF-02")
    assert jf_02.notice["period"] == {"setting": "notice_days.jf_02"}
    assert jf_02.notice["minors_excluded"] is True
    assert resolve_period(jf_02.notice["period"]) == {"value": 7, "unit": "calendar_day"}
    assert Power.objects.get(code="CF-01").notice["publish_within"] == {"value": 20, "unit": "working_day"}
    assert Power.objects.get(code="QR-03").notice is None


def test_supervision_phone_is_a_setting_not_a_literal(loaded):
    assert set(Power.objects.values_list("supervision_phone_setting_id", flat=True)) == {"supervision_phone"}
    assert set(Responsibility.objects.values_list("supervision_phone_setting_id", flat=True)) == {
        "supervision_phone"
    }


def test_reloading_unchanged_files_reports_no_change(loaded, loaded_at, catalog_state):
    before = catalog_state()
    report = load_catalog_data(CATALOG_DIR, now=loaded_at + dt.timedelta(days=1))
    assert report.changes == 0
    assert catalog_state() == before


def test_first_load_reports_what_it_created(loaded):
    assert loaded.created["power"] == 31
    assert loaded.created["responsibility"] == 22
    assert loaded.created["legal_basis"] == LegalBasis.objects.count()
    assert loaded.created["risk_point"] == RiskPoint.objects.count()
    assert loaded.changes == sum(loaded.created.values())


def test_yaml_syntax_error_names_file_and_line_and_writes_nothing(db, catalog_dir, edit_catalog, row_counts):
    edit_catalog("powers.yaml", "    name: 临时救助审核（小额由乡镇审批）", "    name: [临时救助审核")
    line = _line_of(catalog_dir / "powers.yaml", "    name: [临时救助审核")
    with pytest.raises(CatalogError) as caught:
        load_catalog_data(catalog_dir)
    assert caught.value.code == "yaml_syntax"
    assert (caught.value.source, caught.value.line) == (
        "powers.yaml",
        line + 1,
    )  # the parser stops on the next line
    assert "powers.yaml" in str(caught.value)
    assert f"第 {line + 1} 行" in str(caught.value)
    assert set(row_counts().values()) == {0}


def test_broken_file_leaves_a_loaded_catalog_untouched(loaded, catalog_dir, edit_catalog, catalog_state):
    before = catalog_state()
    edit_catalog("settings.yaml", "    value: 示范乡", "    value: 新名乡")  # a valid change...
    edit_catalog("categories.yaml", "  - code: QT\n", "  - code: QT\n  bad indent\n")  # ...and a broken file
    with pytest.raises(CatalogError):
        load_catalog_data(catalog_dir)
    assert catalog_state() == before


def test_schema_violation_names_the_power_code_and_line(db, catalog_dir, edit_catalog, row_counts):
    old = (
        "    item_class: instant\n    ends_in_transfer: false\n    fee_basis: 不收费\n"
        "    supervision_phone: *phone\n    materials:\n      - 光荣证申请表"
    )
    edit_catalog("powers.yaml", old, old.replace("item_class: instant", "item_class: urgent"))
    with pytest.raises(CatalogError) as caught:
        load_catalog_data(catalog_dir)
    error = caught.value
    assert (error.code, error.item) == ("schema_violation", "QR-03")
    assert error.line == _line_of(catalog_dir / "powers.yaml", "item_class: urgent")
    assert "QR-03" in str(error)
    assert "urgent" in str(error)
    assert "item_class" in str(error)
    assert set(row_counts().values()) == {0}


def test_duplicate_key_is_rejected_with_its_line(db, catalog_dir, edit_catalog):
    edit_catalog("positions.yaml", "    name: 经办人\n", "    name: 经办人\n    name: 承办人\n")
    with pytest.raises(CatalogError) as caught:
        load_catalog_data(catalog_dir)
    assert caught.value.code == "duplicate_key"
    assert caught.value.line == _line_of(catalog_dir / "positions.yaml", "name: 承办人")


def test_cross_reference_errors_are_all_reported_together(db, catalog_dir, edit_catalog, row_counts):
    edit_catalog("powers.yaml", "responsibilities: [ZR-07, ZR-21]", "responsibilities: [ZR-07, ZR-99]")
    edit_catalog("powers.yaml", "    responsible: window_clerk\n", "    responsible: clerk\n")
    edit_catalog(
        "powers.yaml",
        "    promised_limit: {value: 60, unit: calendar_day}\n    promised_limit_note: 自立案",
        "    promised_limit: {value: 120, unit: calendar_day}\n    promised_limit_note: 自立案",
    )
    with pytest.raises(CatalogError) as caught:
        load_catalog_data(catalog_dir)
    codes = Counter(problem.code for problem in caught.value.problems)
    assert codes["unknown_responsibility"] == 1
    assert codes["promised_exceeds_legal"] == 1
    assert codes["unknown_position"] > 1  # the shared acceptance risk template is used by many powers
    assert {p.item for p in caught.value.problems if p.code == "promised_exceeds_legal"} == {"CF-01"}
    assert set(row_counts().values()) == {0}


def test_detail_column_of_another_category_is_rejected(db, catalog_dir, edit_catalog):
    edit_catalog(
        "powers.yaml", "      violation: 擅自在", "      result_document: 决定书\n      violation: 擅自在"
    )
    with pytest.raises(CatalogError) as caught:
        load_catalog_data(catalog_dir)
    assert (caught.value.code, caught.value.item) == ("detail_not_applicable", "CF-03")


def test_chief_may_not_supervise_a_power_touching_the_five_areas(db, catalog_dir, edit_catalog):
    edit_catalog(
        "powers.yaml",
        "    supervising_leader: 分管财政副乡长\n    legal_bases:\n      - law: 财政部",
        "    supervising_leader: 乡长\n    legal_bases:\n      - law: 财政部",
    )
    with pytest.raises(CatalogError) as caught:
        load_catalog_data(catalog_dir)
    assert (caught.value.code, caught.value.item) == ("five_areas_chief", "JF-09")


def test_unknown_notice_setting_is_rejected(db, catalog_dir, edit_catalog):
    edit_catalog("settings.yaml", "  notice_days.qt_05:", "  notice_days.qt_5:")
    with pytest.raises(CatalogError) as caught:
        load_catalog_data(catalog_dir)
    assert (caught.value.code, caught.value.item) == ("unknown_setting", "QT-05")


def test_changed_value_is_updated_and_counted(loaded, catalog_dir, edit_catalog):
    edit_catalog(
        "powers.yaml",
        "    promised_limit: {value: 45, unit: calendar_day}",
        "    promised_limit: {value: 40, unit: calendar_day}",
    )
    report = load_catalog_data(catalog_dir)
    assert report.updated == {"power": 1}
    assert report.changes == 1
    assert Power.objects.get(code="CF-03").promised_limit_value == 40


def test_removing_a_power_from_the_file_marks_it_inactive(loaded, loaded_at, catalog_dir):
    path = catalog_dir / "powers.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["powers"] = [p for p in data["powers"] if p["code"] != "QR-03"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    removed_at = loaded_at + dt.timedelta(days=30)

    report = load_catalog_data(catalog_dir, now=removed_at)

    power = Power.objects.get(code="QR-03")
    assert (power.is_active, power.removed_at) == (False, removed_at)
    assert report.deactivated == ["QR-03"]
    assert Power.objects.active().count() == 30
    assert power.legal_bases.exists()
    assert power.risk_points.exists()


def test_a_retired_power_put_back_in_the_file_is_active_again(loaded, catalog_dir):
    path = catalog_dir / "powers.yaml"
    original = path.read_text(encoding="utf-8")
    data = yaml.safe_load(original)
    data["powers"] = [p for p in data["powers"] if p["code"] != "QR-03"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    load_catalog_data(catalog_dir)
    path.write_text(original, encoding="utf-8")

    report = load_catalog_data(catalog_dir)

    power = Power.objects.get(code="QR-03")
    assert (power.is_active, power.removed_at) == (True, None)
    assert report.reactivated == ["QR-03"]


@pytest.mark.parametrize("name", ["settings", "positions", "categories", "responsibilities", "powers"])
def test_every_catalog_file_has_a_json_schema(name):
    schema = json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert (CATALOG_DIR / f"{name}.yaml").exists()


def test_schema_vocabularies_match_the_model_choices():
    schema = json.loads((SCHEMA_DIR / "powers.schema.json").read_text(encoding="utf-8"))
    power = schema["$defs"]["power"]["properties"]
    assert schema["$defs"]["risk_point"]["properties"]["node"]["enum"] == ProcessNode.values
    assert power["collective_decisions"]["items"]["enum"] == CollectiveDecision.values
    assert power["separation_of_duties"]["items"]["enum"] == SeparationRule.values
    assert power["five_areas"]["items"]["enum"] == FiveArea.values
    assert power["item_class"]["enum"] == ItemClass.values


def test_position_dropped_from_the_file_but_held_by_staff_is_kept_with_a_warning(
    loaded, catalog_dir, edit_catalog, township, make_user
):
    Assignment.objects.create(
        user=make_user("admin1"), position=Position.objects.get(code="administrator"), organization=township
    )
    edit_catalog("positions.yaml", ADMINISTRATOR_ENTRY, "")

    report = load_catalog_data(catalog_dir)

    assert Position.objects.filter(code="administrator").exists()
    assert report.deleted == {}
    assert any("系统管理员" in warning for warning in report.warnings)


def test_position_dropped_from_the_file_and_unused_is_deleted(loaded, catalog_dir, edit_catalog):
    edit_catalog("positions.yaml", ADMINISTRATOR_ENTRY, "")
    report = load_catalog_data(catalog_dir)
    assert report.deleted == {"position": 1}
    assert not Position.objects.filter(code="administrator").exists()
