"""The server clock: the one place the running system reads "now".

Services never read the wall clock; they take ``now``. Their callers (API views, the timer
worker, management commands) take it from :func:`now`, which is the wall clock, unless a test or
a demo moves it with one of two settings:

* ``ENGINE_CLOCK_OFFSET``: a ``timedelta`` (or seconds as a number, or an ISO 8601 duration
  string such as ``"P8D"``) added to the wall clock: time still runs, shifted;
* ``ENGINE_CLOCK_FROZEN``: an aware ``datetime`` (or ISO 8601 string): time stands still there
  (the offset, if any, is added to it).

Both are honoured only while ``DEBUG`` is on. With ``DEBUG`` off a configured shift is refused:
:func:`now` raises ``ImproperlyConfigured`` (a production server never runs on a moved clock)
and the system check ``engine.E001`` reports it at start-up. For demos the settings module reads
``TOWNSHIP_CLOCK_OFFSET`` / ``TOWNSHIP_CLOCK_FROZEN`` from the environment.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.dateparse import parse_datetime, parse_duration


def wall() -> datetime:
    """The real time, aware (UTC)."""
    return timezone.now()


def _offset() -> timedelta | None:
    value = getattr(settings, "ENGINE_CLOCK_OFFSET", None)
    if value in (None, "", 0):
        return None
    if isinstance(value, timedelta):
        return value
    if isinstance(value, int | float):
        return timedelta(seconds=value)
    parsed = parse_duration(str(value))
    if parsed is None:
        raise ImproperlyConfigured(f"ENGINE_CLOCK_OFFSET is not a duration: {value!r}")
    return parsed


def _frozen() -> datetime | None:
    value = getattr(settings, "ENGINE_CLOCK_FROZEN", None)
    if value in (None, ""):
        return None
    parsed = value if isinstance(value, datetime) else parse_datetime(str(value))
    if parsed is None or parsed.tzinfo is None:
        raise ImproperlyConfigured(f"ENGINE_CLOCK_FROZEN is not an aware ISO 8601 time: {value!r}")
    return parsed


def is_moved() -> bool:
    """Whether a test or demo setting moves the clock."""
    return _offset() is not None or _frozen() is not None


def now() -> datetime:
    """The server's "now" (aware). Wall clock unless a DEBUG-only setting moves it.

    Raises:
        ImproperlyConfigured: the clock is moved while DEBUG is off.
    """
    offset, frozen = _offset(), _frozen()
    if offset is None and frozen is None:
        return wall()
    if not settings.DEBUG:
        raise ImproperlyConfigured("ENGINE_CLOCK_OFFSET / ENGINE_CLOCK_FROZEN are for tests and demos: DEBUG is off")
    return (frozen or wall()) + (offset or timedelta(0))


@register()
def check_clock_settings(app_configs=None, **kwargs) -> list[Error]:
    """engine.E001: a moved clock on a server with DEBUG off."""
    try:
        moved = is_moved()
    except ImproperlyConfigured as error:
        return [Error(str(error), id="engine.E002")]
    if moved and not settings.DEBUG:
        return [
            Error(
                "The server clock is moved (ENGINE_CLOCK_OFFSET / ENGINE_CLOCK_FROZEN) while DEBUG is off.",
                hint="These settings are for tests and demos only; unset TOWNSHIP_CLOCK_OFFSET/FROZEN.",
                id="engine.E001",
            )
        ]
    return []
