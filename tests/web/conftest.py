"""The demo township once per module (rolled back at the end), and logged-in page clients."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client

from engine.management.commands.seed_demo import demo_password
from tests.api.conftest import Demo, load_demo


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker) -> Demo:
    with django_db_blocker.unblock():
        with transaction.atomic():
            yield load_demo()
            transaction.set_rollback(True)


@pytest.fixture
def login(demo):
    def client_for(username: str | None = None) -> Client:
        client = Client()
        if username is not None:
            assert client.login(username=username, password=demo_password(username))
        return client

    return client_for
