"""Form validation messages a township clerk can read: in the active language (Chinese by
default), naming each field by its form title, each under its field path (``data.applicant``,
``data.members.0``), one message per problem. Built from jsonschema's errors, not its English."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

ROOT = "data"  # every entry point takes the form's values as `data`

TYPE_NAMES = {
    "string": gettext_noop("文本"), "integer": gettext_noop("整数"), "number": gettext_noop("数字"),
    "boolean": gettext_noop("是或否"), "array": gettext_noop("列表"), "object": gettext_noop("对象"),
    "null": gettext_noop("空值"),
}  # fmt: skip
FORMAT_NAMES = {
    "date": gettext_noop("日期（如 2026-03-02）"), "date-time": gettext_noop("带时区的日期时间"),
    "email": gettext_noop("电子邮箱地址"), "uri": gettext_noop("网址"), "time": gettext_noop("时间"),
}  # fmt: skip
_QUOTED = re.compile(r"^'(.+)' is a required property$")


def field_path(parts: Iterable[Any]) -> str:
    return ".".join([ROOT, *(str(p) for p in parts)])


def _title(schema: Mapping[str, Any], fallback: str) -> str:
    title = schema.get("title") if isinstance(schema, Mapping) else None
    return str(title) if title else fallback


def _values(values: Iterable[Any]) -> str:
    return _("、").join(str(v) for v in values)


def _at(root: Mapping[str, Any] | None, where: list[Any]) -> Mapping[str, Any]:
    """The part of the form's schema that describes the value at `where` (for its field titles)."""
    node: Any = root or {}
    for part in where:
        node = node.get("items", {}) if isinstance(part, int) else node.get("properties", {}).get(part, {})
        if not isinstance(node, Mapping):
            return {}
    return node


def field_errors(errors: Iterable[Any], root: Mapping[str, Any] | None = None) -> dict[str, list[str]]:
    """{field path: [messages]} for jsonschema ValidationErrors, sorted by path. `root` (the whole
    form) names the fields an if/then rule requires, which its own sub-schema does not describe."""
    fields: dict[str, list[str]] = {}
    for error in errors:
        for path, message in _describe(error, root):
            fields.setdefault(path, []).append(message)
    return dict(sorted(fields.items()))


def _describe(error: Any, root: Mapping[str, Any] | None = None) -> list[tuple[str, str]]:
    where = list(error.absolute_path)
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    name = str(where[-1]) if where else ROOT
    title = _title(schema, name)
    kind, rule = error.validator, error.validator_value
    if kind == "required":
        match = _QUOTED.match(error.message)
        missing = [match.group(1)] if match else [p for p in rule if p not in (error.instance or {})]
        own, whole = schema.get("properties", {}), _at(root, where).get("properties", {})
        return [(field_path([*where, p]), _("“%(title)s”为必填项")
                 % {"title": _title(own.get(p, {}), _title(whole.get(p, {}), p))}) for p in missing]  # fmt: skip
    if kind == "additionalProperties" and isinstance(error.instance, Mapping):
        known = set(schema.get("properties", {}))
        extra = [k for k in error.instance if k not in known] or [name]
        return [(field_path([*where, k]), _("表单中没有“%(name)s”这一项") % {"name": k}) for k in extra]
    message = _message(kind, rule, title)
    return [(field_path(where), message)]


def _message(kind: str, rule: Any, title: str) -> str:
    if kind == "type":
        names = rule if isinstance(rule, list) else [rule]
        return _("“%(title)s”应为%(type)s") % {"title": title, "type": _("或").join(_(TYPE_NAMES.get(n, n)) for n in names)}
    if kind == "enum":
        return _("“%(title)s”只能是以下之一：%(values)s") % {"title": title, "values": _values(rule)}
    if kind == "const":
        return _("“%(title)s”只能是 %(value)s") % {"title": title, "value": rule}
    if kind == "minLength":
        return _("“%(title)s”至少 %(n)s 个字") % {"title": title, "n": rule}
    if kind == "maxLength":
        return _("“%(title)s”最多 %(n)s 个字") % {"title": title, "n": rule}
    if kind in ("minimum", "exclusiveMinimum"):
        return _("“%(title)s”不能小于 %(n)s") % {"title": title, "n": rule}
    if kind in ("maximum", "exclusiveMaximum"):
        return _("“%(title)s”不能大于 %(n)s") % {"title": title, "n": rule}
    if kind == "minItems":
        return _("“%(title)s”至少 %(n)s 项") % {"title": title, "n": rule}
    if kind == "maxItems":
        return _("“%(title)s”最多 %(n)s 项") % {"title": title, "n": rule}
    if kind == "uniqueItems":
        return _("“%(title)s”中不能有重复项") % {"title": title}
    if kind == "pattern":
        return _("“%(title)s”的格式不正确") % {"title": title}
    if kind == "format":
        return _("“%(title)s”应为%(format)s") % {"title": title, "format": _(FORMAT_NAMES.get(rule, rule))}
    return _("“%(title)s”不符合表单要求（%(rule)s）") % {"title": title, "rule": kind}
