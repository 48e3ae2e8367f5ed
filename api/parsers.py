"""A JSON parser that refuses, as a parse error, what would otherwise fail later inside the database:
NUL characters and lone surrogates in strings, NaN/Infinity and overflowing numbers, and
nesting deeper than any form needs."""

from __future__ import annotations

import json
import math
from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 32


def check_json_value(value: Any) -> None:
    """Raises ParseError when `value` cannot be stored as JSON text or jsonb unchanged."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ParseError(_("JSON 嵌套层数超过 %(n)s 层") % {"n": MAX_DEPTH})
        if isinstance(item, str):
            _check_text(item)
        elif isinstance(item, float) and not math.isfinite(item):
            raise ParseError(_("JSON 中不允许 NaN、Infinity 或超出范围的数"))
        elif isinstance(item, dict):
            for key, child in item.items():
                _check_text(key)
                stack.append((child, depth + 1))
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)


def _check_text(text: str) -> None:
    if "\x00" in text:
        raise ParseError(_("文本中不允许包含空字符（\\u0000）"))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ParseError(_("文本不是有效的 Unicode 字符串")) from error


class SafeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise ParseError(_("JSON 嵌套层数超过 %(n)s 层") % {"n": MAX_DEPTH}) from error
        except ParseError as error:  # DRF's message is English in every language: say where, in ours
            cause = error.__context__
            if isinstance(cause, json.JSONDecodeError):
                raise ParseError(_("JSON 格式错误：第 %(line)s 行第 %(column)s 列")
                                 % {"line": cause.lineno, "column": cause.colno}) from error  # fmt: skip
            raise ParseError(_("JSON 格式错误")) from error
        check_json_value(data)
        return data
