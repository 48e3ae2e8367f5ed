"""The case dossier: one A4 PDF from the record with the CJK font embedded, the timeline and the
chain head with its checkpoint (the meeting sections: tests/api/test_dossier.py)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from engine.evidence import log
from engine.models import Case

pytestmark = pytest.mark.django_db

DISSENT = "收入核查不充分，建议补充材料后再议"


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_dossier_is_a4_with_the_cjk_font_embedded_and_names_its_checkpoint(driver, tmp_path):
    driver.complete("clerk", "accept", {"materials_complete": True, "applicant": "张三"})
    driver.complete("handler", "review", {"review_ok": True, "opinion": "符合条件"})
    driver.vote("alice")
    driver.vote("bob", "disagree", DISSENT)
    driver.vote("carol")
    log.make_checkpoint(now=driver.tick())
    case = Case.objects.get(pk=driver.case.pk)
    out = tmp_path / "dossier.pdf"
    call_command("dossier", case.reference, "--out", str(out))
    pdf = out.read_bytes()
    reader = PdfReader(io.BytesIO(pdf))
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)  # A4
    fonts = {str(f.get_object().get("/BaseFont")) for p in reader.pages for f in (p["/Resources"].get("/Font") or {}).values()}
    assert any("CJK" in name for name in fonts), fonts  # the CJK font is embedded
    text = "".join(_text(pdf).split())
    assert "案件档案" in text and case.reference in text
    assert DISSENT in text  # the vote's reason, in the timeline
    assert case.last_hash[:20] in text.replace("\n", "")
    assert "日志大小6" in text


def test_the_case_page_downloads_the_dossier(driver, people):
    from rest_framework.test import APIClient

    driver.to_chief()
    client = APIClient()
    client.force_authenticate(people["chief"])
    response = client.get(f"/api/cases/{driver.case.pk}/dossier.pdf")
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert driver.case.reference in response["Content-Disposition"]
