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
def sample_definition(db):
    from engine import services

    definition, _ = services.register_definition(process_id="sample_approval", sources=sample_sources())
    return definition


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


POSITION_NAMES = {
    "window_clerk": "窗口受理员", "handler": "经办人", "station_head": "站所负责人", "deputy": "分管领导",
    "chief": "主要负责人", "committee_member": "班子成员", "recorder": "记录人", "discipline_inspector": "纪检委员",
    "archivist": "档案管理员", "village_agent": "代办员", "village_committee": "村委会", "administrator": "系统管理员",
}  # fmt: skip


def grant(user, position_code: str, organization, areas=()):
    """Give `user` a position in `organization` (creating the position row if the catalog is not loaded)."""
    from engine.models import Assignment
    from processes.models import Position

    position, _ = Position.objects.get_or_create(
        code=position_code, defaults={"name": POSITION_NAMES[position_code], "order": len(POSITION_NAMES)}
    )
    return Assignment.objects.create(user=user, position=position, organization=organization, areas=list(areas))


@pytest.fixture
def people(make_user, township) -> dict:
    """Users of the sample process, each holding the position of his lane in the township."""
    roles = {"clerk": ["window_clerk"], "handler": ["handler"], "alice": ["committee_member"],
             "bob": ["committee_member"], "carol": ["committee_member"], "chief": ["chief", "committee_member"],
             "archivist": ["archivist"], "outsider": []}  # fmt: skip
    return staff_holding(roles, make_user=make_user, organization=township)


def staff_holding(roles: dict, *, make_user, organization) -> dict:
    """Create one user per name, each holding the listed position codes in `organization`."""
    from processes.models import Position

    for order, (code, label) in enumerate(POSITION_NAMES.items()):
        Position.objects.get_or_create(code=code, defaults={"name": label, "order": order})
    users = {}
    for name, positions in roles.items():
        users[name] = make_user(name)
        for code in positions:
            grant(users[name], code, organization)
    return users


def pytest_collection_modifyitems(config, items):
    """`postgres_only` tests need real row locks; they run in the PostgreSQL half of `make test`."""
    from django.conf import settings

    if not settings.configured or settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
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


@pytest.fixture(scope="session", autouse=True)
def signing_key(tmp_path_factory):
    """A township signing key for the transparency log's checkpoints (one per test process)."""
    from django.conf import settings

    from engine.evidence import keys

    path = tmp_path_factory.mktemp("signing") / "township-ed25519.pem"
    keys.generate(path)
    settings.EVIDENCE_SIGNING_KEY = path
    return path
