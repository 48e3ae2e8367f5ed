"""Import the exchange spreadsheets back into the catalog.

Every row is read into the same shape as a powers.yaml / responsibilities.yaml entry and checked by
the same JSON Schema and cross-reference checks as the YAML loader. All problems are reported at
once (sheet, row, column, message); only a file with none is written, in one transaction. The
workbook holds the whole list: powers missing from it are retired, as with powers.yaml.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from processes.catalog_data import (
    CatalogContext,
    CatalogError,
    CatalogLoadReport,
    CatalogProblem,
    Issue,
    JsonPath,
    canonical_power,
    canonical_responsibility,
    check_powers,
    check_responsibilities,
    delete_rows,
    finish_report,
    five_area_warnings,
    sync_powers,
    sync_responsibilities,
    validate_document,
)
from processes.exchange import columns as c
from processes.exchange.export import build_sheets, linked_powers, responsibility_categories, summarize_bases
from processes.exchange.formats import (
    CellError,
    format_period,
    parse_benchmarks,
    parse_bool,
    parse_choice,
    parse_choices,
    parse_date,
    parse_datetime,
    parse_int,
    parse_lines,
    parse_period,
    split_codes,
)
from processes.exchange.sheets import CellFileError, Row, Sheet, read_csv, read_xlsx
from processes.models import (
    AuthoritySource,
    Category,
    CollectiveDecision,
    FiveArea,
    Flow,
    ItemClass,
    PenaltyProcedure,
    Position,
    ProcessNode,
    RiskLevel,
    SeparationRule,
    TownshipSetting,
)

Cell = tuple[str, int | None, str | None]  # sheet, row, column


class CatalogImportError(CatalogError):
    """The spreadsheets have problems; `problems` lists every bad cell. Nothing was written."""

    title = _("导入的表格有误，未写入任何数据")


@dataclass
class _PowerRow:
    row: Row
    entry: dict[str, Any]
    sequence: int | None = None
    is_active: bool = True
    removed_at: dt.datetime | None = None
    has_details: bool = False
    bases_ok: bool = True


@dataclass
class _Problems:
    items: list[CatalogProblem] = field(default_factory=list)
    cells: set[Cell] = field(default_factory=set)
    rows: set[tuple[str, int | None]] = field(default_factory=set)

    def add(self, code: str, message: Any, cell: Cell, item: str | None = None) -> None:
        if cell[2] is not None and cell in self.cells:
            return  # one message per cell: a cell that could not be read also fails the schema
        self.cells.add(cell)
        self.rows.add(cell[:2])
        self.items.append(CatalogProblem(code, str(message), cell[0], cell[1], cell[2], item))


class _Origins:
    """Where each part of the entries came from, so schema and cross-reference issues name a cell."""

    def __init__(self) -> None:
        self._cells: dict[JsonPath, Cell] = {}

    def set(self, path: JsonPath, cell: Cell) -> None:
        self._cells[path] = cell

    def locate(self, path: JsonPath) -> Cell:
        for end in range(len(path), 0, -1):
            if path[:end] in self._cells:
                return self._cells[path[:end]]
        return (c.MASTER, None, None)


class _Import:
    def __init__(self, sheets: Sequence[Sheet]) -> None:
        self.problems = _Problems()
        self.origins = _Origins()
        self.categories = list(Category.objects.order_by("order", "code"))
        self.settings = dict(TownshipSetting.objects.values_list("key", "value"))
        self.positions = dict(Position.objects.values_list("code", "name"))
        self.powers: list[_PowerRow] = []
        self.responsibilities: list[tuple[Row, dict[str, Any], int | None]] = []
        self.sheets = self._usable_sheets(sheets)
        # what the derived columns say now: a stale copy of them is not an edit (see _check_derived)
        self.current = {
            sheet.title: {row.get("项目编码") or row.get("权力编码"): row.cells for row in sheet.rows}
            for sheet in build_sheets()
            if sheet.title not in (c.BASES, c.RISKS)
        }

    # ---------------------------------------------------------------- structure

    def _expected(self) -> dict[str, list[str]]:
        expected = {c.MASTER: c.MASTER_COLUMNS}
        expected |= {c.detail_title(cat.name): c.detail_columns(cat.flow) for cat in self.categories}
        return expected | {
            c.BASES: c.BASIS_COLUMNS,
            c.RISKS: c.RISK_COLUMNS,
            c.RESPONSIBILITIES: c.RESPONSIBILITY_COLUMNS,
        }

    def _usable_sheets(self, sheets: Sequence[Sheet]) -> dict[str, Sheet]:
        expected, usable = self._expected(), {}
        present = {sheet.title: sheet for sheet in sheets}
        for title in present.keys() - expected.keys():
            self.problems.add(
                "unknown_sheet",
                _("不认识的工作表；应为：%(names)s") % {"names": "、".join(expected)},
                (title, None, None),
            )
        for title, wanted in expected.items():
            sheet = present.get(title)
            if sheet is None:
                self.problems.add("missing_sheet", _("缺少此工作表"), (title, None, None))
                continue
            missing = [column for column in wanted if column not in sheet.columns]
            unknown = [column for column in sheet.columns if column not in wanted]
            for column in missing:
                self.problems.add("missing_column", _("缺少此列"), (title, 1, column))
            for column in unknown:
                self.problems.add("unknown_column", _("不认识的列"), (title, 1, column or "（空）"))
            if not missing and not unknown:
                usable[title] = sheet
        return usable

    def _reader(self, title: str, row: Row, item: str | None) -> Callable[..., Any]:
        """`read(column, parse, required=...)`: a cell's value, or None (the problem is recorded)."""

        def read(column: str, parse: Callable[[str], Any] | None = None, *, required: bool = False) -> Any:
            text = row.get(column)
            if not text and required:
                self.problems.add("cell_required", _("不能为空"), (title, row.number, column), item)
                return None
            if parse is None:
                return text
            try:
                return parse(text)
            except CellError as exc:
                self.problems.add("cell_invalid", exc, (title, row.number, column), item)
                return None

        return read

    # ---------------------------------------------------------------- 总表

    def parse_master(self) -> None:
        sheet = self.sheets.get(c.MASTER)
        if sheet is None:
            return
        for index, row in enumerate(sheet.rows):
            self.powers.append(self._parse_master_row(index, row))

    def _category(self, text: str) -> str:
        for category in self.categories:
            if text in (category.name, category.code):
                return category.code
        names = "、".join(category.name for category in self.categories)
        raise CellError(_("权力类型“%(text)s”不存在，应为：%(names)s") % {"text": text, "names": names})

    def _parse_master_row(self, index: int, row: Row) -> _PowerRow:
        code = row.get("权力编码") or None
        read = self._reader(c.MASTER, row, code)
        base: JsonPath = ("powers", index)
        self.origins.set(base, (c.MASTER, row.number, None))
        for key, column in c.MASTER_FIELDS.items():
            self.origins.set((*base, key), (c.MASTER, row.number, column))
        self.origins.set((*base, "legal_bases"), (c.MASTER, row.number, "实施依据"))
        self.origins.set((*base, "risk_points"), (c.MASTER, row.number, "权力编码"))
        self.origins.set((*base, "details"), (c.MASTER, row.number, "权力类型"))
        phone = read("监督电话设置项", required=True)
        entry: dict[str, Any] = {
            "code": read("权力编码", required=True),
            "name": read("权力名称"),
            "category": read("权力类型", self._category, required=True),
            "flow": read("流程类别", lambda t: parse_choice(t, Flow), required=True),
            "process_id": read("办理流程", required=True),
            "legal_role": read("乡镇职责"),
            "authority_source": read("权力来源", lambda t: parse_choice(t, AuthoritySource), required=True),
            "implementing_subject": read("实施主体"),
            "handling_unit": read("承办机构"),
            "supervising_leader": read("分管领导"),
            "legal_limit": read("法定时限", parse_period),
            "legal_limit_note": read("法定时限说明"),
            "promised_limit": read("承诺时限", parse_period, required=True),
            "promised_limit_note": read("承诺时限说明"),
            "item_class": read("办件类型", lambda t: parse_choice(t, ItemClass), required=True),
            "ends_in_transfer": read("审核转报", parse_bool, required=True),
            "fee_basis": read("收费依据及标准"),
            "supervision_phone": {"setting": phone} if phone else None,
            "materials": read("申请材料", parse_lines),
            "collective_decisions": read(
                "集体决策", lambda t: parse_choices(t, CollectiveDecision), required=True
            ),
            "collective_note": read("集体决策说明"),
            "notice": self._parse_notice(row, read, base),
            "risk_level": read("风险等级", lambda t: parse_choice(t, RiskLevel), required=True),
            "separation_of_duties": read("职责分离", lambda t: parse_choices(t, SeparationRule)),
            "five_areas": read("五不直接分管领域", lambda t: parse_choices(t, FiveArea)),
            "responsibilities": read("对应责任事项", split_codes),
            "remarks": read("备注"),
            "legal_bases": [],
            "risk_points": [],
            "details": {},
        }
        power = _PowerRow(row, entry, sequence=read("序号", parse_int, required=True))
        status = read("状态", required=True)
        removed_at = read("移出清单时间", parse_datetime)
        if status not in (None, c.STATUS_ACTIVE, c.STATUS_REMOVED):
            self.problems.add("cell_invalid", _("应为“现行”或“已移出”"), (c.MASTER, row.number, "状态"), code)
        elif (status == c.STATUS_REMOVED) != (removed_at is not None):
            self.problems.add(
                "removed_at_mismatch",
                _("已移出的权力须填写移出清单时间，现行的权力不填"),
                (c.MASTER, row.number, "移出清单时间"),
                code,
            )
        power.is_active, power.removed_at = status != c.STATUS_REMOVED, removed_at
        return power

    def _parse_notice(self, row: Row, read: Callable[..., Any], base: JsonPath) -> dict[str, Any] | None:
        for key, column in c.NOTICE_FIELDS.items():
            self.origins.set((*base, "notice", key), (c.MASTER, row.number, column))
        where, what = read("公示地点"), read("公示内容")
        setting = read("公示期限设置项")
        if setting:
            period: Any = {"setting": setting}
            self.origins.set((*base, "notice", "period"), (c.MASTER, row.number, "公示期限设置项"))
        else:
            period = read("公示期限", parse_period)
            self.origins.set((*base, "notice", "period"), (c.MASTER, row.number, "公示期限"))
        minors, within = read("未成年人不公示", parse_bool), read("公开时限", parse_period)
        if not where and not what:
            if period or minors or within:
                self.problems.add(
                    "notice_incomplete",
                    _("填写了公示期限等内容，但公示地点和公示内容为空"),
                    (c.MASTER, row.number, "公示地点"),
                    row.get("权力编码") or None,
                )
            return None
        return {
            "where": where,
            "what": what,
            "period": period,
            "minors_excluded": bool(minors),
            "publish_within": within,
        }

    # ---------------------------------------------------------------- 分表, 实施依据, 廉政风险点

    def _power_index(self) -> dict[str, int]:
        index: dict[str, int] = {}
        for number, power in enumerate(self.powers):
            index.setdefault(power.row.get("权力编码"), number)
        return index

    def _owner(self, title: str, row: Row, index: Mapping[str, int]) -> int | None:
        code = row.get("权力编码")
        if code not in index:
            message = _("权力编码“%(code)s”不在行政权力总表中") % {"code": code} if code else _("不能为空")
            self.problems.add("unknown_power", message, (title, row.number, "权力编码"), code or None)
            return None
        return index[code]

    def parse_details(self) -> None:
        index = self._power_index()
        for category in self.categories:
            title = c.detail_title(category.name)
            sheet = self.sheets.get(title)
            if sheet is None:
                continue
            for row in sheet.rows:
                number = self._owner(title, row, index)
                if number is not None:
                    self._parse_detail_row(title, category, row, number)
        for power in self.powers:
            category = power.entry["category"]
            title = next((c.detail_title(cat.name) for cat in self.categories if cat.code == category), None)
            if title in self.sheets and not power.has_details:
                self.problems.add(
                    "detail_row_missing",
                    _("“%(sheet)s”中没有该权力的行") % {"sheet": title},
                    (c.MASTER, power.row.number, "权力编码"),
                    power.entry["code"],
                )

    def _parse_detail_row(self, title: str, category: Category, row: Row, number: int) -> None:
        power = self.powers[number]
        code = power.entry["code"]
        if power.has_details:
            self.problems.add(
                "duplicate_row", _("该权力在本表中重复出现"), (title, row.number, "权力编码"), code
            )
            return
        if power.entry["category"] not in (None, category.code):
            self.problems.add(
                "wrong_detail_sheet",
                _("该权力不属于“%(name)s”，应填在其权力类型的分表中") % {"name": category.name},
                (title, row.number, "权力编码"),
                code,
            )
            return
        power.has_details = True
        read = self._reader(title, row, code)
        parsers: dict[str, Callable[[str], Any]] = {
            "conditions": parse_lines,
            "penalty_kinds": parse_lines,
            "coercion_measures": parse_lines,
            "discretion_benchmarks": parse_benchmarks,
            "procedures": lambda t: parse_choices(t, PenaltyProcedure),
            "suit_period": parse_period,
        }
        details = power.entry["details"]
        for key, header in c.DETAIL_LAYOUT[category.flow]:
            self.origins.set(("powers", number, "details", key), (title, row.number, header))
            value = read(header, parsers.get(key))
            if value not in (None, "", []):
                details[key] = value
        self.origins.set(("powers", number, "details"), (title, row.number, None))
        self._check_derived(title, row, "权力名称", power.entry["name"] or "", _("总表“权力名称”列"), code)

    def _children(
        self,
        title: str,
        key: str,
        fields: Mapping[str, str],
        parse_row: Callable[[Callable[..., Any]], dict[str, Any]],
    ) -> None:
        """Rows of 实施依据 or 廉政风险点, grouped under their power and ordered by 序号."""
        sheet = self.sheets.get(title)
        if sheet is None:
            return
        index = self._power_index()
        grouped: dict[int, list[tuple[int, Row, dict[str, Any]]]] = {}
        for row in sheet.rows:
            number = self._owner(title, row, index)
            if number is None:
                continue
            read = self._reader(title, row, row.get("权力编码"))
            position = read("序号", parse_int, required=True)
            before = len(self.problems.items)
            values = parse_row(read)
            if len(self.problems.items) > before and key == "legal_bases":
                self.powers[number].bases_ok = False
            grouped.setdefault(number, []).append((position or 0, row, values))
        for number, children in grouped.items():
            seen: set[int] = set()
            for position, row, _values in children:
                if position and position in seen:
                    self.problems.add(
                        "duplicate_row",
                        _("同一权力的序号重复"),
                        (title, row.number, "序号"),
                        row.get("权力编码"),
                    )
                seen.add(position)
            children.sort(key=lambda child: child[0])
            self.powers[number].entry[key] = [values for _position, _row, values in children]
            for slot, (_position, row, _values) in enumerate(children):
                self.origins.set(("powers", number, key, slot), (title, row.number, None))
                for name, column in fields.items():
                    self.origins.set(("powers", number, key, slot, name), (title, row.number, column))

    def parse_bases(self) -> None:
        def parse_row(read: Callable[..., Any]) -> dict[str, Any]:
            return {
                "law": read("法律法规名称"),
                "article": read("条款"),
                "text": read("条款内容"),
                "effective_from": read("施行日期", parse_date),
                "effective_to": read("失效日期", parse_date),
            }

        self._children(c.BASES, "legal_bases", c.BASIS_FIELDS, parse_row)

    def _position(self, text: str) -> str:
        if text in self.positions:
            return text
        for code, name in self.positions.items():
            if name == text:
                return code
        names = "、".join(self.positions.values())
        raise CellError(_("岗位“%(text)s”不存在，应为：%(names)s") % {"text": text, "names": names})

    def parse_risks(self) -> None:
        def parse_row(read: Callable[..., Any]) -> dict[str, Any]:
            return {
                "node": read("环节", lambda t: parse_choice(t, ProcessNode), required=True),
                "description": read("风险点描述"),
                "level": read("风险等级", lambda t: parse_choice(t, RiskLevel), required=True),
                "measures": read("防控措施", parse_lines),
                "responsible": read("责任岗位", self._position, required=True),
                "supervisor": read("监督岗位", self._position, required=True),
            }

        self._children(c.RISKS, "risk_points", c.RISK_FIELDS, parse_row)

    # ---------------------------------------------------------------- 责任清单

    def parse_responsibilities(self) -> None:
        sheet = self.sheets.get(c.RESPONSIBILITIES)
        if sheet is None:
            return
        for index, row in enumerate(sheet.rows):
            code = row.get("项目编码") or None
            read = self._reader(c.RESPONSIBILITIES, row, code)
            self.origins.set(("responsibilities", index), (c.RESPONSIBILITIES, row.number, None))
            for key, column in c.RESPONSIBILITY_FIELDS.items():
                self.origins.set(("responsibilities", index, key), (c.RESPONSIBILITIES, row.number, column))
            phone = read("监督电话设置项", required=True)
            entry = {
                "code": read("项目编码", required=True),
                "name": read("项目名称"),
                "responsible_unit": read("责任主体/责任科室"),
                "supervision_phone": {"setting": phone} if phone else None,
            }
            for key in (
                "legal_basis",
                "main_duties",
                "boundaries",
                "supervision_measures",
                "public_services",
                "accountability_cases",
                "accountability_basis",
            ):
                entry[key] = read(c.RESPONSIBILITY_FIELDS[key], parse_lines)
            self.responsibilities.append((row, entry, read("序号", parse_int, required=True)))

    # ---------------------------------------------------------------- validation

    def _add_issues(self, issues: Sequence[Issue]) -> None:
        for issue in issues:
            self.problems.add(issue.code, issue.message, self.origins.locate(issue.path), issue.item)

    def validate(self) -> None:
        powers = [power.entry for power in self.powers]
        responsibilities = [entry for _row, entry, _seq in self.responsibilities]
        self._add_issues(validate_document("powers", {"version": 1, "powers": powers}))
        self._add_issues(
            validate_document("responsibilities", {"version": 1, "responsibilities": responsibilities})
        )
        bad_powers = {
            i
            for i, p in enumerate(self.powers)
            if (c.MASTER, p.row.number) in self.problems.rows or self._has_issue("powers", i)
        }
        bad_items = {
            i
            for i, (row, _e, _s) in enumerate(self.responsibilities)
            if (c.RESPONSIBILITIES, row.number) in self.problems.rows
        }
        codes = [entry["code"] for entry in responsibilities if entry["code"]]
        ctx = CatalogContext.from_db(responsibility_codes=codes)
        self._add_issues(check_responsibilities(responsibilities, ctx, skip=bad_items))
        self._add_issues(check_powers(powers, ctx, skip=bad_powers))
        self._check_master_derived(bad_powers)
        readable = all(
            p.sequence and p.entry["category"] and p.entry["responsibilities"] is not None
            for p in self.powers
        )
        if readable:  # the derived columns need every power's links
            self._check_responsibility_derived(bad_items)

    def _has_issue(self, kind: str, index: int) -> bool:
        # any problem in a cell that belongs to this entry, its 分表, 实施依据 and 风险点 rows included
        return any(
            self.origins.locate(path)[:2] in self.problems.rows for path in self._paths_of(kind, index)
        )

    def _paths_of(self, kind: str, index: int) -> list[JsonPath]:
        entry = self.powers[index].entry
        paths: list[JsonPath] = [(kind, index, "details")]
        paths += [(kind, index, "legal_bases", slot) for slot in range(len(entry["legal_bases"]))]
        paths += [(kind, index, "risk_points", slot) for slot in range(len(entry["risk_points"]))]
        return paths

    def _check_derived(
        self, title: str, row: Row, column: str, expected: str, source: Any, item: str | None
    ) -> None:
        """A derived cell may be blank, show the new value, or still show the current one (not edited)."""
        shown = row.get(column)
        current = self.current.get(title, {}).get(item or "", {}).get(column)
        if shown and shown not in (expected, current):
            message = _("此列由系统根据%(source)s生成，与之不一致；请修改%(source)s，本列可留空") % {
                "source": source
            }
            self.problems.add("derived_mismatch", message, (title, row.number, column), item)

    def _check_master_derived(self, bad: set[int]) -> None:
        for number, power in enumerate(self.powers):
            if number in bad:
                continue
            entry, row = power.entry, power.row
            if power.bases_ok:
                self._check_derived(
                    c.MASTER,
                    row,
                    "实施依据",
                    summarize_bases(entry["legal_bases"]),
                    _("“实施依据”表"),
                    entry["code"],
                )
            phone_key = entry["supervision_phone"]["setting"]
            self._check_derived(
                c.MASTER,
                row,
                "监督电话",
                str(self.settings.get(phone_key, "")),
                _("乡镇设置“%(key)s”") % {"key": phone_key},
                entry["code"],
            )
            period = (entry["notice"] or {}).get("period") or {}
            if "setting" in period:
                self._check_derived(
                    c.MASTER,
                    row,
                    "公示期限",
                    format_period(self.settings.get(period["setting"])),
                    _("乡镇设置“%(key)s”") % {"key": period["setting"]},
                    entry["code"],
                )

    def _check_responsibility_derived(self, bad: set[int]) -> None:
        links = [
            {
                "code": p.entry["code"],
                "sequence": p.sequence,
                "category": p.entry["category"],
                "responsibilities": set(p.entry["responsibilities"]),
            }
            for p in self.powers
        ]
        for index, (row, entry, _sequence) in enumerate(self.responsibilities):
            if index in bad:
                continue
            linked = linked_powers(links, entry["code"])
            source = _("总表“对应责任事项”列")
            self._check_derived(
                c.RESPONSIBILITIES,
                row,
                "权力类型",
                responsibility_categories(linked, self.categories),
                source,
                entry["code"],
            )
            self._check_derived(
                c.RESPONSIBILITIES,
                row,
                "对应权力",
                "、".join(p["code"] for p in linked),
                source,
                entry["code"],
            )
            key = entry["supervision_phone"]["setting"]
            self._check_derived(
                c.RESPONSIBILITIES,
                row,
                "监督电话",
                str(self.settings.get(key, "")),
                _("乡镇设置“%(key)s”") % {"key": key},
                entry["code"],
            )

    def sorted_problems(self) -> list[CatalogProblem]:
        order = {title: rank for rank, title in enumerate(self._expected())}
        return sorted(self.problems.items, key=lambda p: (order.get(p.source, -1), p.line or 0))

    # ---------------------------------------------------------------- writing

    def write(self, *, now: dt.datetime) -> CatalogLoadReport:
        report = CatalogLoadReport()
        responsibilities = [
            canonical_responsibility(entry, sequence=sequence)
            for _row, entry, sequence in self.responsibilities
        ]
        powers = [
            canonical_power(p.entry, sequence=p.sequence, is_active=p.is_active, removed_at=p.removed_at)
            for p in self.powers
        ]
        report.warnings += five_area_warnings(p.entry for p in self.powers if p.is_active)
        dropped = sync_responsibilities(responsibilities, report=report)
        sync_powers(powers, report=report, now=now)
        delete_rows(dropped, report=report, kind="responsibility")
        return finish_report(report)


