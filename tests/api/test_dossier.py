"""The dossier of a 低保 case run from application to filing: the text extracted from the PDF holds
the meeting's roster, each stance, the presider's last stance, the dissent verbatim, the minutes,
the signatures, the notice with its objection and handling, and the chain head."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from engine import clock
from engine.evidence import log
from engine.management.commands.dossier_demo import DISSENT, OBJECTION, Command
from engine.management.commands.seed_demo import TOWNSHIP_CODE
from engine.models import Organization

pytestmark = pytest.mark.django_db


def test_the_dibao_dossier_holds_the_minutes_and_the_dissent(demo, tmp_path):
    case = Command()._run(demo.users, Organization.objects.get(code=TOWNSHIP_CODE))
    assert case.status == "completed"
    log.make_checkpoint(now=clock.now())
    out = tmp_path / "dossier.pdf"
    call_command("dossier", case.reference, "--out", str(out), stdout=io.StringIO())
    text = "".join("".join(page.extract_text() for page in PdfReader(out).pages).split())
    for expected in [
        "三、集体决策会议", "应到（名单）", "回避", "主持人末位表态", "不同意见（原文照录）", DISSENT,
        "会议记录载明：" + DISSENT, "会议记录（纪要）", "经办站所汇报调查、审核情况，与会人员逐一发表意见",
        "签字确认", "已确认", "四、公示与异议", OBJECTION[:20], "异议不成立", "五、决定与文书",
        "八、审计链头与签名检查点", case.last_hash[:32],
    ]:  # fmt: skip
        assert expected in text, expected
