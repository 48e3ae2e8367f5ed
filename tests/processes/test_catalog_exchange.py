"""Spreadsheet exchange: XLSX and CSV round trips, all-or-nothing import that reports every bad cell."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from engine.models import Organization

from processes.catalog_data import DETAIL_FIELDS, load_catalog_data
from processes.exchange import (
    CatalogImportError,
    build_sheets,
    export_csv,
    export_xlsx,
    import_csv,
    import_sheets,
    import_xlsx,
    read_csv,
    read_xlsx,
)
from processes.exchange import columns as c
from processes.models import Power, Responsibility

pytestmark = pytest.mark.django_db


def _records(sheets):
    return [(sheet.title, sheet.columns, sheet.records()) for sheet in sheets]


def _set_cell(path, title, key_column, key, column, value):
    """Edit one cell of an exported workbook, found by the row's key (e.g. 权力编码) and the column header."""
    workbook = load_workbook(path)
    worksheet = workbook[title]
    header = [cell.value for cell in worksheet[1]]
    for row in worksheet.iter_rows(min_row=2):
        if row[header.index(key_column)].value == key:
            row[header.index(column)].value = value
            workbook.save(path)
            return row[0].row
    raise KeyError(key)


def test_xlsx_round_trip_changes_nothing(loaded, tmp_path, catalog_state):
    before = catalog_state()
    first = export_xlsx(tmp_path / "catalog.xlsx")

    report = import_xlsx(first)
    second = export_xlsx(tmp_path / "again.xlsx")

    assert report.changes == 0
    assert _records(read_xlsx(second)) == _records(read_xlsx(first))
    assert catalog_state() == before


def test_xlsx_holds_the_master_table_one_detail_sheet_per_category_and_the_responsibility_list(
    loaded, tmp_path
):
    sheets = read_xlsx(export_xlsx(tmp_path / "catalog.xlsx"))
    assert [s.title for s in sheets] == [
        "行政权力总表",
        "行政许可分表",
        "行政处罚分表",
        "行政强制分表",
        "行政给付分表",
        "行政确认分表",
        "行政裁决分表",
        "其他行政权力分表",
        "实施依据",
        "廉政风险点",
        "责任清单",
    ]
    master = sheets[0]
    assert master.columns[:14] == [
        "序号",
        "权力编码",
        "权力名称",
        "权力类型",
        "实施依据",
        "实施主体",
        "承办机构",
        "分管领导",
        "法定时限",
        "承诺时限",
        "收费依据及标准",
        "办理流程",
        "监督电话",
        "备注",
    ]
    jf_01 = next(row for row in master.rows if row.get("权力编码") == "JF-01")
    assert (jf_01.get("承诺时限"), jf_01.get("办理流程"), jf_01.get("监督电话")) == (
        "10个工作日",
        "power_jf_01",
        "12388",
    )
    assert len(master.rows) == 31
    assert len(sheets[-1].rows) == 22
    assert sheets[2].columns == [
        "序号",
        "权力编码",
        "权力名称",
        "违法行为",
        "处罚种类",
        "自由裁量基准（情节 → 幅度）",
        "适用程序",
        "救济途径",
    ]


def test_xlsx_sheets_match_what_build_sheets_produces(loaded, tmp_path):
    assert _records(read_xlsx(export_xlsx(tmp_path / "catalog.xlsx"))) == _records(build_sheets())


def test_csv_round_trip_changes_nothing_and_files_open_in_excel(loaded, tmp_path, catalog_state):
    before = catalog_state()
    paths = export_csv(tmp_path / "first")

    report = import_csv(tmp_path / "first")
    export_csv(tmp_path / "second")

    assert report.changes == 0
    assert _records(read_csv(tmp_path / "second")) == _records(read_csv(tmp_path / "first"))
    assert catalog_state() == before
    assert len(paths) == 11
    assert all(path.read_bytes().startswith(b"\xef\xbb\xbf") for path in paths)  # UTF-8 BOM for Excel


def test_csv_and_xlsx_carry_the_same_rows(loaded, tmp_path):
    export_csv(tmp_path / "csv")
    by_title = {s.title: s for s in read_csv(tmp_path / "csv")}
    assert [
        (t, by_title[t].columns, by_title[t].records()) for t, _cols, _rows in _records(build_sheets())
    ] == _records(build_sheets())


