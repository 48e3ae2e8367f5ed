"""Flowcharts: a power's wall posters (public) and the live chart of a case (staff who see it)."""

from __future__ import annotations

import pytest
from lxml import etree

from tests.api.test_exception_handler import assert_error

pytestmark = pytest.mark.django_db

MAGIC = {"svg": b"<?xml", "pdf": b"%PDF-", "png": b"\x89PNG\r\n\x1a\n"}
CONTENT_TYPES = {"svg": "image/svg+xml", "pdf": "application/pdf", "png": "image/png"}


@pytest.mark.parametrize("fmt", ["svg", "pdf", "png"])
def test_flow_poster_of_a_power_in_each_format(anon, fmt):
    response = anon.get(f"/api/powers/JF-01/poster.{fmt}?paper=A4")
    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPES[fmt]
    assert response.content.startswith(MAGIC[fmt])


def test_risk_map_names_the_risk_points(anon):
    pages = anon.get("/api/powers/JF-01/risk-map.pdf").content.count(b"/MediaBox")
    text = ""
    for page in range(1, pages + 1):
        response = anon.get(f"/api/powers/JF-01/risk-map.svg?page={page}")
        assert response.status_code == 200
        text += response.content.decode("utf-8")
    assert "廉政风险防控图" in text
    assert "优亲厚友" in text


def test_a_long_poster_has_numbered_pages_and_its_qr_code_opens_the_public_page(anon):
    pdf = anon.get("/api/powers/QZ-01/poster.pdf?paper=A4").content
    pages = pdf.count(b"/MediaBox")
    assert pages >= 2
    last = anon.get(f"/api/powers/QZ-01/poster.svg?paper=A4&page={pages}").content.decode("utf-8")
    assert f"第 {pages} 页／共 {pages} 页" in last
    assert 'xlink:href="http://testserver/public/powers/QZ-01/"' in last
    assert_error(anon.get(f"/api/powers/QZ-01/poster.svg?paper=A4&page={pages + 1}"), 404, "not_found")


def test_poster_of_an_unknown_power_is_not_found_as_json(anon):
    response = anon.get("/api/powers/ZZ-99/poster.svg")
    assert_error(response, 404, "not_found")


def test_poster_rejects_an_unknown_paper(anon):
    assert list(assert_error(anon.get("/api/powers/JF-01/poster.pdf?paper=A0"), 400, "invalid")["fields"]) == ["paper"]


def _node_fill(svg: bytes, node_id: str) -> str:
    tree = etree.fromstring(svg)
    ns = {"s": "http://www.w3.org/2000/svg"}
    [group] = tree.xpath(f"//s:g[@id='{node_id}']", namespaces=ns)
    return group.xpath(".//s:path/@fill | .//s:polygon/@fill | .//s:ellipse/@fill", namespaces=ns)[0]


def test_case_chart_shows_done_current_and_pending_steps(demo):
    case = demo.cases["notice_period"]
    response = demo.client("handler").get(f"/api/cases/{case.pk}/chart.svg")
    assert (response.status_code, response["Content-Type"]) == (200, "image/svg+xml")
    assert _node_fill(response.content, "investigation").upper() == "#C8E6C9"  # done
    assert _node_fill(response.content, "public_notice").upper() == "#FFB74D"  # current
    assert _node_fill(response.content, "decision").upper() == "#EEEEEE"  # still to come


def test_case_chart_can_expand_the_called_blocks(demo):
    case = demo.cases["mid_review"]
    svg = demo.client("station_head").get(f"/api/cases/{case.pk}/chart.svg?expand=true").content
    assert _node_fill(svg, "review/station_head_review").upper() == "#FFB74D"
    assert _node_fill(svg, "review/handler_review").upper() == "#C8E6C9"


def test_case_chart_of_a_case_one_cannot_see_is_not_found(demo):
    assert_error(
        demo.client("village_agent").get(f"/api/cases/{demo.cases['mid_review'].pk}/chart.svg"),
        404,
        "case_not_found",
    )


def test_case_chart_as_of_an_earlier_step(demo):
    case = demo.cases["notice_period"]
    svg = demo.client("discipline_inspector").get(f"/api/cases/{case.pk}/chart.svg?step=1").content
    assert _node_fill(svg, "acceptance").upper() == "#FFB74D"
    assert _node_fill(svg, "public_notice").upper() == "#EEEEEE"


def test_risk_map_of_a_power_without_risk_points_is_not_found(demo, anon):
    from processes.models import Power

    Power.objects.get(code="QR-04").risk_points.all().delete()
    assert_error(anon.get("/api/powers/QR-04/risk-map.svg"), 404, "not_found")
