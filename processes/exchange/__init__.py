"""Spreadsheet exchange of the catalog: 行政权力总表, 分表, 实施依据, 廉政风险点 and 责任清单 as XLSX or CSV.

export_xlsx(path) / export_csv(directory)      database -> files
import_xlsx(path) / import_csv(directory)      files -> database (all-or-nothing)
build_sheets() / import_sheets(sheets)         the same, on in-memory sheets
"""

from processes.exchange.export import build_sheets, export_csv, export_xlsx
from processes.exchange.importer import CatalogImportError, import_csv, import_sheets, import_xlsx
from processes.exchange.sheets import Row, Sheet, read_csv, read_xlsx, write_csv, write_xlsx

__all__ = [
    "CatalogImportError",
    "Row",
    "Sheet",
    "build_sheets",
    "export_csv",
    "export_xlsx",
    "import_csv",
    "import_sheets",
    "import_xlsx",
    "read_csv",
    "read_xlsx",
    "write_csv",
    "write_xlsx",
]
