"""BPMN scripts and conditions run in a sandbox: no imports, no files, no escape via subclasses."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from engine import bpmn
from engine import exceptions as exc

SCRIPT_PROCESS = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <bpmn:process id="scripted" isExecutable="true">
    <bpmn:startEvent id="s"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:scriptTask id="run_script"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:script>{script}</bpmn:script></bpmn:scriptTask>
    <bpmn:endEvent id="e"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="run_script"/>
    <bpmn:sequenceFlow id="f2" sourceRef="run_script" targetRef="e"/>
  </bpmn:process>
</bpmn:definitions>"""
NOW = datetime(2026, 1, 5, tzinfo=timezone.utc)


def run_script(script: str) -> dict:
    parsed = bpmn.parse_definition({"scripted.bpmn": SCRIPT_PROCESS.format(script=script)}, "scripted")
    workflow = bpmn.start_workflow(parsed, data={}, now=NOW)
    return bpmn.workflow_data(workflow)


def test_ordinary_scripts_run():
    assert run_script("total = sum([x * 2 for x in range(4)])")["total"] == 12
    assert run_script("ordered = sorted(['c', 'a', 'b'])")["ordered"] == ["a", "b", "c"]


@pytest.mark.parametrize(
    "attack",
    [
        "import os",
        "pid = __import__('os').getpid()",
        "text = open('/etc/hostname').read()",
        "classes = ().__class__.__base__.__subclasses__()",
        "g = (lambda: 0).__globals__",
        "e = eval('1')",
        "e = exec('x = 1')",
    ],
)
def test_scripts_cannot_escape(attack):
    # refused when the definition is loaded (import, lambda) or stopped when it runs
    with pytest.raises((exc.ScriptNotAllowed, exc.ProcessError)):
        run_script(attack)


@pytest.mark.parametrize(
    "expression",
    ["__import__('os').system('true')", "open('/etc/passwd')", "[].__class__.__mro__[1].__subclasses__()"],
)
def test_conditions_cannot_escape(expression):
    with pytest.raises((SyntaxError, NameError, AttributeError, TypeError)):
        bpmn.evaluate_expression(expression, {})


def test_the_script_engine_is_reattached_after_loading():
    parsed = bpmn.parse_definition({"scripted.bpmn": SCRIPT_PROCESS.format(script="x = 1")}, "scripted")
    workflow = bpmn.start_workflow(parsed, data={}, now=NOW)
    restored = bpmn.loads(bpmn.dumps(workflow), parsed)
    assert restored.script_engine is bpmn.SCRIPT_ENGINE


def test_the_engine_has_no_wall_clock():
    from SpiffWorkflow.bpmn.specs.event_definitions import timer

    with pytest.raises(exc.ClockNotSet):
        timer.datetime.now()
