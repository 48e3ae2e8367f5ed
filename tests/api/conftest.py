"""Fixtures for the API tests: the demo township (catalog + seed_demo) loaded once per module inside
a transaction that is rolled back when the module ends; each test runs in its own savepoint on
top of it, so tests never see each other's writes."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from rest_framework.test import APIClient

from engine.models import AuditEvent, Case, Complaint

POSITION_USERS = {
    "window_clerk": "window_clerk",
    "handler": "handler",
    "station_head": "station_head",
    "deputy": "deputy",
    "chief": "chief",
    "committee_member": "committee_member_1",
    "recorder": "recorder",
    "discipline_inspector": "discipline_inspector",
    "archivist": "archivist",
    "village_agent": "village_agent",
    "village_committee": "village_committee",
    "administrator": "administrator",
}


@dataclass
class Demo:
    """The seeded township: users by user name, cases by their `demo_seed` key."""

    users: dict[str, Any]
    cases: dict[str, Case]
    complaint: Complaint
    # the second township of the county (same station codes), its cases by their key without prefix
    other_cases: dict[str, Case] = field(default_factory=dict)

    def client(self, username: str | None = None) -> APIClient:
        client = APIClient()
        if username is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Token demo-{username}")
        return client


def load_demo() -> Demo:
    from django.contrib.auth import get_user_model

    call_command("load_catalog", stdout=io.StringIO())
    call_command("seed_demo", allow_production=True, stdout=io.StringIO())  # tests run with DEBUG off
    users = {u.username: u for u in get_user_model().objects.all()}
    seeds = {
        e.payload["data"]["demo_seed"]: e.case
        for e in AuditEvent.objects.filter(kind=AuditEvent.Kind.CASE_STARTED).select_related("case")
    }
    cases = {key: case for key, case in seeds.items() if "/" not in key}
    other = {key.split("/", 1)[1]: case for key, case in seeds.items() if "/" in key}
    return Demo(users=users, cases=cases, complaint=Complaint.objects.get(township__code="township"), other_cases=other)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with transaction.atomic():
            yield load_demo()
            transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    """Throttle counters live in the cache: every test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def anon(demo) -> APIClient:
    return demo.client()


def case_counts() -> tuple[int, int]:
    """(cases, audit events): the footprint of any write to a case."""
    return Case.objects.count(), AuditEvent.objects.count()
