"""The township's settings the rules read (notice periods, meeting fractions), with the packaged
defaults of processes/catalog/settings.yaml until the catalog is loaded into the database.

A rule value never comes from case data: only from here or from the catalog.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from engine import rule_errors

SETTINGS_FILE = Path(__file__).resolve().parent.parent / "processes" / "catalog" / "settings.yaml"
MATTER_TYPES = ("ordinary", "major", "appointment")  # 一般事项 / 三重一大 / 干部任免
# matter type -> (quorum setting, pass setting)
MEETING_SETTINGS = {
    "ordinary": ("meeting.quorum_hold", "meeting.pass"),
    "major": ("meeting.quorum_major", "meeting.pass"),
    "appointment": ("meeting.quorum_major", "meeting.pass"),
}


@cache
def _packaged() -> dict[str, Any]:
    with SETTINGS_FILE.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    return {key: entry.get("value") for key, entry in (data.get("settings") or {}).items()}


def setting_value(key: str, township_id: int | None = None) -> Any:
    """A setting as the township has it: its own value, else the county list's row, else the
    packaged default (or None)."""
    from engine.models import TownshipSettingValue
    from processes.models import TownshipSetting

    if township_id is not None:
        own = TownshipSettingValue.objects.filter(township_id=township_id, setting_id=key).values_list("value", flat=True)
        if own.exists():
            return own.first()
    row = TownshipSetting.objects.filter(key=key).values_list("value", flat=True).first()
    return row if row is not None else _packaged().get(key)


def fraction(key: str, township_id: int | None = None) -> dict[str, Any]:
    """A fraction setting {numerator, denominator, comparison} (base is the expected members).

    Raises: RuleNotConfigured.
    """
    value = setting_value(key, township_id)
    try:
        numerator, denominator = int(value["numerator"]), int(value["denominator"])
        comparison = value.get("comparison", "gt")
    except (TypeError, KeyError, ValueError) as error:
        raise rule_errors.RuleNotConfigured(key=key) from error
    if denominator <= 0 or not 0 < numerator <= denominator or comparison not in ("gt", "gte"):
        raise rule_errors.RuleNotConfigured(key=key)
    return {"numerator": numerator, "denominator": denominator, "comparison": comparison}


def meeting_fractions(matter_type: str, township_id: int | None = None) -> dict[str, Any]:
    """The quorum and pass fractions of a meeting on a matter of `matter_type`, as the township set them."""
    quorum_key, pass_key = MEETING_SETTINGS[matter_type]
    quorum = fraction(quorum_key, township_id)
    return {"quorum_fraction": quorum, "quorum_fraction_major": quorum, "pass_fraction": fraction(pass_key, township_id)}


def period(key: str, township_id: int | None = None) -> tuple[int, str]:
    """A period setting {value, unit}: (days, unit).

    Raises: RuleNotConfigured.
    """
    from engine import workdays

    value = setting_value(key, township_id)
    if not isinstance(value, Mapping):
        raise rule_errors.RuleNotConfigured(key=key)
    days, unit = value.get("value"), value.get("unit", workdays.CALENDAR_DAY)
    if not isinstance(days, int) or isinstance(days, bool) or days <= 0 or unit not in (workdays.WORKING_DAY,
                                                                                         workdays.CALENDAR_DAY):
        raise rule_errors.RuleNotConfigured(key=key)
    return days, unit
