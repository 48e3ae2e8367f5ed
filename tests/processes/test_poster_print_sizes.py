"""Every wall chart of the catalog, measured on paper: every text element of all 31 posters and
risk maps, at A3 and at A4, on every sheet."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from diagrams.measure import printed_texts
from diagrams.shapes import NAME_WIDTH
from diagrams.text import wrap
from processes.charts import POSTER, RISK, power_charts
from processes.models import Power

pytestmark = pytest.mark.django_db
STEP_MIN_PT = {"A3": 10.0, "A4": 8.0}  # step text (the task names)
TEXT_MIN_PT = 8.0  # every text element
STEP_KINDS = ("task", "userTask", "manualTask", "serviceTask", "scriptTask", "callActivity", "subProcess")


@pytest.mark.parametrize("paper", ["A3", "A4"])
def test_every_text_of_every_chart_prints_at_the_minimum_size_or_larger(paper, capsys):
    call_command("load_catalog")
    capsys.readouterr()
    powers = list(Power.objects.filter(is_active=True).select_related("category", "supervision_phone_setting"))
    assert len(powers) == 31
    too_small: list[str] = []
    measured = 0
    for power in powers:
        charts = power_charts(power, public_base="https://gov.example.cn/")
        steps = {node.id: set(wrap(node.name, NAME_WIDTH)) for node in charts.model.process(
            charts.definition.process_id).iter_nodes() if node.kind in STEP_KINDS and node.name}  # fmt: skip
        for kind in (POSTER, RISK) if charts.risks else (POSTER,):
            chart = charts.build(kind, paper=paper)
            for number, svg in enumerate(chart.render_pages("svg"), start=1):
                texts = printed_texts(svg)
                assert texts
                measured += len(texts)
                where = f"{power.code} {kind} {paper} p{number}"
                too_small += [f"{where}: {t.text} {t.points:.1f}pt" for t in texts if t.points < TEXT_MIN_PT]
                too_small += [
                    f"{where} step {t.group}: {t.text} {t.points:.1f}pt"
                    for t in texts
                    if t.group in steps and t.text.split(" ")[-1] in steps[t.group] and t.points < STEP_MIN_PT[paper]
                ]
                assert not [t.text for t in texts if "[" in t.text and "]" in t.text], where  # editorial marks
    assert measured > 5000
    assert not too_small, too_small[:20]
