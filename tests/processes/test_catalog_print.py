"""The exported workbook prints: A4 landscape fitted to the width, the header row on every page,
borders, the title and date; internal keys hidden; and the same file imports back unchanged."""

from __future__ import annotations

from openpyxl import load_workbook

from processes.exchange import columns as c
from processes.exchange import export_xlsx, import_xlsx


def test_the_exported_workbook_is_set_up_to_print_and_imports_back(loaded, tmp_path, catalog_state):
    before = catalog_state()
    path = export_xlsx(tmp_path / "catalog.xlsx")
    workbook = load_workbook(path)
    assert workbook.sheetnames[0] == c.MASTER
    for worksheet in workbook.worksheets:
        setup = worksheet.page_setup
        assert (setup.orientation, str(setup.paperSize)) == ("landscape", "9"), worksheet.title  # 9 = A4
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)
        assert worksheet.sheet_properties.pageSetUpPr.fitToPage
        assert worksheet.print_title_rows == "$1:$1"
        assert worksheet.title in worksheet.oddHeader.center.text
        assert "导出日期：" in worksheet.oddHeader.right.text
        assert "&P" in worksheet.oddFooter.center.text
        last = worksheet.cell(row=worksheet.max_row, column=worksheet.max_column)
        assert last.border.left.style == "thin" and last.border.bottom.style == "thin"
    master = workbook[c.MASTER]
    header = [cell.value for cell in master[1]]
    hidden = {header[i] for i in range(len(header)) if master.column_dimensions[_letter(i + 1)].hidden}
    assert hidden == set(c.INTERNAL_COLUMNS)
    assert master.print_area == f"'{c.MASTER}'!$A$1:$N${master.max_row}"  # the 14 published columns
    assert "power_jf_01" in [cell.value for cell in master[_letter(header.index("办理流程") + 1)]]
    report = import_xlsx(path)  # the very same file
    assert not report.changes
    assert catalog_state() == before


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)
