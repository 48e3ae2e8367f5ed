"""Spreadsheets come from users: openpyxl reads their worksheets' XML through defusedxml, so a
sheet carrying a DTD with entity expansion ("billion laughs") or an external entity is refused
with a clear error (the workbook's other parts go through lxml with entity resolution off)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest

from processes.exchange.sheets import CellFileError, read_xlsx

BOMB = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
"""
EXTERNAL = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
"""


def workbook_with(tmp_path: Path, member: str, prolog: str, entity: str) -> Path:
    """A real workbook whose `member` XML gets a DTD prolog and an entity reference in a cell."""
    plain = tmp_path / "plain.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["权力编码", "权力名称"])
    book.active.append(["XK-01", "宅基地审批"])
    book.save(plain)
    hostile = tmp_path / "hostile.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(hostile, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == member:
                text = data.decode("utf-8")
                text = text.split("?>", 1)[1] if text.startswith("<?xml") else text
                text = text.replace("XK-01", entity, 1)
                data = (prolog + text).encode("utf-8")
            target.writestr(item, data)
    return hostile


def test_openpyxl_reads_through_defusedxml():
    assert openpyxl.DEFUSEDXML is True


@pytest.mark.parametrize(("prolog", "entity"), [(BOMB, "&lol3;"), (EXTERNAL, "&secret;")], ids=["bomb", "external"])
def test_a_worksheet_with_entities_is_refused(tmp_path, prolog, entity):
    path = workbook_with(tmp_path, "xl/worksheets/sheet1.xml", prolog, entity)
    with pytest.raises(CellFileError) as refused:
        read_xlsx(path)
    assert "hostile.xlsx" in str(refused.value)


def test_the_same_workbook_without_the_dtd_reads(tmp_path):
    plain = workbook_with(tmp_path, "none", "", "")
    [sheet] = read_xlsx(plain)
    assert [row.cells for row in sheet.rows] == [{"权力编码": "XK-01", "权力名称": "宅基地审批"}]
