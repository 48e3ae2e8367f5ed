"""Sheets as plain rows of text, and their XLSX and CSV files.

Export and import both go through `Sheet`, so a round trip compares like with like: the rows a
file holds, cell by cell, as text.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

CSV_ENCODING = "utf-8-sig"  # with a BOM, so Excel opens the file as UTF-8

# Workbooks come from users: openpyxl streams their worksheets' XML through defusedxml (pinned in
# pyproject.toml), which refuses entity declarations ("billion laughs") and external entities; the
# other parts go through lxml with entity resolution off. No spreadsheet import without defusedxml.
if not openpyxl.DEFUSEDXML:  # pragma: no cover - defusedxml missing, or OPENPYXL_DEFUSEDXML=False
    raise ImportError("reading spreadsheets needs defusedxml (and OPENPYXL_DEFUSEDXML not set to False)")


@dataclass(frozen=True)
class Row:
    """One data row: its number as the spreadsheet shows it (the header is row 1) and its cells by header."""

    number: int
    cells: dict[str, str]

    def get(self, column: str) -> str:
        return self.cells.get(column, "")


@dataclass
class Sheet:
    title: str
    columns: list[str]
    rows: list[Row] = field(default_factory=list)

    def add(self, cells: dict[str, str | int]) -> None:
        text = {column: _text(cells.get(column, "")) for column in self.columns}
        self.rows.append(Row(len(self.rows) + 2, text))

    def records(self) -> list[dict[str, str]]:
        """The rows' cells only, for comparing two sheets."""
        return [row.cells for row in self.rows]


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def _from_rows(title: str, rows: Sequence[Sequence[object]]) -> Sheet:
    header = [_text(cell) for cell in rows[0]] if rows else []
    while header and not header[-1]:
        header.pop()
    sheet = Sheet(title, header)
    for number, values in enumerate(rows[1:], start=2):
        cells = {column: _text(values[i]) if i < len(values) else "" for i, column in enumerate(header)}
        if any(cells.values()):
            sheet.rows.append(Row(number, cells))
    return sheet


def write_xlsx(
    sheets: Sequence[Sheet],
    path: Path,
    *,
    heading: str = "",
    date: dt.date | None = None,
    internal: Collection[str] = (),
    print_columns: Mapping[str, int] | None = None,
) -> Path:
    """Write the sheets as one workbook that also prints: A4 landscape, fit to the page width,
    the header row repeated on every page, thin borders, the title and date in the page header
    and page numbers in the footer. Internal key columns are hidden (they stay in the file, so
    importing it back reads them).

    Args:
        sheets: The sheets, in order.
        path: Where to write.
        heading: Printed before each sheet's title in the page header (e.g. the township).
        date: The export date printed in the page header.
        internal: Column headers to hide and leave out of print.
        print_columns: Sheet title -> how many leading columns to print (the rest stay in the file).
    """
    workbook = Workbook()
    workbook.remove(workbook.active)
    line = Side(style="thin", color="607D8B")
    border = Border(left=line, right=line, top=line, bottom=line)
    for sheet in sheets:
        worksheet = workbook.create_sheet(sheet.title)
        worksheet.append(sheet.columns)
        for row in sheet.rows:
            worksheet.append([_cell_value(column, row.get(column)) for column in sheet.columns])
        for cell in worksheet[1]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="E3ECF5")
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
            cell.border = border
        for row in worksheet.iter_rows(min_row=2):
            for cell in row:
                cell.border = border
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text starting with "=" stays text, never a formula
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        for index, column in enumerate(sheet.columns, start=1):
            width = max([len(column)] + [min(len(row.get(column)), 40) for row in sheet.rows])
            dimension = worksheet.column_dimensions[get_column_letter(index)]
            dimension.width = max(6, width * 1.6)
            dimension.hidden = column in internal
        worksheet.freeze_panes = "C2"
        _page_setup(worksheet, sheet, heading, date, (print_columns or {}).get(sheet.title))
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def _page_setup(worksheet, sheet: Sheet, heading: str, date: dt.date | None, columns: int | None) -> None:
    worksheet.page_setup.orientation = "landscape"
    worksheet.page_setup.paperSize = worksheet.PAPERSIZE_A4
    worksheet.page_setup.fitToWidth = 1
    worksheet.page_setup.fitToHeight = 0  # as many pages down as needed
    worksheet.sheet_properties.pageSetUpPr.fitToPage = True
    worksheet.print_title_rows = "1:1"
    worksheet.print_options.horizontalCentered = True
    worksheet.page_margins.left = worksheet.page_margins.right = 0.4
    worksheet.page_margins.top = worksheet.page_margins.bottom = 0.6
    last = get_column_letter(max(1, min(columns or len(sheet.columns), len(sheet.columns))))
    worksheet.print_area = f"A1:{last}{len(sheet.rows) + 1}"
    title = f"{heading} {sheet.title}".strip().replace("&", "&&")
    worksheet.oddHeader.center.text = title
    worksheet.oddHeader.center.size = 14
    worksheet.oddHeader.center.font = ",Bold"
    if date is not None:
        worksheet.oddHeader.right.text = str(_("导出日期：%(date)s") % {"date": date.isoformat()})
    worksheet.oddFooter.center.text = str(_("第 &P 页／共 &N 页"))


def _cell_value(column: str, text: str) -> str | int:
    return int(text) if column == "序号" and text.isdigit() else text


def read_xlsx(path: Path) -> list[Sheet]:
    """Every worksheet of the workbook, cells as text.

    Raises:
        CellFileError: the file cannot be opened as an XLSX workbook.
    """
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile/KeyError/InvalidFileException for broken files
        raise CellFileError(_("无法打开工作簿“%(name)s”：%(e)s") % {"name": path.name, "e": exc}) from exc
    try:
        return [_from_rows(ws.title, list(ws.iter_rows(values_only=True))) for ws in workbook.worksheets]
    except Exception as exc:  # a worksheet's XML is read lazily: broken or hostile (defusedxml refuses it)
        raise CellFileError(_("无法打开工作簿“%(name)s”：%(e)s") % {"name": path.name, "e": exc}) from exc
    finally:
        workbook.close()


def write_csv(sheets: Sequence[Sheet], directory: Path) -> list[Path]:
    """One UTF-8 (with BOM) CSV file per sheet, named after the sheet."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for sheet in sheets:
        path = directory / f"{sheet.title}.csv"
        with path.open("w", encoding=CSV_ENCODING, newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(sheet.columns)
            writer.writerows([row.get(column) for column in sheet.columns] for row in sheet.rows)
        paths.append(path)
    return paths


def read_csv(directory: Path) -> list[Sheet]:
    """Every *.csv file of the directory as a sheet titled after the file name.

    Raises:
        CellFileError: the directory holds no CSV file, or a file is not UTF-8.
    """
    paths = sorted(directory.glob("*.csv"))
    if not paths:
        raise CellFileError(_("目录“%(name)s”中没有 CSV 文件") % {"name": directory})
    sheets = []
    for path in paths:
        try:
            with path.open(encoding=CSV_ENCODING, newline="") as handle:
                sheets.append(_from_rows(path.stem, list(csv.reader(handle))))
        except UnicodeDecodeError as exc:
            raise CellFileError(
                _("文件“%(name)s”不是 UTF-8 编码，请在 Excel 中另存为“CSV UTF-8”") % {"name": path.name}
            ) from exc
    return sheets


class CellFileError(Exception):
    """A spreadsheet file cannot be read at all (before any row is looked at)."""
