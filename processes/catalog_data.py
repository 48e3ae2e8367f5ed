"""Load the power catalog from the YAML files in `processes/catalog/` into the database.

Everything is validated first (YAML syntax, JSON Schema, cross references); only then are the
rows written, in one transaction. `processes.exchange` reuses the validation and the writers for
spreadsheets, so both paths accept and store exactly the same data.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

import yaml
from django.db import IntegrityError, models, transaction
from django.db.models import ProtectedError, Q, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource

from processes.models import (
    Category,
    CollectiveDecision,
    Flow,
    ItemClass,
    LegalBasis,
    Position,
    Power,
    Responsibility,
    RiskPoint,
    TownshipSetting,
)

CATALOG_DIR = Path(__file__).resolve().parent / "catalog"
SCHEMA_DIR = CATALOG_DIR / "schema"

# document kind -> file name; loaded in this order
FILES: dict[str, str] = {
    "settings": "settings.yaml",
    "positions": "positions.yaml",
    "categories": "categories.yaml",
    "responsibilities": "responsibilities.yaml",
    "powers": "powers.yaml",
}

_APPLICATION_DETAILS = ("conditions", "result_document", "remedies")
# 分表 columns each flow family requires; the others must stay empty (they have no column in its 分表)
DETAIL_FIELDS: dict[str, tuple[str, ...]] = {
    Flow.BENEFIT: _APPLICATION_DETAILS,
    Flow.PERMIT: _APPLICATION_DETAILS,
    Flow.CONFIRMATION: _APPLICATION_DETAILS,
    Flow.MEDIATION: _APPLICATION_DETAILS,
    Flow.PENALTY: ("violation", "penalty_kinds", "discretion_benchmarks", "procedures", "remedies"),
    Flow.COERCION: ("coercion_measures", "demand_notice", "execution_method", "remedies"),
    Flow.ADJUDICATION: ("adjudication_scope", "conditions", "suit_period", "remedies"),
}
ALL_DETAIL_FIELDS: tuple[str, ...] = (
    "conditions",
    "result_document",
    "remedies",
    "violation",
    "penalty_kinds",
    "discretion_benchmarks",
    "procedures",
    "coercion_measures",
    "demand_notice",
    "execution_method",
    "adjudication_scope",
    "suit_period",
)
_LIST_DETAILS = {"conditions", "penalty_kinds", "discretion_benchmarks", "procedures", "coercion_measures"}

# Chinese names of the YAML keys, for error messages
FIELD_LABELS: dict[str, Any] = {
    "code": _("编码"),
    "name": _("名称"),
    "category": _("权力类型"),
    "flow": _("流程类别"),
    "process_id": _("办理流程"),
    "legal_role": _("乡镇职责"),
    "authority_source": _("权力来源"),
    "legal_bases": _("实施依据"),
    "implementing_subject": _("实施主体"),
    "handling_unit": _("承办机构"),
    "supervising_leader": _("分管领导"),
    "legal_limit": _("法定时限"),
    "legal_limit_note": _("法定时限说明"),
    "promised_limit": _("承诺时限"),
    "promised_limit_note": _("承诺时限说明"),
    "item_class": _("办件类型"),
    "ends_in_transfer": _("审核转报"),
    "fee_basis": _("收费依据及标准"),
    "supervision_phone": _("监督电话"),
    "materials": _("申请材料"),
    "collective_decisions": _("集体决策"),
    "collective_note": _("集体决策说明"),
    "notice": _("公示要求"),
    "risk_level": _("风险等级"),
    "risk_points": _("廉政风险点"),
    "details": _("分表"),
    "separation_of_duties": _("职责分离"),
    "five_areas": _("五不直接分管领域"),
    "responsibilities": _("责任清单编码"),
    "remarks": _("备注"),
    "conditions": _("申请（受理）条件"),
    "result_document": _("办理结果"),
    "remedies": _("救济途径"),
    "violation": _("违法行为"),
    "penalty_kinds": _("处罚种类"),
    "discretion_benchmarks": _("自由裁量基准"),
    "procedures": _("适用程序"),
    "coercion_measures": _("强制措施种类"),
    "demand_notice": _("催告"),
    "execution_method": _("执行方式"),
    "adjudication_scope": _("受理范围"),
    "suit_period": _("起诉期限"),
    "node": _("环节"),
    "description": _("描述"),
    "level": _("风险等级"),
    "measures": _("防控措施"),
    "responsible": _("责任岗位"),
    "supervisor": _("监督岗位"),
    "law": _("法律法规名称"),
    "article": _("条款"),
    "text": _("条款内容"),
    "effective_from": _("施行日期"),
    "effective_to": _("失效日期"),
    "where": _("公示地点"),
    "what": _("公示内容"),
    "period": _("公示期限"),
    "minors_excluded": _("未成年人不公示"),
    "publish_within": _("公开时限"),
    "responsible_unit": _("责任主体"),
    "main_duties": _("主要职责"),
    "boundaries": _("职责边界"),
    "accountability_cases": _("追责情形"),
    "accountability_basis": _("追责依据"),
    "order": _("排序"),
    "label": _("名称"),
    "value": _("取值"),
}

JsonPath = tuple[str | int, ...]


# --------------------------------------------------------------------------- errors and report


@dataclass(frozen=True)
class Issue:
    """A problem found in a document, before it is located in a file or a sheet."""

    path: JsonPath
    code: str
    message: str
    item: str | None = None


@dataclass(frozen=True)
class CatalogProblem:
    """One located problem: a file and line, or a sheet, row and column."""

    code: str
    message: str
    source: str
    line: int | None = None
    column: str | None = None
    item: str | None = None

    def __str__(self) -> str:
        where = str(_("“%(source)s”") % {"source": self.source})
        if self.line is not None:
            where += str(_("第 %(line)d 行") % {"line": self.line})
        if self.column:
            where += str(_("“%(column)s”列") % {"column": self.column})
        if self.item:
            where += f"（{self.item}）"
        return f"{where}：{self.message}"


class CatalogError(Exception):
    """The catalog data is invalid; nothing was written.

    `code` is the machine-readable code of the first problem; `problems` holds all of them.
    """

    code: str = "catalog_invalid"
    title: ClassVar[Any] = _("权力清单数据有误，未写入任何数据")

    def __init__(self, problems: Sequence[CatalogProblem]) -> None:
        self.problems = list(problems)
        first = self.problems[0]
        self.code, self.source, self.line, self.item = first.code, first.source, first.line, first.item
        lines = [str(self.title) + str(_("（共 %(n)d 处）：") % {"n": len(self.problems)})]
        lines += [f"- {problem}" for problem in self.problems]
        super().__init__("\n".join(lines))


@dataclass
class CatalogLoadReport:
    """What a load or an import changed. `changes == 0` means the database already matched."""

    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)
    deactivated: list[str] = field(default_factory=list)
    reactivated: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)

    @property
    def changes(self) -> int:
        counted = self.created.values(), self.updated.values(), self.deleted.values()
        return sum(sum(c) for c in counted) + len(self.deactivated) + len(self.reactivated)

    def summary(self) -> str:
        parts = [
            str(
                _("权力类别 %(c)d 类、现行权力 %(p)d 项、责任事项 %(r)d 项")
                % {
                    "c": self.totals.get("category", 0),
                    "p": self.totals.get("power", 0),
                    "r": self.totals.get("responsibility", 0),
                }
            ),
            str(
                _("新增 %(a)d、修改 %(b)d、删除 %(d)d 条记录")
                % {
                    "a": sum(self.created.values()),
                    "b": sum(self.updated.values()),
                    "d": sum(self.deleted.values()),
                }
            ),
        ]
        if self.deactivated:
            parts.append(str(_("移出清单：%(codes)s") % {"codes": "、".join(self.deactivated)}))
        if self.reactivated:
            parts.append(str(_("恢复：%(codes)s") % {"codes": "、".join(self.reactivated)}))
        parts += [str(_("提示：%(w)s") % {"w": w}) for w in self.warnings]
        return "\n".join(parts)


# --------------------------------------------------------------------------- YAML with line numbers


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates as text, rejects duplicate keys and records line numbers."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        # id(container) -> (line of the container, line of each child by key or index)
        self.lines: dict[int, tuple[int, Any]] = {}


# dates stay strings, so the schema checks them and "2020-1-1" is an error rather than a surprise
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _DuplicateKey(yaml.constructor.ConstructorError):
    """A mapping repeats a key (plain PyYAML would silently keep the last value)."""


def _construct_map(loader: _Loader, node: yaml.MappingNode) -> Iterator[dict]:
    seen: set[Any] = set()
    for key_node, _value in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge" or not isinstance(key_node, yaml.ScalarNode):
            continue
        if key_node.value in seen:
            raise _DuplicateKey(
                None, None, str(_("键“%(key)s”重复") % {"key": key_node.value}), key_node.start_mark
            )
        seen.add(key_node.value)
    data: dict = {}
    yield data
    data.update(loader.construct_mapping(node))  # resolves "<<" merges into node.value first
    children = {k.value: v.start_mark.line + 1 for k, v in node.value if isinstance(k, yaml.ScalarNode)}
    loader.lines[id(data)] = (node.start_mark.line + 1, children)


def _construct_seq(loader: _Loader, node: yaml.SequenceNode) -> Iterator[list]:
    data: list = []
    yield data
    data.extend(loader.construct_sequence(node))
    loader.lines[id(data)] = (node.start_mark.line + 1, [child.start_mark.line + 1 for child in node.value])


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


@dataclass
class YamlDocument:
    """A parsed YAML file and the line of every container and child in it."""

    name: str
    data: Any
    lines: dict[int, tuple[int, Any]]

    def line_of(self, path: JsonPath) -> int | None:
        node, line = self.data, self.lines.get(id(self.data), (None,))[0]
        for step in path:
            info = self.lines.get(id(node))
            if info is None:
                break
            children = info[1]
            if isinstance(children, dict):
                line = children.get(step, line)
            elif isinstance(step, int) and 0 <= step < len(children):
                line = children[step]
            try:
                node = node[step]
            except (KeyError, IndexError, TypeError):
                break
        return line


def read_yaml(path: Path) -> YamlDocument:
    """Parse one catalog file.

    Raises:
        CatalogError: the file is missing, not UTF-8, or not valid YAML (with its line).
    """
    name = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CatalogError([CatalogProblem("file_missing", str(_("文件不存在")), name)]) from None
    except UnicodeDecodeError as exc:
        message = str(_("文件不是 UTF-8 编码（第 %(pos)d 字节）") % {"pos": exc.start})
        raise CatalogError([CatalogProblem("file_encoding", message, name)]) from exc
    loader = _Loader(text)
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        detail = exc.problem or exc.context or ""
        code = "duplicate_key" if isinstance(exc, _DuplicateKey) else "yaml_syntax"
        message = str(_("YAML 语法错误：%(detail)s") % {"detail": detail})
        raise CatalogError([CatalogProblem(code, message, name, line)]) from exc
    except yaml.YAMLError as exc:
        message = str(_("YAML 语法错误：%(detail)s") % {"detail": exc})
        raise CatalogError([CatalogProblem("yaml_syntax", message, name)]) from exc
    finally:
        loader.dispose()
    return YamlDocument(name, _strip_strings(data), loader.lines)


def _strip_strings(value: Any) -> Any:
    """Trim every string in place (block scalars end with a newline); keeps container identity."""
    if isinstance(value, dict):
        for key, item in value.items():
            value[key] = _strip_strings(item)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            value[index] = _strip_strings(item)
    elif isinstance(value, str):
        return value.strip()
    return value


# --------------------------------------------------------------------------- JSON Schema


@cache
def _validators() -> dict[str, Draft202012Validator]:
    schemas = {
        path.name.removesuffix(".schema.json"): json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(SCHEMA_DIR.glob("*.schema.json"))
    }
    registry: Registry = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema)) for schema in schemas.values()
    )
    return {
        kind: Draft202012Validator(
            schema, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
        )
        for kind, schema in schemas.items()
        if kind != "common"
    }


_TYPE_NAMES = {
    "object": _("键值映射"),
    "array": _("列表"),
    "string": _("文字"),
    "integer": _("整数"),
    "boolean": _("是/否（true/false）"),
    "null": _("空（null）"),
    "number": _("数字"),
}


def _schema_message(error: ValidationError) -> str:
    kind, expected, instance = error.validator, error.validator_value, error.instance
    if kind in ("oneOf", "anyOf") and error.context:
        return _schema_message(_best_context_error(error))
    if kind == "required":
        return str(_("必填项，不能缺少"))
    if kind == "additionalProperties":
        known = set(error.schema.get("properties", {}))
        extra = sorted(k for k in instance if k not in known) if isinstance(instance, dict) else []
        return str(_("不认识的字段：%(keys)s") % {"keys": "、".join(map(str, extra))})
    if kind == "enum":
        return str(
            _("取值“%(value)s”无效，应为以下之一：%(choices)s")
            % {"value": instance, "choices": "、".join(map(str, expected))}
        )
    if kind == "const":
        return str(_("取值应为 %(value)s") % {"value": json.dumps(expected, ensure_ascii=False)})
    if kind == "type":
        return str(
            _("类型应为%(type)s，实际为“%(value)s”")
            % {"type": _TYPE_NAMES.get(expected, expected), "value": instance}
        )
    if kind == "pattern":
        return str(_("“%(value)s”格式不正确（不能为空或含换行，编码须符合规范）") % {"value": instance})
    if kind == "minLength":
        return str(_("不能为空"))
    if kind == "minItems":
        return str(_("至少需要 %(n)d 项") % {"n": expected})
    if kind == "maxItems":
        return str(_("最多 %(n)d 项") % {"n": expected})
    if kind == "uniqueItems":
        return str(_("列表中有重复项"))
    if kind == "minimum":
        return str(_("应不小于 %(n)s") % {"n": expected})
    if kind == "maximum":
        return str(_("应不大于 %(n)s") % {"n": expected})
    if kind == "format":
        return str(_("“%(value)s”不是有效日期（格式 YYYY-MM-DD）") % {"value": instance})
    if kind == "propertyNames":
        return str(_("键名“%(value)s”格式不正确") % {"value": instance})
    return str(_("不符合数据规范（%(rule)s）") % {"rule": kind})


def _best_context_error(error: ValidationError) -> ValidationError:
    # in a oneOf, the alternative of the instance's own type explains the problem best
    candidates = [e for e in error.context if e.validator not in ("type", "oneOf", "anyOf")] or list(
        error.context
    )
    return max(candidates, key=lambda e: len(e.absolute_path))


def _key_label(key: Any) -> str:
    label = FIELD_LABELS.get(key)
    return f"{key}（{label}）" if label else str(key)


def validate_document(kind: str, data: Any) -> list[Issue]:
    """All JSON Schema violations of one document, each with its path and the item code it is in."""
    issues = []
    for error in _validators()[kind].iter_errors(data):
        located = (
            _best_context_error(error) if error.validator in ("oneOf", "anyOf") and error.context else error
        )
        path = tuple(located.absolute_path)
        if located.validator == "required" and isinstance(located.instance, dict):
            # one issue per missing key, located at the key so a spreadsheet can name the column
            missing = [k for k in located.validator_value if k not in located.instance]
            issues += [
                Issue(path + (key,), "schema_violation", _schema_message(located), _item_code(data, path))
                for key in missing
            ]
            continue
        issues.append(Issue(path, "schema_violation", _schema_message(error), _item_code(data, path)))
    return sorted(issues, key=lambda i: [str(s) for s in i.path])


def _item_code(data: Any, path: JsonPath) -> str | None:
    """The `code` of the innermost object on `path` that has one (a power, a responsibility...)."""
    found, node = None, data
    for step in path:
        if isinstance(node, dict) and isinstance(node.get("code"), str):
            found = node["code"]
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            break
    return found


_GENERIC_KEYS = {"value", "unit", "setting", "label"}


def describe_path(path: JsonPath) -> str:
    """`risk_points[0].level（风险等级）`: the path as written in YAML, with the Chinese field name."""
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    named = [s for s in path if isinstance(s, str) and s in FIELD_LABELS and s not in _GENERIC_KEYS]
    label = FIELD_LABELS[named[-1]] if named else None
    return f"{text}（{label}）" if label else text


# --------------------------------------------------------------------------- cross references


@dataclass(frozen=True)
class CatalogContext:
    """The reference data powers and responsibilities are checked against."""

    category_flows: Mapping[str, str]
    position_codes: frozenset[str]
    settings: Mapping[str, Any]
    responsibility_codes: frozenset[str]

    @classmethod
    def from_db(cls, *, responsibility_codes: Iterable[str]) -> CatalogContext:
        return cls(
            category_flows=dict(Category.objects.values_list("code", "flow")),
            position_codes=frozenset(Position.objects.values_list("code", flat=True)),
            settings=dict(TownshipSetting.objects.values_list("key", "value")),
            responsibility_codes=frozenset(responsibility_codes),
        )


def process_id_for(code: str) -> str:
    """BPMN process id of a power: XK-01 -> power_xk_01."""
    return "power_" + code.lower().replace("-", "_")


def _is_period(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"value", "unit"}


def _duplicates(items: Iterable[tuple[int, Any]]) -> Iterator[tuple[int, Any]]:
    seen: set[Any] = set()
    for index, value in items:
        if value in seen:
            yield index, value
        seen.add(value)


def check_unique(kind: str, entries: Sequence[Mapping], fields: Sequence[str]) -> list[Issue]:
    issues = []
    for name in fields:
        values = (
            (i, e[name])
            for i, e in enumerate(entries)
            if isinstance(e, Mapping) and isinstance(e.get(name), str | int)
        )
        for index, value in _duplicates(values):
            message = str(_("%(field)s“%(value)s”重复") % {"field": _key_label(name), "value": value})
            issues.append(Issue((kind, index, name), "duplicate_code", message, entries[index].get("code")))
    return issues


def check_settings_refs(
    kind: str, index: int, entry: Mapping, path: JsonPath, ctx: CatalogContext
) -> list[Issue]:
    key = entry.get("setting")
    if key in ctx.settings:
        return []
    message = str(_("引用的乡镇设置项“%(key)s”在 settings.yaml 中不存在") % {"key": key})
    return [Issue((kind, index, *path), "unknown_setting", message)]


def check_responsibilities(entries: Sequence[Mapping], ctx: CatalogContext, *, skip: set[int]) -> list[Issue]:
    """Cross-reference checks of responsibility entries (those not in `skip`)."""
    issues = check_unique("responsibilities", entries, ["code", "name"])
    for index, entry in enumerate(entries):
        if index not in skip:
            issues += check_settings_refs(
                "responsibilities", index, entry["supervision_phone"], ("supervision_phone",), ctx
            )
    return [Issue(i.path, i.code, i.message, i.item or entries[i.path[1]].get("code")) for i in issues]


def check_powers(entries: Sequence[Mapping], ctx: CatalogContext, *, skip: set[int]) -> list[Issue]:
    """Cross-reference and consistency checks of power entries (those not in `skip`)."""
    issues = check_unique("powers", entries, ["code", "process_id"])
    chief_titles = set(ctx.settings.get("chief_titles") or [])
    for index, power in enumerate(entries):
        if index in skip:
            continue
        issues += [
            Issue(("powers", index, *path), code, message, power["code"])
            for path, code, message in _check_power(power, ctx, chief_titles)
        ]
        issues += [
            Issue(i.path, i.code, i.message, power["code"])
            for i in check_settings_refs(
                "powers", index, power["supervision_phone"], ("supervision_phone",), ctx
            )
        ]
    return issues


def _check_power(
    power: Mapping, ctx: CatalogContext, chief_titles: set[str]
) -> Iterator[tuple[JsonPath, str, str]]:
    code, category = power["code"], power["category"]
    category_flow = ctx.category_flows.get(category)
    if category_flow is None:
        yield (
            ("category",),
            "unknown_category",
            str(_("权力类型“%(c)s”在 categories.yaml 中不存在") % {"c": category}),
        )
    if code.split("-")[0] != category:
        yield (
            ("code",),
            "code_category_mismatch",
            str(_("权力编码“%(code)s”的前缀应与权力类型“%(c)s”一致") % {"code": code, "c": category}),
        )
    if power["process_id"] != process_id_for(code):
        yield (
            ("process_id",),
            "process_id_mismatch",
            str(_("办理流程编号应为“%(expected)s”") % {"expected": process_id_for(code)}),
        )
    if category_flow and category_flow != Flow.MEDIATION and power["flow"] != category_flow:
        yield (
            ("flow",),
            "flow_mismatch",
            str(
                _("流程类别应与权力类型一致（%(flow)s）；只有“其他”类权力可另选流程类别")
                % {"flow": category_flow}
            ),
        )
    yield from _check_limits(power)
    yield from _check_item_class(power)
    for number, basis in enumerate(power["legal_bases"]):
        start, end = basis.get("effective_from"), basis.get("effective_to")
        if start and end and end < start:
            yield ("legal_bases", number, "effective_to"), "basis_dates", str(_("失效日期早于施行日期"))
    for number, risk in enumerate(power["risk_points"]):
        for role in ("responsible", "supervisor"):
            if risk[role] not in ctx.position_codes:
                yield (
                    ("risk_points", number, role),
                    "unknown_position",
                    str(_("岗位“%(p)s”在 positions.yaml 中不存在") % {"p": risk[role]}),
                )
    for number, responsibility in enumerate(power["responsibilities"]):
        if responsibility not in ctx.responsibility_codes:
            yield (
                ("responsibilities", number),
                "unknown_responsibility",
                str(_("责任事项“%(r)s”不在责任清单中") % {"r": responsibility}),
            )
    notice = power["notice"]
    if notice and isinstance(notice.get("period"), dict) and "setting" in notice["period"]:
        key = notice["period"]["setting"]
        if key not in ctx.settings:
            yield (
                ("notice", "period", "setting"),
                "unknown_setting",
                str(_("引用的乡镇设置项“%(key)s”在 settings.yaml 中不存在") % {"key": key}),
            )
        elif not _is_period(ctx.settings[key]):
            yield (
                ("notice", "period", "setting"),
                "setting_not_period",
                str(_("乡镇设置项“%(key)s”不是期限（应为 value + unit）") % {"key": key}),
            )
    if category_flow:
        yield from _check_details(power["details"], category_flow)
    if (
        CollectiveDecision.PENALTY_COLLECTIVE in power["collective_decisions"]
        and category_flow != Flow.PENALTY
    ):
        yield (
            ("collective_decisions",),
            "collective_not_allowed",
            str(_("“负责人集体讨论”只适用于行政处罚类权力")),
        )
    if power["five_areas"] and power["supervising_leader"] in chief_titles:
        yield (
            ("supervising_leader",),
            "five_areas_chief",
            str(
                _("该权力涉及%(areas)s，按“五不直接分管”不得由“%(leader)s”分管")
                % {"areas": "、".join(power["five_areas"]), "leader": power["supervising_leader"]}
            ),
        )


def _check_limits(power: Mapping) -> Iterator[tuple[JsonPath, str, str]]:
    legal, promised = power["legal_limit"], power["promised_limit"]
    if legal and legal["unit"] == promised["unit"] and promised["value"] > legal["value"]:
        yield (
            ("promised_limit", "value"),
            "promised_exceeds_legal",
            str(_("承诺时限（%(p)d）超过法定时限（%(l)d）") % {"p": promised["value"], "l": legal["value"]}),
        )


def _check_item_class(power: Mapping) -> Iterator[tuple[JsonPath, str, str]]:
    if power["item_class"] == ItemClass.INSTANT and power["promised_limit"]["value"] != 0:
        yield ("promised_limit", "value"), "instant_item_limit", str(_("即办件的承诺时限应为 0（当场办结）"))
    if power["item_class"] == ItemClass.REPORT and not power["ends_in_transfer"]:
        yield ("ends_in_transfer",), "report_item_transfer", str(_("上报件须标为审核转报"))


def _check_details(details: Mapping, flow: str) -> Iterator[tuple[JsonPath, str, str]]:
    wanted = DETAIL_FIELDS[flow]
    for name in wanted:
        if details.get(name) in (None, "", []):
            yield (
                ("details", name),
                "detail_missing",
                str(_("该类别分表须填写“%(field)s”") % {"field": FIELD_LABELS[name]}),
            )
    for name in ALL_DETAIL_FIELDS:
        if name not in wanted and details.get(name) not in (None, "", []):
            yield (
                ("details", name),
                "detail_not_applicable",
                str(_("“%(field)s”不属于该类别的分表，请删除") % {"field": FIELD_LABELS[name]}),
            )


def five_area_warnings(entries: Iterable[Mapping]) -> list[str]:
    """Warn when one leader title holds all five areas (原则上一名副职不同时分管五个领域)."""
    held: dict[str, set[str]] = {}
    for power in entries:
        held.setdefault(power["supervising_leader"], set()).update(power["five_areas"])
    return [
        str(_("“%(leader)s”同时分管财务、人事、工程项目、行政审批、物资采购五个领域") % {"leader": leader})
        for leader, areas in held.items()
        if len(areas) == 5
    ]


# --------------------------------------------------------------------------- canonical rows


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def canonical_power(
    entry: Mapping, *, sequence: int, is_active: bool = True, removed_at: dt.datetime | None = None
) -> dict[str, Any]:
    """The database form of a validated powers.yaml entry (field attnames plus child rows)."""
    legal, promised, details = entry["legal_limit"], entry["promised_limit"], entry["details"]
    notice = entry["notice"]
    row: dict[str, Any] = {
        "code": entry["code"],
        "sequence": sequence,
        "name": entry["name"],
        "category_id": entry["category"],
        "flow": entry["flow"],
        "process_id": entry["process_id"],
        "legal_role": entry["legal_role"],
        "authority_source": entry["authority_source"],
        "implementing_subject": entry["implementing_subject"],
        "handling_unit": entry["handling_unit"],
        "supervising_leader": entry["supervising_leader"],
        "legal_limit_value": legal["value"] if legal else None,
        "legal_limit_unit": legal["unit"] if legal else "",
        "legal_limit_note": entry.get("legal_limit_note", ""),
        "promised_limit_value": promised["value"],
        "promised_limit_unit": promised["unit"],
        "promised_limit_note": entry.get("promised_limit_note", ""),
        "item_class": entry["item_class"],
        "ends_in_transfer": entry["ends_in_transfer"],
        "fee_basis": entry["fee_basis"],
        "supervision_phone_setting_id": entry["supervision_phone"]["setting"],
        "materials": list(entry["materials"]),
        "collective_decisions": list(entry["collective_decisions"]),
        "collective_note": entry.get("collective_note", ""),
        "notice": None
        if notice is None
        else {
            "where": notice["where"],
            "what": notice["what"],
            "period": notice.get("period"),
            "minors_excluded": notice.get("minors_excluded", False),
            "publish_within": notice.get("publish_within"),
        },
        "risk_level": entry["risk_level"],
        "separation_of_duties": list(entry["separation_of_duties"]),
        "five_areas": list(entry["five_areas"]),
        "remarks": entry.get("remarks", ""),
        "is_active": is_active,
        "removed_at": removed_at,
    }
    for name in ALL_DETAIL_FIELDS:
        empty: Any = [] if name in _LIST_DETAILS else (None if name == "suit_period" else "")
        row[name] = details.get(name, empty)
    row["legal_bases"] = [
        {
            "law": b["law"],
            "article": b["article"],
            "text": b["text"],
            "effective_from": _date(b.get("effective_from")),
            "effective_to": _date(b.get("effective_to")),
        }
        for b in entry["legal_bases"]
    ]
    row["risk_points"] = [
        {
            "node": r["node"],
            "description": r["description"],
            "level": r["level"],
            "measures": list(r["measures"]),
            "responsible_id": r["responsible"],
            "supervisor_id": r["supervisor"],
        }
        for r in entry["risk_points"]
    ]
    row["responsibilities"] = list(entry["responsibilities"])
    return row


def canonical_responsibility(entry: Mapping, *, sequence: int) -> dict[str, Any]:
    """The database form of a validated responsibilities.yaml entry."""
    row = {
        "code": entry["code"],
        "name": entry["name"],
        "sequence": sequence,
        "responsible_unit": entry["responsible_unit"],
        "supervision_phone_setting_id": entry["supervision_phone"]["setting"],
    }
    for name in (
        "legal_basis",
        "main_duties",
        "boundaries",
        "supervision_measures",
        "public_services",
        "accountability_cases",
        "accountability_basis",
    ):
        row[name] = list(entry.get(name, []))
    return row


# --------------------------------------------------------------------------- writing


def _upsert(
    model: type[models.Model],
    lookup: dict[str, Any],
    values: dict[str, Any],
    existing: models.Model | None,
    report: CatalogLoadReport,
    kind: str,
) -> models.Model:
    if existing is None:
        report.created[kind] += 1
        return model.objects.create(**lookup, **values)
    changed = [name for name, value in values.items() if getattr(existing, name) != value]
    if changed:
        for name in changed:
            setattr(existing, name, values[name])
        existing.save(update_fields=changed)  # attnames such as category_id are accepted
        report.updated[kind] += 1
    return existing


def _sync_keyed(
    model: type[models.Model], key: str, rows: Sequence[dict[str, Any]], report: CatalogLoadReport, kind: str
) -> list[models.Model]:
    """Create or update rows by natural key; returns existing rows that are no longer in `rows`."""
    existing = {getattr(obj, key): obj for obj in model.objects.all()}
    for row in rows:
        values = {k: v for k, v in row.items() if k != key}
        _upsert(model, {key: row[key]}, values, existing.pop(row[key], None), report, kind)
    return list(existing.values())


def _sync_children(
    power: Power,
    model: type[models.Model],
    rows: Sequence[dict[str, Any]],
    report: CatalogLoadReport,
    kind: str,
) -> None:
    existing = {obj.position: obj for obj in model.objects.filter(power=power)}
    for position, row in enumerate(rows, start=1):
        _upsert(
            model, {"power": power, "position": position}, row, existing.pop(position, None), report, kind
        )
    if existing:
        model.objects.filter(pk__in=[obj.pk for obj in existing.values()]).delete()
        report.deleted[kind] += len(existing)


_CHILD_KEYS = ("legal_bases", "risk_points", "responsibilities")


def sync_powers(rows: Sequence[dict[str, Any]], *, report: CatalogLoadReport, now: dt.datetime) -> None:
    """Upsert powers and their bases, risk points and responsibility links; retire powers not in `rows`."""
    existing = {power.code: power for power in Power.objects.all()}
    responsibilities = {r.code: r for r in Responsibility.objects.all()}
    for row in rows:
        values = {k: v for k, v in row.items() if k not in _CHILD_KEYS and k != "code"}
        before = existing.pop(row["code"], None)
        if before is not None and not before.is_active and row["is_active"]:
            report.reactivated.append(row["code"])
        power = _upsert(Power, {"code": row["code"]}, values, before, report, "power")
        _sync_children(power, LegalBasis, row["legal_bases"], report, "legal_basis")
        _sync_children(power, RiskPoint, row["risk_points"], report, "risk_point")
        current = set(power.responsibilities.values_list("code", flat=True)) if before else set()
        if current != set(row["responsibilities"]):
            power.responsibilities.set([responsibilities[code] for code in row["responsibilities"]])
            if before is not None:  # links of a new power are part of creating it
                report.updated["power_responsibility"] += 1
    for power in existing.values():
        if power.is_active:
            power.is_active, power.removed_at = False, now
            power.save(update_fields=["is_active", "removed_at"])
            report.deactivated.append(power.code)


def sync_responsibilities(
    rows: Sequence[dict[str, Any]], *, report: CatalogLoadReport
) -> list[Responsibility]:
    """Upsert responsibilities; returns those no longer listed (delete them after the powers are synced)."""
    return _sync_keyed(Responsibility, "code", rows, report, "responsibility")


def delete_rows(rows: Iterable[models.Model], *, report: CatalogLoadReport, kind: str) -> None:
    for row in rows:
        row.delete()
        report.deleted[kind] += 1


def _still_used_setting(key: str) -> bool:
    if Power.objects.filter(supervision_phone_setting_id=key).exists():
        return True
    if Responsibility.objects.filter(supervision_phone_setting_id=key).exists():
        return True
    notices = Power.objects.exclude(notice=None).values_list("notice", flat=True)
    return any((n.get("period") or {}).get("setting") == key for n in notices)


def _retire(
    rows: Iterable[models.Model], *, in_use: Any, report: CatalogLoadReport, kind: str, label: Any
) -> None:
    """Delete rows dropped from a file, unless something still refers to them (then keep them and warn).

    `in_use` covers references inside the catalog (retired powers); rows of other apps that protect
    the row (e.g. a staff assignment to a position) are found by trying the delete.
    """
    for row in rows:
        kept = in_use(row)
        if not kept:
            try:
                with transaction.atomic():
                    row.delete()
            except (ProtectedError, RestrictedError):
                kept = True
        if kept:
            report.warnings.append(
                str(
                    _("%(kind)s“%(row)s”已从文件中删除，但仍被其他记录引用，暂予保留")
                    % {"kind": label, "row": row}
                )
            )
        else:
            report.deleted[kind] += 1


def finish_report(report: CatalogLoadReport) -> CatalogLoadReport:
    report.totals = {
        "category": Category.objects.count(),
        "power": Power.objects.active().count(),
        "responsibility": Responsibility.objects.count(),
    }
    return report


# --------------------------------------------------------------------------- the loader


def read_catalog(catalog_dir: Path) -> dict[str, YamlDocument]:
    """Parse every catalog file; all syntax errors are reported together.

    Raises:
        CatalogError: a file is missing or not valid YAML.
    """
    documents, problems = {}, []
    for kind, name in FILES.items():
        try:
            documents[kind] = read_yaml(catalog_dir / name)
        except CatalogError as exc:
            problems += exc.problems
    if problems:
        raise CatalogError(problems)
    return documents


def _locate(document: YamlDocument, issue: Issue) -> CatalogProblem:
    message, path = issue.message, issue.path
    if issue.item and len(path) >= 2 and isinstance(path[1], int):
        path = path[2:]  # the item code already names the entry
    if path:
        message = str(_("字段 %(path)s：%(message)s") % {"path": describe_path(path), "message": message})
    return CatalogProblem(issue.code, message, document.name, document.line_of(issue.path), item=issue.item)


def validate_catalog(documents: Mapping[str, YamlDocument]) -> CatalogContext:
    """Schema and cross-reference checks of the parsed files.

    Raises:
        CatalogError: every problem found, each with its file and line.
    """
    problems = [
        _locate(document, issue)
        for kind, document in documents.items()
        for issue in validate_document(kind, document.data)
    ]
    if problems:
        raise CatalogError(problems)
    data = {kind: document.data for kind, document in documents.items()}
    settings = {key: entry["value"] for key, entry in data["settings"]["settings"].items()}
    ctx = CatalogContext(
        category_flows={c["code"]: c["flow"] for c in data["categories"]["categories"]},
        position_codes=frozenset(p["code"] for p in data["positions"]["positions"]),
        settings=settings,
        responsibility_codes=frozenset(r["code"] for r in data["responsibilities"]["responsibilities"]),
    )
    issues = {
        "categories": check_unique("categories", data["categories"]["categories"], ["code", "name", "order"]),
        "positions": check_unique("positions", data["positions"]["positions"], ["code", "name"]),
        "responsibilities": check_responsibilities(
            data["responsibilities"]["responsibilities"], ctx, skip=set()
        ),
        "powers": check_powers(data["powers"]["powers"], ctx, skip=set()),
    }
    problems = [_locate(documents[kind], issue) for kind, found in issues.items() for issue in found]
    if problems:
        raise CatalogError(problems)
    return ctx


def load_catalog_data(
    catalog_dir: Path = CATALOG_DIR, *, now: dt.datetime | None = None
) -> CatalogLoadReport:
    """Validate the catalog files in `catalog_dir` and store them, in one transaction.

    Upserts settings, positions, categories, responsibilities and powers (with their legal bases,
    risk points and responsibility links); powers missing from powers.yaml are marked inactive
    (`removed_at = now`). Running it again on unchanged files reports `changes == 0`.

    Raises:
        CatalogError: any file is invalid; nothing was written.
    """
    now = now or timezone.now()
    documents = read_catalog(Path(catalog_dir))
    validate_catalog(documents)
    data = {kind: document.data for kind, document in documents.items()}
    report = CatalogLoadReport()
    report.warnings += five_area_warnings(data["powers"]["powers"])
    try:
        with transaction.atomic():
            _write(data, report=report, now=now)
    except IntegrityError as exc:
        problem = CatalogProblem(
            "db_integrity", str(_("数据库约束冲突：%(e)s") % {"e": exc}), FILES["powers"]
        )
        raise CatalogError([problem]) from exc
    return finish_report(report)


def _write(data: Mapping[str, Any], *, report: CatalogLoadReport, now: dt.datetime) -> None:
    write_rows(rows_from_documents(data), report=report, now=now)


def rows_from_documents(data: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The database rows of validated catalog documents, by kind."""
    settings = [
        {"key": key, "value": entry["value"], "label": entry["label"], "note": entry.get("note", "")}
        for key, entry in data["settings"]["settings"].items()
    ]
    positions = [
        {"code": p["code"], "name": p["name"], "order": order, "description": p.get("description", "")}
        for order, p in enumerate(data["positions"]["positions"], start=1)
    ]
    categories = [
        {
            "code": c["code"],
            "name": c["name"],
            "order": c["order"],
            "flow": c["flow"],
            "description": c.get("description", ""),
        }
        for c in data["categories"]["categories"]
    ]
    responsibilities = [
        canonical_responsibility(entry, sequence=number)
        for number, entry in enumerate(data["responsibilities"]["responsibilities"], start=1)
    ]
    powers = [
        canonical_power(entry, sequence=number) for number, entry in enumerate(data["powers"]["powers"], 1)
    ]
    return {"setting": settings, "position": positions, "category": categories,
            "responsibility": responsibilities, "power": powers}  # fmt: skip


