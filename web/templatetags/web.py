"""Small template helpers for the pages."""

from __future__ import annotations

from django import template

register = template.Library()

_INPUT_TYPES = {"integer": "number", "number": "number", "date": "date", "datetime": "datetime-local"}


@register.simple_tag
def input_type(widget: str) -> str:
    return _INPUT_TYPES.get(widget, "text")


@register.filter
def get(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None
