"""One error contract: every 4xx is {"code", "detail", "fields"}; engine errors map in one table."""

from __future__ import annotations

import pytest
from django.test import override_settings

from api.exception_handler import HTTP_STATUS, flatten_fields
from engine import exceptions as engine_errors
from tests.api.conftest import case_counts

pytestmark = pytest.mark.django_db


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "detail", "fields"}
    assert body["code"] == code
    assert isinstance(body["detail"], str)
    assert body["detail"]
    return body


@pytest.mark.parametrize("error_class", engine_errors.all_error_classes(), ids=lambda c: c.__name__)
def test_every_engine_error_has_an_http_status(error_class):
    assert error_class in HTTP_STATUS


def test_client_errors_never_map_to_server_errors():
    client_side = {
        engine_errors.InvalidTaskData,
        engine_errors.PowerNotListed,
        engine_errors.ProcessError,
        engine_errors.QuorumNotMet,
        engine_errors.CaseNotFound,
        engine_errors.TaskNotFound,
    }
    assert all(400 <= HTTP_STATUS[cls] < 500 for cls in client_side)


def test_an_engine_error_keeps_its_code_and_writes_nothing(demo):
    before = case_counts()
    response = demo.client("window_clerk").post("/api/cases/", {"power_code": "XX-99"}, format="json")
    body = assert_error(response, 400, "power_not_listed")
    assert "清单之外无权力" in body["detail"]
    assert case_counts() == before


def test_an_engine_error_carries_its_field_errors(demo):
    case = demo.cases["mid_review"]
    task = case.work_items.get(bpmn_id="station_head_review")
    before = case_counts()
    response = demo.client("station_head").post(
        f"/api/cases/{case.pk}/tasks/{task.task_id}/complete/",
        {"data": {"station_head_action": "sideways"}},
        format="json",
    )
    body = assert_error(response, 400, "invalid_task_data")
    assert "data.station_head_action" in body["fields"]
    assert len(body["fields"]) > 1  # the required fields that are missing, each under its own path
    assert all(path.startswith("data.") for path in body["fields"])
    assert case_counts() == before


def test_validation_errors_list_each_field(demo):
    response = demo.client("window_clerk").post("/api/cases/", {"data": []}, format="json")
    body = assert_error(response, 400, "invalid")
    assert set(body["fields"]) == {"power_code", "data"}


def test_nested_validation_errors_are_flattened_with_dotted_paths():
    assert flatten_fields({"a": {"b": ["bad"]}, "c": [{}, {"d": ["worse"]}], "non_field_errors": ["x"]}) == {
        "a.b": ["bad"],
        "c.1.d": ["worse"],
        "__all__": ["x"],
    }


def test_malformed_json_is_a_parse_error(demo):
    response = demo.client("window_clerk").post("/api/cases/", '{"power_code": ', content_type="application/json")
    assert_error(response, 400, "parse_error")


@pytest.mark.parametrize(
    "raw",
    [
        '{"power_code": "JF-01", "data": {"applicant": "a\\u0000b"}}',  # NUL: PostgreSQL refuses it
        '{"power_code": "JF-01", "data": {"applicant": "\\ud800"}}',  # lone surrogate: not UTF-8
        '{"power_code": "JF-01", "data": {"n": 1e400}}',  # overflows to Infinity
        '{"power_code": "JF-01", "data": {"n": NaN}}',
        '{"power_code": "JF-01", "data": ' + "[" * 40 + "]" * 40 + "}",  # deeper than any form
        "[" * 100_000 + "]" * 100_000,  # deeper than Python's recursion
    ],
    ids=["nul", "surrogate", "overflow", "nan", "deep", "very-deep"],
)
def test_json_the_database_cannot_store_is_a_parse_error_and_writes_nothing(demo, raw):
    before = case_counts()
    response = demo.client("window_clerk").post("/api/cases/", raw, content_type="application/json")
    assert_error(response, 400, "parse_error")
    assert case_counts() == before


def test_no_credentials_is_not_authenticated(anon):
    assert_error(anon.get("/api/cases/"), 401, "not_authenticated")


def test_a_wrong_token_is_an_authentication_failure(demo):
    client = demo.client()
    client.credentials(HTTP_AUTHORIZATION="Token no-such-token")
    assert_error(client.get("/api/cases/"), 401, "authentication_failed")


def test_a_position_without_the_right_is_permission_denied(demo):
    before = case_counts()
    response = demo.client("archivist").post("/api/cases/", {"power_code": "JF-01"}, format="json")
    assert_error(response, 403, "permission_denied")
    assert case_counts() == before


def test_an_unknown_path_under_api_is_not_found_in_the_same_shape(anon):
    assert_error(anon.get("/api/no/such/thing/"), 404, "not_found")
    assert_error(anon.post("/api/no/such/thing/"), 404, "not_found")


def test_a_wrong_method_is_method_not_allowed(demo):
    assert_error(demo.client("chief").delete("/api/cases/"), 405, "method_not_allowed")


def test_an_unsupported_body_type_is_reported(demo):
    response = demo.client("window_clerk").post("/api/cases/", b"<x/>", content_type="application/xml")
    assert_error(response, 415, "unsupported_media_type")


def test_an_unacceptable_response_type_is_reported(anon):
    assert_error(anon.get("/api/powers/", HTTP_ACCEPT="application/xml"), 406, "not_acceptable")


@override_settings(PUBLIC_POST_THROTTLE_RATE="2/hour")
def test_too_many_public_posts_are_throttled_and_the_last_writes_nothing(demo, anon):
    body = {"kind": "complaint", "subject": "民政所", "content": "态度生硬", "township": "township"}
    assert [anon.post("/api/public/complaints/", body, format="json").status_code for _ in range(2)] == [
        201,
        201,
    ]
    from engine.models import Complaint

    before = Complaint.objects.count()
    response = anon.post("/api/public/complaints/", body, format="json")
    assert_error(response, 429, "throttled")
    assert "Retry-After" in response.headers
    assert Complaint.objects.count() == before


def test_error_messages_follow_the_requested_language(anon):
    assert anon.get("/api/cases/").json()["detail"] == "身份认证信息未提供。"
    assert anon.get("/api/cases/", HTTP_ACCEPT_LANGUAGE="en").json()["detail"].startswith("Authentication")


@pytest.mark.parametrize(
    "query", ["limit=69301879631669731328", "offset=99999999999999999999999", "limit=-5&offset=-7"]
)
def test_pagination_parameters_cannot_overflow_the_database(demo, query):
    response = demo.client("chief").get(f"/api/cases/?{query}")
    assert response.status_code == 200
    assert response.json()["count"] == len(demo.cases)


def test_the_token_endpoint_refuses_json_the_database_cannot_store(anon):
    response = anon.post("/api/auth/token/", "[" * 100_000 + "]" * 100_000, content_type="application/json")
    assert_error(response, 400, "parse_error")


def test_the_token_endpoint_answers_for_a_known_user(demo, anon):
    response = anon.post("/api/auth/token/", {"username": "handler", "password": "Demo-handler-2026"}, format="json")
    assert response.json().keys() == {"token", "expires_at"}
    assert response.json()["token"] == "demo-handler"
