"""The server clock (engine/clock.py): wall time unless a DEBUG-only test/demo setting moves it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured

from engine import clock


def test_without_settings_it_is_the_wall_clock(settings):
    settings.ENGINE_CLOCK_OFFSET = None
    settings.ENGINE_CLOCK_FROZEN = None
    before = datetime.now(UTC)
    now = clock.now()
    assert before <= now <= datetime.now(UTC)
    assert now.tzinfo is not None
    assert clock.check_clock_settings() == []


@pytest.mark.parametrize("offset", [timedelta(days=8), 8 * 86400, "P8D"])
def test_an_offset_moves_time_forward_with_debug_on(settings, offset):
    settings.DEBUG = True
    settings.ENGINE_CLOCK_OFFSET = offset
    moved = clock.now() - datetime.now(UTC)
    assert timedelta(days=8) - timedelta(seconds=5) < moved <= timedelta(days=8)


def test_a_frozen_time_stands_still(settings):
    settings.DEBUG = True
    settings.ENGINE_CLOCK_FROZEN = "2026-10-08T09:00:00+08:00"
    settings.ENGINE_CLOCK_OFFSET = timedelta(hours=1)
    assert clock.now() == datetime(2026, 10, 8, 2, 0, tzinfo=UTC)
    assert clock.now() == clock.now()


def test_a_moved_clock_is_refused_with_debug_off(settings):
    settings.DEBUG = False
    settings.ENGINE_CLOCK_OFFSET = timedelta(days=1)
    with pytest.raises(ImproperlyConfigured):
        clock.now()
    assert [e.id for e in clock.check_clock_settings()] == ["engine.E001"]


def test_malformed_settings_are_reported(settings):
    settings.DEBUG = True
    settings.ENGINE_CLOCK_FROZEN = "2026-10-08T09:00:00"  # naive
    with pytest.raises(ImproperlyConfigured):
        clock.now()
    assert [e.id for e in clock.check_clock_settings()] == ["engine.E002"]
    settings.ENGINE_CLOCK_FROZEN = None
    settings.ENGINE_CLOCK_OFFSET = "eight days"
    assert [e.id for e in clock.check_clock_settings()] == ["engine.E002"]


def test_run_timers_reads_the_server_clock(settings, db):
    """The timer worker acts at the server clock's time (it prints the time it acted at)."""
    import io

    from django.core.management import call_command
    from django.utils import timezone

    settings.DEBUG = True
    settings.ENGINE_CLOCK_FROZEN = "2031-05-04T10:00:00+08:00"
    out = io.StringIO()
    call_command("run_timers", "--once", stdout=out)
    assert out.getvalue().startswith(f"{timezone.localtime(clock.now()):%Y-%m-%d %H:%M:%S}")
    assert out.getvalue().startswith("2031-05-04")