def test_import_of_a_workbook_with_three_bad_rows_reports_all_three_and_writes_nothing(
    loaded, tmp_path, catalog_state
):
    path = export_xlsx(tmp_path / "catalog.xlsx")
    master_row = _set_cell(path, "行政权力总表", "权力编码", "XK-02", "承诺时限", "十个工作日")
    risk_row = _set_cell(path, "廉政风险点", "权力编码", "CF-01", "风险等级", "极高")
    item_row = _set_cell(path, "责任清单", "项目编码", "ZR-05", "监督电话设置项", None)
    _set_cell(
        path, "行政权力总表", "权力编码", "JF-01", "承诺时限", "8个工作日"
    )  # a valid edit, not written either
    before = catalog_state()

    with pytest.raises(CatalogImportError) as caught:
        import_xlsx(path)

    found = [(p.source, p.line, p.column, p.item) for p in caught.value.problems]
    assert found == [
        ("行政权力总表", master_row, "承诺时限", "XK-02"),
        ("廉政风险点", risk_row, "风险等级", "CF-01"),
        ("责任清单", item_row, "监督电话设置项", "ZR-05"),
    ]
    assert all(p.message for p in caught.value.problems)
    assert "十个工作日" in str(caught.value)
    assert catalog_state() == before


def test_cross_reference_errors_name_the_cell(loaded, tmp_path):
    path = export_xlsx(tmp_path / "catalog.xlsx")
    row = _set_cell(path, "行政权力总表", "权力编码", "QT-01", "对应责任事项", "ZR-05、ZR-99")
    with pytest.raises(CatalogImportError) as caught:
        import_xlsx(path)
    [problem] = caught.value.problems
    assert (problem.code, problem.source, problem.line, problem.column) == (
        "unknown_responsibility",
        "行政权力总表",
        row,
        "对应责任事项",
    )


def test_an_edited_cell_is_imported(loaded, tmp_path):
    path = export_xlsx(tmp_path / "catalog.xlsx")
    _set_cell(path, "行政权力总表", "权力编码", "JF-01", "承诺时限", "8个工作日")
    _set_cell(path, "廉政风险点", "权力编码", "JF-01", "防控措施", "一次性告知书\n受理登记")

    report = import_xlsx(path)

    power = Power.objects.get(code="JF-01")
    assert (power.promised_limit_value, power.promised_limit_unit) == (8, "working_day")
    assert power.risk_points.get(position=1).measures == ["一次性告知书", "受理登记"]
    assert report.updated == {"power": 1, "risk_point": 1}


def test_a_power_missing_from_the_workbook_is_retired(loaded, tmp_path):
    sheets = build_sheets()
    for sheet in sheets:
        sheet.rows = [row for row in sheet.rows if row.get("权力编码") != "QT-02"]
    now = dt.datetime(2026, 5, 1, 10, 0, tzinfo=dt.UTC)

    report = import_sheets(sheets, now=now)

    assert report.deactivated == ["QT-02"]
    assert Power.objects.get(code="QT-02").removed_at == now


def test_a_retired_power_survives_the_round_trip(loaded, tmp_path, catalog_state):
    sheets = build_sheets()
    for sheet in sheets:
        sheet.rows = [row for row in sheet.rows if row.get("权力编码") != "QT-02"]
    import_sheets(sheets)  # retire QT-02 through the spreadsheet path
    before = catalog_state()

    report = import_xlsx(export_xlsx(tmp_path / "catalog.xlsx"))

    assert report.changes == 0
    assert catalog_state() == before
    assert Power.objects.get(code="QT-02").is_active is False


def test_a_stale_derived_column_is_accepted(loaded, tmp_path):
    path = export_xlsx(tmp_path / "catalog.xlsx")
    _set_cell(
        path, "行政权力总表", "权力编码", "QT-01", "对应责任事项", "ZR-05"
    )  # 责任清单 still lists QT-01 under ZR-20
    import_xlsx(path)
    assert list(Power.objects.get(code="QT-01").responsibilities.values_list("code", flat=True)) == ["ZR-05"]


