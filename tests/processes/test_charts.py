"""The charts of the catalog's powers and of cases, through the commands and processes.charts."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from engine import services
from processes.charts import case_chart, power_charts
from processes.models import Power

pytestmark = pytest.mark.django_db
A4_POINTS = (595, 842)


@pytest.fixture
def listed(db, capsys):
    call_command("load_catalog")
    capsys.readouterr()


def test_render_flowcharts_writes_a_poster_per_power(listed, tmp_path):
    call_command("render_flowcharts", "--power", "QT-02", "--paper", "A4", "--public-base", "https://x.gov.cn/",
                 "--out", str(tmp_path))
    pdf = (tmp_path / "QT-02-poster-A4.pdf").read_bytes()
    box = re.search(rb"/MediaBox \[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    assert tuple(round(float(v)) for v in box.groups()[2:]) == A4_POINTS


def test_the_risk_map_places_the_catalogs_risk_points(listed):
    power = Power.objects.get(code="JF-01")
    charts = power_charts(power, public_base="https://gov.example.cn/")
    svg = "".join(page.decode() for page in charts.build("risk", paper="A3").render_pages("svg"))
    assert "廉政风险防控图" in svg
    for risk in power.risk_points.all():
        assert risk.description[:8] in svg.replace("&#160;", " ") or risk.node in svg


def test_an_unknown_power_is_refused(listed, tmp_path):
    with pytest.raises(CommandError, match="XX-01"):
        call_command("render_flowcharts", "--power", "XX-01", "--out", str(tmp_path), "--public-base",
                     "https://xiang.example.gov.cn/")


def test_render_bpmn_refuses_hostile_xml(tmp_path):
    bomb = tmp_path / "bomb.bpmn"
    bomb.write_text('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><x>&b;</x>')
    with pytest.raises(CommandError, match="bpmn_malformed"):
        call_command("render_bpmn", str(bomb), "--out", str(tmp_path / "bomb.svg"))
    assert not (tmp_path / "bomb.svg").exists()


def test_a_case_chart_marks_done_and_current_steps(sample_definition, township, people, t0):
    case = services.start_case(process_id="sample_approval", actor=people["clerk"], organization=township, now=t0,
                               data={"members": ["alice"]})  # fmt: skip
    from engine.models import WorkItem

    item = WorkItem.objects.get(case=case, bpmn_id="accept")
    case = services.complete_task(case.pk, task_id=item.task_id, actor=people["clerk"],
                                  data={"materials_complete": True, "applicant": "张三"}, now=t0)  # fmt: skip
    live = case_chart(case).decode()  # the whole trail
    step1 = case_chart(case, step=1).decode()
    assert live != step1
    assert 'id="review"' in live and 'id="accept"' in live


def test_render_bpmn_draws_the_files_own_diagram_by_default(tmp_path):
    from pathlib import Path

    model = Path(__file__).resolve().parents[1] / "diagrams" / "miwg" / "A.4.1.bpmn"
    call_command("render_bpmn", str(model), "--out", str(tmp_path / "modelled.svg"))
    modelled = (tmp_path / "modelled.svg").read_text(encoding="utf-8")
    assert 'data-bpmn-kind="participant"' in modelled
    assert 'class="bpmn-shape"' in modelled
    call_command("render_bpmn", str(model), "--layout", "auto", "--out", str(tmp_path / "auto.svg"))
    auto = (tmp_path / "auto.svg").read_text(encoding="utf-8")
    assert 'class="node"' in auto
    assert "data-bpmn-kind" not in auto
    with pytest.raises(CommandError, match="bpmn_no_diagram"):
        call_command("render_bpmn", str(model), "--diagram", "9", "--out", str(tmp_path / "none.svg"))