def write_rows(rows: Mapping[str, Sequence[dict[str, Any]]], *, report: CatalogLoadReport, now: dt.datetime) -> None:
    """Make the catalog tables equal to `rows` (by kind): upsert, retire what is no longer listed."""
    settings, positions, categories = rows["setting"], rows["position"], rows["category"]
    responsibilities, powers = rows["responsibility"], rows["power"]
    dropped_settings = _sync_keyed(TownshipSetting, "key", settings, report, "setting")
    dropped_positions = _sync_keyed(Position, "code", positions, report, "position")
    dropped_categories = _sync_keyed(Category, "code", categories, report, "category")
    dropped_responsibilities = sync_responsibilities(responsibilities, report=report)
    sync_powers(powers, report=report, now=now)
    delete_rows(dropped_responsibilities, report=report, kind="responsibility")
    _retire(
        dropped_categories,
        in_use=lambda c: Power.objects.filter(category=c).exists(),
        report=report,
        kind="category",
        label=_("权力类别"),
    )
    _retire(
        dropped_positions,
        in_use=lambda p: RiskPoint.objects.filter(Q(responsible=p) | Q(supervisor=p)).exists(),
        report=report,
        kind="position",
        label=_("岗位"),
    )
    _retire(
        dropped_settings,
        in_use=lambda s: _still_used_setting(s.key),
        report=report,
        kind="setting",
        label=_("乡镇设置项"),
    )


def resolve_period(value: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A period as {value, unit}, following a {setting: key} reference to the township setting."""
    if value is None or "setting" not in value:
        return None if value is None else dict(value)
    return dict(TownshipSetting.objects.get(key=value["setting"]).value)
