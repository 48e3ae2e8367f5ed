"""What the public's side does when a case completes (called by the case services inside the
step's transaction): an approved case of a listed power goes on its standing list, and the
petitions routed to the case learn its result."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from engine.models import Case


def case_completed(case: Case, data: dict[str, Any], *, now: datetime) -> None:
    from engine import petitions, standing_lists

    standing_lists.feed(case, data, now=now)
    petitions.case_completed(case, data, now=now)
