"""manage.py check_processes: every power passes, and each kind of defect is reported."""

from __future__ import annotations

import pytest
from lxml import etree
from django.core.management import call_command
from django.core.management.base import CommandError

from processes import checks
from processes.bpmn_build.sources import definition_sources
from processes.models import Power

pytestmark = pytest.mark.django_db
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}


def test_all_31_powers_in_7_categories_pass(loaded, capsys):
    call_command("check_processes")
    out = capsys.readouterr().out
    assert "合计：31 / 31 项权力通过检查，共 7 类" in out
    assert out.count("\nOK ") + out.startswith("OK ") == 31 + 7
    assert "制度程序：7 / 7 项通过检查" in out


def broken(monkeypatch, code: str, old: str, new: str, *, file_part: str = "powers/") -> None:
    real = definition_sources(Power.objects.get(code=code).process_id)

    def sources(process_id):
        result = dict(real)
        for name in result:
            if file_part in name and old in result[name]:
                result[name] = result[name].replace(old, new, 1)
                return result
        raise AssertionError(f"{old!r} not found")

    monkeypatch.setattr(checks, "definition_sources", sources)


def test_a_gateway_outcome_that_leads_nowhere_is_reported(loaded, monkeypatch):
    # one outgoing flow of a gateway of the power's own file now ends in a task that goes nowhere
    power = Power.objects.get(code="QT-02")
    real = definition_sources(power.process_id)
    name = next(k for k in real if k.startswith("bpmn/powers/"))
    root = etree.fromstring(real[name].encode())
    process = root.find("bpmn:process", NS)
    gateway = process.find("bpmn:exclusiveGateway", NS).get("id")
    flow = next(f for f in process.iterfind("bpmn:sequenceFlow", NS) if f.get("sourceRef") == gateway)
    flow.set("targetRef", "dead_end")
    etree.SubElement(process, f"{{{NS['bpmn']}}}task", id="dead_end", name="死路")
    monkeypatch.setattr(checks, "definition_sources", lambda _: {**real, name: etree.tostring(root).decode()})
    result = checks.check_power(power)
    assert not result.ok
    assert any(gateway in p and "dead_end" in p for p in result.problems), result.problems


def test_a_timer_that_does_not_resolve_is_reported(loaded, monkeypatch):
    power = Power.objects.get(code="JF-01")
    broken(monkeypatch, "JF-01", ">notice_end<", ">no_such_variable<", file_part="blocks/")
    result = checks.check_power(power)
    assert any("notice_period" in p and "no_such_variable" in p for p in result.problems), result.problems


def test_a_user_task_without_a_position_lane_is_reported(loaded, monkeypatch):
    power = Power.objects.get(code="QT-02")
    broken(monkeypatch, "QT-02", 'name="窗口受理员"', 'name="门卫"', file_part="blocks/")
    result = checks.check_power(power)
    assert any("门卫" in p for p in result.problems), result.problems


def test_a_power_without_legal_basis_is_reported(loaded):
    power = Power.objects.get(code="QT-02")
    power.legal_bases.all().delete()
    assert "缺少实施依据" in checks.check_power(power).problems


def test_the_command_fails_when_a_power_fails(loaded, monkeypatch):
    Power.objects.get(code="QT-02").legal_bases.all().delete()
    with pytest.raises(CommandError, match="30 / 31"):
        call_command("check_processes")


def test_a_stage_the_law_does_not_count_must_pause_the_clock(loaded, monkeypatch):
    power = Power.objects.get(code="JF-01")
    real = definition_sources(power.process_id)
    block = next(k for k in real if "block_public_notice" in k)
    text = real[block].replace('<spiffworkflow:property name="pauses_clock" value="true"/>', "")
    assert text != real[block]
    monkeypatch.setattr(checks, "definition_sources", lambda _: {**real, block: text})
    result = checks.check_power(power)
    assert any("notice_period" in p and "暂停计时" in p for p in result.problems), result.problems


def test_a_form_that_asks_for_a_computed_value_is_reported(loaded, monkeypatch):
    import json

    power = Power.objects.get(code="JF-01")
    real = definition_sources(power.process_id)
    name = next(k for k in real if k.endswith("notice_post.schema.json"))
    schema = json.loads(real[name])
    schema["properties"]["notice_end"].pop("readOnly")
    schema["required"].append("notice_end")
    monkeypatch.setattr(checks, "definition_sources", lambda _: {**real, name: json.dumps(schema)})
    result = checks.check_power(power)
    assert any("notice_post" in p and "notice_end" in p for p in result.problems), result.problems
