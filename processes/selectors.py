"""Reads of the catalog used by other apps."""

from __future__ import annotations

from engine import exceptions as exc
from processes.models import Power


def process_id_for_power(code: str) -> str:
    """The BPMN process of a power on the current list.

    Raises:
        PowerNotListed: the code is not on the current list.
    """
    power = Power.objects.filter(code=code, is_active=True).first()
    if power is None:
        raise exc.PowerNotListed(power=code)
    return power.process_id
