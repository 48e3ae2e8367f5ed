"""The lists are public by law; definitions, organizations and the schema."""

from __future__ import annotations

import pytest
import yaml

from engine.models import ProcessDefinition
from tests.api.test_exception_handler import assert_error

pytestmark = pytest.mark.django_db


def test_the_power_list_is_readable_without_login(anon):
    body = anon.get("/api/powers/").json()
    assert body["count"] == 31
    assert body["results"][0]["code"] == "XK-01"


def test_the_power_list_filters_by_category(anon):
    codes = [p["code"] for p in anon.get("/api/powers/?category=JF").json()["results"]]
    assert codes == [f"JF-0{n}" for n in range(1, 10)]


@pytest.mark.parametrize(("query", "codes"), [("最低生活保障", ["JF-01"]), ("qr-0", [f"QR-0{n}" for n in range(1, 6)])])
def test_the_power_list_searches_names_and_codes(anon, query, codes):
    assert [p["code"] for p in anon.get(f"/api/powers/?q={query}").json()["results"]] == codes


def test_power_detail_has_legal_bases_limits_and_risk_points(anon):
    body = anon.get("/api/powers/JF-01/").json()
    assert body["legal_bases"][0]["law"]
    assert body["promised_limit"] == {
        "value": 10,
        "unit": "working_day",
        "unit_display": "工作日",
        "note": "不含公示时间。",
    }
    assert {r["node"] for r in body["risk_points"]} >= {"investigation", "public_notice"}
    assert body["supervision_phone"] == "12388"
    assert body["responsibilities"]


def test_an_unknown_power_is_not_found(anon):
    assert_error(anon.get("/api/powers/ZZ-99/"), 404, "not_found")


def test_the_responsibility_list_is_readable_without_login(anon):
    body = anon.get("/api/responsibilities/").json()
    assert body["count"] == 22
    first = anon.get(f"/api/responsibilities/{body['results'][0]['code']}/").json()
    assert first["main_duties"]
    assert isinstance(first["powers"], list)


def test_categories_are_public(anon):
    assert len(anon.get("/api/categories/").json()) == 7


def test_definitions_list_versions_to_staff(demo):
    body = demo.client("administrator").get("/api/definitions/?process_id=power_jf_01").json()
    assert [(d["process_id"], d["version"], d["is_current"]) for d in body["results"]] == [("power_jf_01", 1, True)]


def test_definition_detail_lists_files_and_user_tasks(demo):
    definition = ProcessDefinition.objects.get(process_id="power_jf_01", is_current=True)
    body = demo.client("handler").get(f"/api/definitions/{definition.pk}/").json()
    assert "bpmn/powers/jf_01.bpmn" in body["files"]
    assert {
        "bpmn_id": "investigation",
        "name": "入户调查、家庭经济状况核对（双人）",
        "lane": "经办人",
        "form": "investigation_household",
        "process_id": "power_jf_01",
    } in body["user_tasks"]


def test_bpmn_download_is_the_stored_xml(demo):
    definition = ProcessDefinition.objects.get(process_id="power_jf_01", is_current=True)
    response = demo.client("handler").get(f"/api/definitions/{definition.pk}/bpmn/")
    assert response["Content-Type"].startswith("application/xml")
    assert response.content.decode("utf-8") == definition.sources["bpmn/powers/jf_01.bpmn"]
    assert "attachment" in response["Content-Disposition"]


def test_bpmn_download_of_a_called_block_or_form(demo):
    definition = ProcessDefinition.objects.get(process_id="power_jf_01", is_current=True)
    client = demo.client("handler")
    block = client.get(f"/api/definitions/{definition.pk}/bpmn/?file=bpmn/blocks/block_review.bpmn")
    assert b'id="block_review"' in block.content
    assert_error(client.get(f"/api/definitions/{definition.pk}/bpmn/?file=../../etc/passwd"), 404, "not_found")


def test_definitions_are_for_staff_only(anon):
    assert_error(anon.get("/api/definitions/"), 401, "not_authenticated")


def test_me_lists_ones_posts(demo):
    body = demo.client("deputy").get("/api/me/").json()
    assert body["username"] == "deputy"
    assert {(a["position"], a["organization"], tuple(a["areas"])) for a in body["assignments"]} == {
        ("deputy", "township", ("财务", "行政审批")),
        ("committee_member", "township", ()),
    }


def test_the_schema_is_public_openapi_3(anon):
    response = anon.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    assert "/api/cases/{case_id}/tasks/{task_id}/complete/" in schema["paths"]
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_swagger_ui_is_served_from_the_sidecar_without_a_cdn(anon):
    response = anon.get("/api/docs/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    assert "https://" not in html
