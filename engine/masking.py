"""What the public may see: ID-card and phone numbers masked whatever their spacing, dashes or
country prefix, and minors (from the start form or any ID number in a notice) never published."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

MINOR_AGE = 18

# ------------------------------------------------------------------------------------------
# Masking
# ------------------------------------------------------------------------------------------

# A run of digits that may be written with spaces or dashes between them and may carry a country
# prefix (+86, 0086): classified by its digits alone, so "138 1234 5678", "138-1234-5678" and
# "+86 13812345678" are the same number. Dates (8 digits) and amounts are never such a run.
_SEP = r"[ \u00a0\u3000\-\u2010-\u2015\uff0d]"
_NUMBER = re.compile(rf"(?<![0-9A-Za-z+])(?P<prefix>(?:\+|00){_SEP}*86{_SEP}*)?(?P<body>\d(?:{_SEP}*\d){{6,17}}(?:{_SEP}*[Xx])?)(?![0-9A-Za-z])")
_ID_18 = re.compile(r"\d{17}[0-9Xx]")


def _masked_number(prefix: str, digits: str) -> str | None:
    """The masked form of a number, or None when it is not an ID-card or phone number."""
    if _ID_18.fullmatch(digits) or (len(digits) == 15 and digits.isdigit()):
        return digits[:4] + "*" * (len(digits) - 8) + digits[-4:]  # ID card: first and last four
    if not digits.isdigit():
        return None
    if prefix and digits.startswith("86"):
        digits = digits[2:]
    if len(digits) == 11 and re.fullmatch(r"1[3-9]\d{9}", digits):
        return ("+86 " if prefix else "") + digits[:3] + "****" + digits[-4:]  # mobile: the last four
    if digits.startswith("0") and 10 <= len(digits) <= 12:  # landline with its area code
        area = 3 if digits[1] in "12" else 4
        return digits[:area] + "-" + "*" * (len(digits) - area - 4) + digits[-4:]
    return None


def mask_text(text: str) -> str:
    """Mask ID-card numbers (keep the first and last four) and phone numbers (keep the last four),
    whatever their spacing, dashes or country prefix."""

    def replace(match: re.Match) -> str:
        prefix, body = match.group("prefix") or "", match.group("body")
        # the longest leading part that is a number ("13812345678 2 人": the phone, then the 2)
        cuts = [len(body)] + [m.start() for m in reversed(list(re.finditer(_SEP, body)))]
        for cut in cuts:
            masked = _masked_number(prefix, re.sub(_SEP, "", body[:cut]))
            if masked is not None:
                return masked + mask_text(body[cut:])
        return match.group(0)

    return _NUMBER.sub(replace, text)


def id_numbers(text: str) -> list[str]:
    """The 18-digit resident ID numbers in a text, however spaced."""
    found = (re.sub(_SEP, "", m.group("body")) for m in _NUMBER.finditer(text))
    return [d.upper() for d in found if _ID_18.fullmatch(d)]


def mask(value: Any) -> Any:
    """`mask_text` applied to every string inside a JSON value."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, list):
        return [mask(v) for v in value]
    if isinstance(value, dict):
        return {k: mask(v) for k, v in value.items()}
    return value




def _under_age(birth: date, on: date) -> bool:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day)) < MINOR_AGE


def _birth_of(id_number: str) -> date | None:
    """The birth date an 18-digit resident ID carries in digits 7-14 (YYYYMMDD)."""
    try:
        return date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return None


def is_minor(start_data: Mapping[str, Any], *, on: date, texts: tuple[str, ...] = ()) -> bool:
    """A case concerns a minor when its start form says `applicant_is_minor: true`, gives an
    `applicant_birth_date` or an `applicant_id_number` less than 18 years before `on` (the
    posting day), or when any 18-digit ID number in `texts` (the notice) belongs to someone under
    18 on that day. An unreadable birth date counts as a minor: when in doubt, do not publish."""
    if start_data.get("applicant_is_minor") is True:
        return True
    born = start_data.get("applicant_birth_date")
    if born not in (None, ""):
        try:
            if _under_age(date.fromisoformat(str(born)), on):
                return True
        except ValueError:
            return True
    numbers = id_numbers(" ".join([str(start_data.get("applicant_id_number") or ""), *texts]))
    for number in numbers:
        birth = _birth_of(number)
        if birth is None or _under_age(birth, on):
            return True
    return False
