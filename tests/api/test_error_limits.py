"""The error contract holds at the edges too: an oversized body is 413 before it is read, a
database error is 503 (unavailable) or 500 (refused) with a code, never an HTML page; and a
hostile BPMN script met through the API is 422 with the next request served."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError, OperationalError
from django.test import RequestFactory, override_settings

from api.middleware import bad_request, server_error
from engine import services
from tests.api.conftest import case_counts
from tests.api.test_exception_handler import assert_error

pytestmark = pytest.mark.django_db

def direct(response):
    """A response from calling a handler directly (the test client adds .json(); here we do)."""
    response.json = lambda: json.loads(response.content)
    return response


START = {"power_code": "JF-01", "data": {"applicant": "郑大妈"}}


def test_a_body_above_the_limit_is_413_in_the_contract_and_writes_nothing(demo):
    before = case_counts()
    body = json.dumps({**START, "data": {"applicant": "x" * (5 * 1024 * 1024)}})
    response = demo.client("window_clerk").post("/api/cases/", body, content_type="application/json")
    assert_error(response, 413, "request_too_large")
    assert case_counts() == before


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=2_000)
def test_the_limit_is_the_setting_and_the_message_follows_the_language(demo):
    client = demo.client("window_clerk")
    small = json.dumps(START)
    big = json.dumps({**START, "data": {"applicant": "郑" * 1_000}})  # 3,000 bytes of UTF-8
    response = client.post("/api/cases/", big, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert assert_error(response, 413, "request_too_large")["detail"].startswith("The request body is too large")
    assert client.post("/api/cases/", small, content_type="application/json").status_code == 201


def test_request_data_too_big_raised_anywhere_is_413():
    request = RequestFactory().post("/api/cases/")
    assert_error(direct(bad_request(request, RequestDataTooBig("too big"))), 413, "request_too_large")
    assert bad_request(RequestFactory().post("/admin/"), RequestDataTooBig("x"))["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [(OperationalError("database is locked"), 503, "database_unavailable"),
     (IntegrityError("duplicate key"), 500, "database_error")],
)  # fmt: skip
def test_a_database_error_in_a_view_is_json_with_a_code(demo, monkeypatch, error, status, code):
    def fail(**kwargs):
        raise error

    monkeypatch.setattr(services, "start_case", fail)
    before = case_counts()
    response = demo.client("window_clerk").post("/api/cases/", START, format="json")
    body = assert_error(response, status, code)
    assert "duplicate key" not in body["detail"] and "locked" not in body["detail"]  # no SQL text leaks
    if status == 503:
        assert response["Retry-After"] == "5"
    assert case_counts() == before


class FailingMiddleware:
    """Stands for a database failure outside any view (a session store, say)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raise OperationalError("could not connect to server")


def test_a_database_error_outside_a_view_is_json_too(demo, settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.api.test_error_limits.FailingMiddleware"]
    client = demo.client("chief")
    client.raise_request_exception = False
    response = client.get("/api/cases/")
    assert_error(response, 503, "database_unavailable")
    assert response["Content-Type"] == "application/json"


def test_other_server_errors_under_api_are_json():
    request = RequestFactory().get("/api/cases/")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        assert_error(direct(server_error(request)), 500, "server_error")
    try:
        raise IntegrityError("x")
    except IntegrityError:
        assert_error(direct(server_error(request)), 500, "database_error")


@pytest.mark.parametrize("kind", ["multipart", "form"])
def test_write_operations_take_json_bodies_only(demo, kind):
    before = case_counts()
    client = demo.client("window_clerk")
    if kind == "multipart":
        response = client.post("/api/cases/", {"power_code": "JF-01"}, format="multipart")
    else:
        response = client.post("/api/cases/", "power_code=JF-01", content_type="application/x-www-form-urlencoded")
    assert_error(response, 415, "unsupported_media_type")
    assert case_counts() == before


def test_problem_json_when_the_client_asks_for_it(demo):
    before = case_counts()
    response = demo.client("window_clerk").post(
        "/api/cases/", {"power_code": "ZS-01"}, format="json", HTTP_ACCEPT="application/json, application/problem+json"
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = json.loads(response.content)
    assert problem["type"] == problem["code"] == "power_not_listed"
    assert problem["status"] == 400
    assert "清单之外无权力" in problem["title"] == problem["detail"]
    assert problem["fields"] == {}
    assert case_counts() == before
    # without asking, the plain contract
    plain = demo.client("window_clerk").post("/api/cases/", {"power_code": "ZS-01"}, format="json")
    assert plain["Content-Type"] == "application/json" and set(plain.json()) == {"code", "detail", "fields"}


def test_problem_json_for_a_413_outside_drf(demo):
    body = json.dumps({**START, "data": {"applicant": "x" * (5 * 1024 * 1024)}})
    response = demo.client("window_clerk").post("/api/cases/", body, content_type="application/json",
                                                HTTP_ACCEPT="application/problem+json")  # fmt: skip
    assert (response.status_code, response["Content-Type"]) == (413, "application/problem+json")
    assert json.loads(response.content)["type"] == "request_too_large"
