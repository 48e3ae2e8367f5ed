"""Database constraints of the catalog hold even for writes that bypass the loader."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from processes.models import Power

pytestmark = pytest.mark.django_db


def test_promised_limit_above_legal_limit_in_the_same_unit_is_refused(loaded):
    with pytest.raises(IntegrityError), transaction.atomic():
        Power.objects.filter(code="XK-01").update(promised_limit_value=21)
    assert Power.objects.get(code="XK-01").promised_limit_value == 10


def test_promised_limit_in_another_unit_is_not_compared(loaded):
    Power.objects.filter(code="XK-01").update(promised_limit_value=25, promised_limit_unit="calendar_day")
    assert Power.objects.get(code="XK-01").promised_limit_value == 25


def test_missing_legal_limit_needs_a_note(loaded):
    with pytest.raises(IntegrityError), transaction.atomic():
        Power.objects.filter(code="XK-01").update(
            legal_limit_value=None, legal_limit_unit="", legal_limit_note=""
        )


def test_removed_at_is_set_exactly_when_a_power_is_inactive(loaded):
    with pytest.raises(IntegrityError), transaction.atomic():
        Power.objects.filter(code="XK-01").update(is_active=False)
    Power.objects.filter(code="XK-01").update(is_active=False, removed_at=timezone.now())
    assert not Power.objects.active().filter(code="XK-01").exists()
    assert Power.objects.active().count() == 30


def test_str_names_code_and_name(loaded):
    power = Power.objects.get(code="JF-01")
    assert str(power) == "JF-01 农村最低生活保障申请受理、调查、审核（初审）"
    assert str(power.category) == "JF 行政给付"
    assert str(power.risk_points.first()).startswith("JF-01 受理：")
