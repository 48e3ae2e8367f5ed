"""A task's JSON Schema form as a real HTML form: fields from the schema, posted values back to JSON.

The schema is the only source: labels are its `title`s, help its `description`s, enum labels its
`x-enum-titles`. Validation is not done here: the page hands the parsed data to the engine service
(the same code the API calls); when that refuses, `field_errors` says in Chinese next to each field
what is wrong, using the same schema and validator library.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

ROW_SLACK = 2  # empty rows offered below the filled ones in a table of objects


@dataclass
class Field:
    name: str
    label: str
    widget: str  # text textarea integer number date datetime select radio boolean lines checkboxes group rows json
    help: str = ""
    required: bool = False
    value: Any = ""
    choices: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    children: list[Field] = field(default_factory=list)
    rows: list[list[Field]] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)

    @property
    def html_id(self) -> str:
        return "f-" + self.name.replace(".", "-")


def _choices(spec: dict[str, Any]) -> list[tuple[str, str]]:
    titles = spec.get("x-enum-titles") or []
    values = spec.get("enum") or []
    return [(_encode(v), str(titles[i]) if i < len(titles) else str(v)) for i, v in enumerate(values)]


def _encode(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _widget(spec: dict[str, Any]) -> str:
    kind = spec.get("type")
    if "enum" in spec:
        return "radio" if len(spec["enum"]) <= 4 else "select"
    if kind == "boolean":
        return "boolean"
    if kind == "integer":
        return "integer"
    if kind == "number":
        return "number"
    if kind == "object":
        return "group"
    if kind == "array":
        items = spec.get("items") or {}
        if "enum" in items:
            return "checkboxes"
        if items.get("type") == "object" and all(
            (p.get("type") in ("string", "integer", "number", "boolean") or "enum" in p)
            for p in (items.get("properties") or {}).values()
        ):
            return "rows"
        if items.get("type") in ("string", "integer", "number", None) and "properties" not in items:
            return "lines"
        return "json"
    if spec.get("format") == "date":
        return "date"
    if spec.get("format") == "date-time":
        return "datetime"
    if kind == "string" and int(spec.get("maxLength") or 0) > 200:
        return "textarea"
    return "text"


def _display(value: Any, widget: str) -> Any:
    if value is None:
        return ""
    if widget == "datetime" and isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return moment.strftime("%Y-%m-%dT%H:%M")
    if widget == "lines":
        return "\n".join(str(v) for v in value) if isinstance(value, list) else str(value)
    if widget == "checkboxes":
        return [_encode(v) for v in value] if isinstance(value, list) else []
    if widget == "json":
        return json.dumps(value, ensure_ascii=False, indent=1)
    if widget in ("radio", "select", "boolean"):
        return _encode(value)
    return value


def build_fields(schema: dict[str, Any], data: dict[str, Any] | None = None, errors: dict[str, list[str]] | None = None,
                 prefix: str = "", roster: dict[str, list[tuple[str, str]]] | None = None) -> list[Field]:  # fmt: skip
    """The fields of an object schema, filled from `data`, with `errors` keyed by dotted path.
    `roster` turns lists of user names into check boxes: {field name: [(username, label)]}."""
    data, errors, roster = data or {}, errors or {}, roster or {}
    required = set(schema.get("required") or [])
    fields = []
    for key, spec in (schema.get("properties") or {}).items():
        if spec.get("readOnly"):
            continue  # computed by the rules (engine/computed.py), never asked for
        name = f"{prefix}{key}"
        widget = "checkboxes" if name in roster else _widget(spec)
        item = Field(name=name, label=str(spec.get("title") or key), widget=widget, help=str(spec.get("description") or ""),
                     required=key in required, errors=list(errors.get(name, [])))  # fmt: skip
        value = data.get(key) if isinstance(data, dict) else None
        if widget == "group":
            item.children = build_fields(spec, value if isinstance(value, dict) else {}, errors, prefix=name + ".",
                                         roster=roster)
        elif widget == "rows":
            props = spec["items"].get("properties") or {}
            item.columns = [str(p.get("title") or k) for k, p in props.items()]
            filled = value if isinstance(value, list) else []
            for index in range(len(filled) + ROW_SLACK):
                row_data = filled[index] if index < len(filled) and isinstance(filled[index], dict) else {}
                row = build_fields(spec["items"], row_data, errors, prefix=f"{name}.{index}.", roster=roster)
                item.rows.append(row)
        elif name in roster:
            item.choices = list(roster[name])
            item.value = [str(v) for v in value] if isinstance(value, list) else []
        else:
            item.choices = _choices(spec if "enum" in spec else spec.get("items") or {})
            item.value = _display(value, widget)
        fields.append(item)
    return fields


# ------------------------------------------------------------------------------------------
# Posted form -> JSON
# ------------------------------------------------------------------------------------------


def parse(schema: dict[str, Any], post: QueryDict, prefix: str = "",
          roster: dict[str, list[tuple[str, str]]] | None = None) -> dict[str, Any]:  # fmt: skip
    """The JSON the posted form stands for. Empty inputs are left out (the schema then says
    what is required); text that is not a number stays text (the schema then says it is wrong)."""
    result: dict[str, Any] = {}
    roster = roster or {}
    required = set(schema.get("required") or [])
    for key, spec in (schema.get("properties") or {}).items():
        if spec.get("readOnly"):
            continue  # computed by the rules, never sent
        name = f"{prefix}{key}"
        if name in roster:
            allowed = [u for u, _label in roster[name]]
            chosen = set(post.getlist(name))
            if chosen or f"{name}.__present" in post:
                result[key] = [u for u in allowed if u in chosen]
            continue
        widget = _widget(spec)
        if widget == "group":
            value = parse(spec, post, prefix=name + ".")
            if value:
                result[key] = value
            continue
        if widget == "rows":
            rows = []
            index = 0
            while any(k.startswith(f"{name}.{index}.") for k in post):
                row = parse(spec["items"], post, prefix=f"{name}.{index}.")
                if any(v not in ("", [], {}) for v in row.values()):  # an untouched row is no row
                    rows.append(row)
                index += 1
            if rows or f"{name}.__present" in post:
                result[key] = rows
            continue
        if widget == "checkboxes":
            enum = (spec.get("items") or {}).get("enum") or []
            chosen = set(post.getlist(name))
            result[key] = [v for v in enum if _encode(v) in chosen]
            continue
        raw = post.get(name, "")
        if widget == "lines":
            if raw.strip() or f"{name}.__present" in post:
                items = [line.strip() for line in raw.splitlines() if line.strip()]
                item_type = (spec.get("items") or {}).get("type")
                result[key] = [_number(v, item_type) for v in items] if item_type in ("integer", "number") else items
            continue
        if raw == "":
            if key in required and name in post and widget in ("text", "textarea") and not spec.get("minLength"):
                result[key] = ""  # a required text that may be empty (e.g. a reason only needed when differing)
            continue
        result[key] = _convert(raw, spec, widget)
    return result


def _number(raw: str, kind: str | None) -> Any:
    try:
        number = float(raw)
    except ValueError:
        return raw
    if kind == "integer" or number.is_integer() and "." not in raw:
        return int(number) if number.is_integer() else raw if kind == "integer" else number
    return number


def _convert(raw: str, spec: dict[str, Any], widget: str) -> Any:
    if widget in ("radio", "select"):
        return next((v for v in spec.get("enum") or [] if _encode(v) == raw), raw)
    if widget == "boolean":
        return {"true": True, "false": False}.get(raw, raw)
    if widget in ("integer", "number"):
        return _number(raw.strip(), spec.get("type"))
    if widget == "datetime":
        try:
            moment = datetime.fromisoformat(raw)
        except ValueError:
            return raw
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return moment.isoformat(timespec="seconds")
    if widget == "json":
        try:
            return json.loads(raw)
        except ValueError:
            return raw
    return raw.strip() if spec.get("type") == "string" else raw


# ------------------------------------------------------------------------------------------
# Refusals in words, next to the field
# ------------------------------------------------------------------------------------------

def engine_errors_by_field(fields: dict[str, list[str]]) -> dict[str, list[str]]:
    """The engine's field errors (`data.<path>`, see engine/form_messages.py) keyed by this form's
    dotted field names ('__all__' for the form as a whole)."""
    result: dict[str, list[str]] = {}
    for path, messages in fields.items():
        name = path.removeprefix("data.") if path.startswith("data.") else "__all__"
        result.setdefault(name, []).extend(messages)
    return result