def import_sheets(
    sheets: Sequence[Sheet], *, now: dt.datetime | None = None, dry_run: bool = False
) -> CatalogLoadReport:
    """Validate the sheets and store them in one transaction.

    With `dry_run`, the writes are made and rolled back, so the report shows what would change.

    Raises:
        CatalogImportError: every bad cell, with sheet, row and column; nothing was written.
    """
    state = _Import(sheets)
    state.parse_master()
    state.parse_details()
    state.parse_bases()
    state.parse_risks()
    state.parse_responsibilities()
    if c.MASTER in state.sheets:
        state.validate()
    if state.problems.items:
        raise CatalogImportError(state.sorted_problems())
    now = now or timezone.now()
    try:
        with transaction.atomic():
            report = state.write(now=now)
            if dry_run:
                transaction.set_rollback(True)
    except IntegrityError as exc:
        problem = CatalogProblem("db_integrity", str(_("数据库约束冲突：%(e)s") % {"e": exc}), c.MASTER)
        raise CatalogImportError([problem]) from exc
    return report


def _read(reader: Callable[[Path], list[Sheet]], path: Path) -> list[Sheet]:
    try:
        return c.canonicalize(reader(Path(path)))
    except CellFileError as exc:
        raise CatalogImportError([CatalogProblem("file_unreadable", str(exc), Path(path).name)]) from exc


def import_xlsx(path: Path, *, now: dt.datetime | None = None, dry_run: bool = False) -> CatalogLoadReport:
    """Import a workbook written by `export_xlsx` (and edited by staff). See `import_sheets`."""
    return import_sheets(_read(read_xlsx, path), now=now, dry_run=dry_run)


def import_csv(
    directory: Path, *, now: dt.datetime | None = None, dry_run: bool = False
) -> CatalogLoadReport:
    """Import a directory of CSV files written by `export_csv`. See `import_sheets`."""
    return import_sheets(_read(read_csv, directory), now=now, dry_run=dry_run)
