"""Shared fixtures: a township, one user per role of the sample process, and the sample process."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

SAMPLE_DIR = Path(__file__).parent / "engine" / "bpmn"
TZ = ZoneInfo("Asia/Shanghai")


def sample_sources() -> dict[str, str]:
    """The sample process: lanes, an exclusive gateway, a parallel multi-instance vote, a timer
    (in a call activity) and objections as messages."""
    files = sorted(SAMPLE_DIR.glob("*.bpmn")) + sorted((SAMPLE_DIR / "forms").glob("*.schema.json"))
    return {str(f.relative_to(SAMPLE_DIR)): f.read_text(encoding="utf-8") for f in files}


@pytest.fixture
def t0() -> datetime:
    return datetime(2026, 3, 2, 9, 0, tzinfo=TZ)


@pytest.fixture
def township(db):
    from engine.models import Organization

    county = Organization.objects.create(code="county", name="示范县", kind=Organization.Kind.COUNTY)
    return Organization.objects.create(code="township", name="示范乡", kind=Organization.Kind.TOWNSHIP, parent=county)


@pytest.fixture
def make_user(db):
    from django.contrib.auth import get_user_model

    def make(username: str):
        return get_user_model().objects.create_user(username=username, password="pw-" + username)

    return make


@pytest.fixture
def people(make_user) -> dict:
    names = ["clerk", "handler", "alice", "bob", "carol", "chief", "archivist", "outsider"]
    return {name: make_user(name) for name in names}


def pytest_collection_modifyitems(config, items):
    """`postgres_only` tests need real row locks; they run in the PostgreSQL half of `make test`."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL row locks; runs in the PostgreSQL half of make test")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)


def pytest_configure(config):
    """Tests create many users: a fast hasher keeps that cheap (production keeps PBKDF2)."""
    try:
        from django.conf import settings

        if settings.configured:
            settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    except ImportError:  # pragma: no cover - diagrams tests run without Django
        pass