def test_a_derived_column_that_disagrees_with_its_source_is_rejected(loaded, tmp_path):
    path = export_xlsx(tmp_path / "catalog.xlsx")
    row = _set_cell(path, "行政权力总表", "权力编码", "XK-04", "实施依据", "农村土地承包法 第二十八条")
    with pytest.raises(CatalogImportError) as caught:
        import_xlsx(path)
    [problem] = caught.value.problems
    assert (problem.code, problem.line, problem.column) == ("derived_mismatch", row, "实施依据")


def test_missing_sheet_and_unknown_column_are_reported(loaded, tmp_path):
    path = export_xlsx(tmp_path / "catalog.xlsx")
    workbook = load_workbook(path)
    del workbook["实施依据"]
    workbook["责任清单"].cell(row=1, column=3).value = "项目名"
    workbook.save(path)

    with pytest.raises(CatalogImportError) as caught:
        import_xlsx(path)

    found = {(p.code, p.source, p.column) for p in caught.value.problems}
    assert ("missing_sheet", "实施依据", None) in found
    assert ("missing_column", "责任清单", "项目名称") in found
    assert ("unknown_column", "责任清单", "项目名") in found


def test_dry_run_reports_changes_but_writes_nothing(loaded, tmp_path, catalog_state):
    path = export_xlsx(tmp_path / "catalog.xlsx")
    _set_cell(path, "责任清单", "项目编码", "ZR-04", "项目名称", "信访工作")
    before = catalog_state()

    report = import_xlsx(path, dry_run=True)

    assert report.updated == {"responsibility": 1}
    assert catalog_state() == before


def test_export_and_import_commands(loaded, tmp_path, make_user):
    """The import proposes the change (两阅); it is in the list once a leader approves it."""
    from engine import clock
    from engine.services import catalog
    from processes.models import CatalogChangeSet
    from tests.conftest import grant

    path = tmp_path / "catalog.xlsx"
    call_command("export_catalog", str(path))
    _set_cell(path, "责任清单", "项目编码", "ZR-04", "项目名称", "信访工作")
    call_command("import_catalog", str(path), "--reason", "更名")
    assert Responsibility.objects.get(code="ZR-04").name != "信访工作"
    leader = make_user("leader")
    grant(leader, "chief", Organization.objects.create(code="t-x", name="乡", kind=Organization.Kind.TOWNSHIP))
    catalog.approve(CatalogChangeSet.objects.get().pk, actor=leader, note="同意", now=clock.now())
    assert Responsibility.objects.get(code="ZR-04").name == "信访工作"


def test_import_command_fails_with_every_problem_listed(loaded, tmp_path):
    path = tmp_path / "catalog.xlsx"
    call_command("export_catalog", str(path))
    _set_cell(path, "行政权力总表", "权力编码", "XK-01", "审核转报", "也许")
    with pytest.raises(CommandError, match="审核转报"):
        call_command("import_catalog", str(path))


def test_catalog_loaded_again_from_yaml_matches_an_imported_export(loaded, tmp_path):
    import_xlsx(export_xlsx(tmp_path / "catalog.xlsx"))
    assert load_catalog_data().changes == 0


def test_detail_sheet_columns_cover_exactly_the_fields_of_their_flow_family():
    for flow, layout in c.DETAIL_LAYOUT.items():
        assert sorted(field for field, _header in layout) == sorted(DETAIL_FIELDS[flow]), flow


def test_sheet_titles_and_headers_follow_the_active_language(loaded, tmp_path, monkeypatch):
    english = {
        "行政权力总表": "Powers",
        "权力编码": "Code",
        "分表": " details",
        "责任清单": "Responsibilities",
    }
    monkeypatch.setattr(c, "gettext", lambda text: english.get(text, text))

    path = export_xlsx(tmp_path / "en.xlsx")

    raw = read_xlsx(path)
    assert (raw[0].title, raw[1].title, raw[-1].title) == ("Powers", "行政许可 details", "Responsibilities")
    assert "Code" in raw[0].columns
    assert "权力编码" not in raw[0].columns
    assert import_xlsx(path).changes == 0
