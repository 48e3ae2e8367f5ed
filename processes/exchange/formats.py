"""Cell text <-> value conversions shared by the export and the import.

Every value is written as text a township clerk can read and type: periods as "20个工作日" or "90日",
booleans as 是/否, lists one item per line, choice lists joined by "、".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from processes.models import TimeUnit

YES, NO = "是", "否"
LIST_SEPARATOR = "、"
BENCHMARK_ARROW = " → "
_PERIOD = re.compile(r"^(\d+)\s*(个工作日|工作日|个自然日|自然日|日|天)$")
_CHOICE_SPLIT = re.compile(r"[、，,；;\n]+")


class CellError(ValueError):
    """A cell's text cannot be read as the value its column holds; the message is for the clerk."""


def format_period(period: Mapping[str, Any] | None) -> str:
    if not period:
        return ""
    suffix = "个工作日" if period["unit"] == TimeUnit.WORKING_DAY else "日"
    return f"{period['value']}{suffix}"


def parse_period(text: str) -> dict[str, Any] | None:
    if not text:
        return None
    match = _PERIOD.match(text.replace(" ", ""))
    if not match:
        raise CellError(_("“%(text)s”不是有效的期限，应写成“20个工作日”或“90日”") % {"text": text})
    unit = TimeUnit.WORKING_DAY if "工作日" in match.group(2) else TimeUnit.CALENDAR_DAY
    return {"value": int(match.group(1)), "unit": str(unit)}


def format_bool(value: bool) -> str:
    return YES if value else NO


def parse_bool(text: str) -> bool | None:
    if not text:
        return None
    if text in (YES, "Y", "y"):
        return True
    if text in (NO, "N", "n"):
        return False
    raise CellError(_("“%(text)s”应填“是”或“否”") % {"text": text})


def format_lines(values: Iterable[str]) -> str:
    return "\n".join(values)


def parse_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def format_benchmarks(values: Iterable[Mapping[str, str]]) -> str:
    return "\n".join(f"{v['circumstance']}{BENCHMARK_ARROW}{v['range']}" for v in values)


def parse_benchmarks(text: str) -> list[dict[str, str]]:
    result = []
    for line in parse_lines(text):
        parts = line.split("→")
        if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
            raise CellError(_("“%(line)s”应写成“情节 → 幅度”，每行一条") % {"line": line})
        result.append({"circumstance": parts[0].strip(), "range": parts[1].strip()})
    return result


def format_choice(value: str, choices: type[models.TextChoices]) -> str:
    return str(choices(value).label)


def parse_choice(text: str, choices: type[models.TextChoices]) -> str:
    """A choice by its Chinese label (as exported) or by its code."""
    for value, label in choices.choices:
        if text in (str(label), value):
            return value
    options = "、".join(str(label) for label in choices.labels)
    raise CellError(_("“%(text)s”不是有效选项，应为：%(options)s") % {"text": text, "options": options})


def format_choices(values: Iterable[str], choices: type[models.TextChoices]) -> str:
    return LIST_SEPARATOR.join(format_choice(v, choices) for v in values)


def parse_choices(text: str, choices: type[models.TextChoices]) -> list[str]:
    return [parse_choice(part.strip(), choices) for part in _CHOICE_SPLIT.split(text) if part.strip()]


def split_codes(text: str) -> list[str]:
    return [part.strip() for part in _CHOICE_SPLIT.split(text) if part.strip()]


def format_date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def parse_date(text: str) -> str | None:
    """Checks the text is a date and returns it as YYYY-MM-DD (the form the schema validates)."""
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10] if "T" in text or " " in text else text).isoformat()
    except ValueError:
        raise CellError(_("“%(text)s”不是有效日期，应写成 YYYY-MM-DD") % {"text": text}) from None


def format_datetime(value: dt.datetime | None) -> str:
    return timezone.localtime(value).isoformat() if value else ""


def parse_datetime(text: str) -> dt.datetime | None:
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise CellError(
            _("“%(text)s”不是有效时间，应写成 2024-01-31T09:30:00+08:00") % {"text": text}
        ) from None
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def parse_int(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        raise CellError(_("“%(text)s”应为正整数") % {"text": text}) from None
    if number < 1:
        raise CellError(_("“%(text)s”应为正整数") % {"text": text})
    return number
