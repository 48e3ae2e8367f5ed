"""Validation messages in the request's language, naming each field by its form title, under its
field path; the JSON parse error too."""

from __future__ import annotations

import jsonschema
import pytest
from django.utils import translation

from tests.api.conftest import case_counts
from tests.api.test_exception_handler import assert_error

pytestmark = pytest.mark.django_db


def register_task(demo) -> tuple[str, str]:
    case = demo.cases["just_started"]
    return str(case.pk), str(case.work_items.get(bpmn_id="register_application").task_id)


def complete(demo, data, language="zh-hans"):
    case_id, task_id = register_task(demo)
    return demo.client("window_clerk").post(
        f"/api/cases/{case_id}/tasks/{task_id}/complete/", {"data": data}, format="json",
        HTTP_ACCEPT_LANGUAGE=language,
    )  # fmt: skip


def test_form_errors_are_chinese_and_named_by_the_form_title(demo):
    before = case_counts()
    body = assert_error(complete(demo, {"applicant": "郑大妈", "application_channel": "微信"}), 400,
                        "invalid_task_data")  # fmt: skip
    fields = body["fields"]
    assert fields["data.matter"] == ["“申请事项”为必填项"]
    assert fields["data.applicant_contact"] == ["“联系方式”为必填项"]
    assert fields["data.application_channel"] == ["“申请渠道”只能是以下之一：窗口、代办员代办、网上、电话、信函"]
    assert "data.applicant" not in fields
    assert case_counts() == before


def test_form_errors_follow_the_requested_language(demo):
    body = assert_error(complete(demo, {"applicant": 5}, language="en"), 400, "invalid_task_data")
    assert body["fields"]["data.matter"] == ["“申请事项” is required"]
    assert body["fields"]["data.applicant"] == ["“申请人” must be text"]
    assert body["detail"] == "The submitted data does not meet the form's requirements"


def test_drf_field_errors_are_chinese_under_their_paths(demo):
    response = demo.client("window_clerk").post("/api/cases/", {"power_code": ["JF-01"], "data": []}, format="json")
    body = assert_error(response, 400, "invalid")
    assert set(body["fields"]) == {"power_code", "data"}
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in m) for ms in body["fields"].values() for m in ms)


@pytest.mark.parametrize(("language", "start"), [("zh-hans", "JSON 格式错误"), ("en", "Malformed JSON")])
def test_the_json_parse_error_follows_the_language(demo, language, start):
    response = demo.client("window_clerk").post("/api/cases/", '{"power_code": ', content_type="application/json",
                                                HTTP_ACCEPT_LANGUAGE=language)  # fmt: skip
    assert assert_error(response, 400, "parse_error")["detail"].startswith(start)


def test_a_field_required_by_a_condition_is_named_by_its_title():
    """An if/then rule (a reason when not agreeing) names the field as the form's title does."""
    from engine import form_messages

    schema = {"type": "object", "properties": {"stance": {"enum": ["agree", "disagree"]},
                                               "reason": {"type": "string", "title": "理由"}},
              "if": {"properties": {"stance": {"not": {"const": "agree"}}}, "required": ["stance"]},
              "then": {"required": ["reason"], "properties": {"reason": {"minLength": 1}}}}  # fmt: skip
    validator = jsonschema.Draft202012Validator(schema)
    with translation.override("zh-hans"):
        fields = form_messages.field_errors(validator.iter_errors({"stance": "disagree"}), root=schema)
    assert fields == {"data.reason": ["“理由”为必填项"]}
