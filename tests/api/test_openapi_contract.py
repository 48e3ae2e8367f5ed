"""The OpenAPI document as a contract: valid by an independent validator, JSON-only request
bodies, and every operation declaring its error responses with the error contract and its codes."""

from __future__ import annotations

import json

import pytest
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def document(django_db_setup, django_db_blocker):
    from rest_framework.test import APIClient

    with django_db_blocker.unblock():
        response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return json.loads(response.content)


def operations(document):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_the_document_passes_openapi_spec_validator(document):
    validate(document)


def test_request_bodies_are_json_only(document):
    bodies = [(p, m, set(o["requestBody"]["content"])) for p, m, o in operations(document) if "requestBody" in o]
    assert bodies
    assert all(types == {"application/json"} for _p, _m, types in bodies), bodies


def test_every_operation_declares_its_error_responses(document):
    for path, method, operation in operations(document):
        errors = {s: r for s, r in operation["responses"].items() if s.startswith("4")}
        assert errors, (path, method)
        for response in errors.values():
            for media in ("application/json", "application/problem+json"):
                schema = response["content"][media]["schema"]
                assert schema["allOf"][0] == {"$ref": "#/components/schemas/Error"}
                assert schema["allOf"][1]["properties"]["code"]["enum"]
    assert document["components"]["schemas"]["Error"]["required"] == ["code", "detail", "fields"]


def test_the_codes_of_completing_a_task(document):
    [operation] = [o for p, m, o in operations(document) if p.endswith("/complete/") and m == "post"]

    def codes(status):
        return set(operation["responses"][status]["content"]["application/json"]["schema"]["allOf"][1]
                   ["properties"]["code"]["enum"])  # fmt: skip

    assert {"invalid_task_data", "parse_error", "power_not_listed"} <= codes("400")
    assert {"not_in_lane", "separation_of_duties"} <= codes("403")
    assert {"task_not_found", "case_not_found", "not_found"} <= codes("404")
    assert {"task_not_ready", "task_claimed_by_other"} <= codes("409")
    assert {"request_too_large", "data_too_large"} <= codes("413")
    assert {"script_budget_exceeded", "process_error"} <= codes("422")


def test_every_post_declares_the_idempotency_key_header(document):
    for path, method, operation in operations(document):
        if method == "post":
            names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "header"]
            assert names.count("Idempotency-Key") == 1, path
            codes = operation["responses"]["422"]["content"]["application/json"]["schema"]["allOf"][1]
            assert "idempotency_key_reused" in codes["properties"]["code"]["enum"], path
