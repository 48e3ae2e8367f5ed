"""API tokens expire and can be revoked; repeated failed logins lock the name and the address out
of every login (token, API login, admin) for a while, right password or not."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client, override_settings
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_counts():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def clerk():
    return get_user_model().objects.create_user(username="clerk", password="right-password-1")


def login(username="clerk", password="right-password-1", **meta):
    return APIClient().post("/api/auth/token/", {"username": username, "password": password}, format="json", **meta)


def me(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/me/")


def test_a_token_carries_its_expiry_and_works_until_then(clerk):
    response = login()
    assert response.status_code == 200
    key = response.json()["token"]
    assert response.json()["expires_at"]
    assert me(key).status_code == 200


@override_settings(TOKEN_TTL_HOURS=12)
def test_an_expired_token_is_refused_and_a_new_login_issues_another(clerk):
    key = login().json()["token"]
    Token.objects.filter(key=key).update(created=timezone.now() - timedelta(hours=12, seconds=1))
    response = me(key)
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    assert not Token.objects.filter(key=key).exists()
    fresh = login().json()["token"]
    assert fresh != key and me(fresh).status_code == 200


def test_a_revoked_token_stops_working_at_once(clerk):
    key = login().json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.post("/api/auth/token/revoke/").status_code == 204
    assert me(key).status_code == 401
    assert not Token.objects.filter(user=clerk).exists()


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_failed_logins_lock_the_user_name_even_for_the_right_password(clerk):
    assert [login(password=f"guess-{i}").status_code for i in range(3)] == [400, 400, 400]
    response = login()  # the right password, too late
    assert response.status_code == 429
    assert response.json()["code"] == "too_many_attempts"
    assert "Retry-After" in response.headers
    assert not Token.objects.exists()
    # the admin login refuses too
    admin = Client().post("/admin/login/", {"username": "clerk", "password": "right-password-1"})
    assert admin.status_code == 200 and "_auth_user_id" not in Client().session


@override_settings(LOGIN_FAILURE_LIMIT=100, LOGIN_FAILURE_LIMIT_PER_ADDRESS=4)
def test_one_address_guessing_many_names_is_locked_out(clerk):
    for i in range(4):
        assert login(username=f"user{i}", password="x", REMOTE_ADDR="198.51.100.7").status_code == 400
    assert login(REMOTE_ADDR="198.51.100.7").status_code == 429
    # a forged X-Forwarded-For does not give a fresh address
    assert login(REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="203.0.113.99").status_code == 429
    # another address logs in
    assert login(REMOTE_ADDR="198.51.100.8").status_code == 200


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_a_success_clears_the_name_count(clerk):
    for i in range(2):
        login(password=f"guess-{i}")
    assert login().status_code == 200
    assert [login(password=f"again-{i}").status_code for i in range(2)] == [400, 400]
    assert login().status_code == 200
