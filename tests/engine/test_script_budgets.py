"""Bounded scripts: hostile scripts and conditions are refused when the definition is loaded, or
stopped at run time by a budget with the case unchanged and the next request served; oversized
data and snapshots are refused before anything is saved."""

from __future__ import annotations

import io
import json
import time

import pytest
from django.core.management import CommandError, call_command

from engine import bpmn, services
from engine import exceptions as exc
from engine.models import AuditEvent, Case, ProcessDefinition
from tests.engine.conftest import task_id
from tests.engine.test_refusals import snapshot

pytestmark = pytest.mark.django_db

FORM = json.dumps({
    "type": "object", "additionalProperties": False,
    "properties": {"mode": {"type": "string"}, "n": {"type": "integer"}, "text": {"type": "string"}},
})  # fmt: skip

PROCESS = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d" targetNamespace="t">
  <bpmn:process id="bounded" isExecutable="true">
    <bpmn:laneSet id="lanes"><bpmn:lane id="lane" name="窗口受理员">
      <bpmn:flowNodeRef>enter</bpmn:flowNodeRef><bpmn:flowNodeRef>after</bpmn:flowNodeRef>
    </bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="s"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="enter" name="录入">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="form" value="enter"/>
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
    <bpmn:scriptTask id="compute"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
      <bpmn:script>{script}</bpmn:script></bpmn:scriptTask>
    <bpmn:exclusiveGateway id="gw" default="f5"><bpmn:incoming>f3</bpmn:incoming>
      <bpmn:outgoing>f4</bpmn:outgoing><bpmn:outgoing>f5</bpmn:outgoing></bpmn:exclusiveGateway>
    <bpmn:userTask id="after" name="之后"><bpmn:incoming>f4</bpmn:incoming><bpmn:incoming>f5</bpmn:incoming>
      <bpmn:outgoing>f6</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="e"><bpmn:incoming>f6</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="enter"/>
    <bpmn:sequenceFlow id="f2" sourceRef="enter" targetRef="compute"/>
    <bpmn:sequenceFlow id="f3" sourceRef="compute" targetRef="gw"/>
    <bpmn:sequenceFlow id="f4" sourceRef="gw" targetRef="after">
      <bpmn:conditionExpression>{condition}</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f5" sourceRef="gw" targetRef="after"/>
  </bpmn:process>
</bpmn:definitions>"""

# Data-driven, so that one definition passes the load-time policy and is hostile only at run time.
SCRIPT = """if mode == 'loop':
    for i in range(n):
        for j in range(n):
            x = i
elif mode == 'repeat':
    text = 'a' * n
elif mode == 'power':
    f = pow
    big = f(9, n)
elif mode == 'memory':
    keep = []
    for i in range(n):
        keep.append(list(range(100000)))
elif mode == 'grow':
    text = 'b'
    for i in range(n):
        text = text + text
done = True"""
CONDITION = "mode == 'condition' and len([i for i in range(n) for j in range(n)]) &gt; 0"


def sources(script: str = SCRIPT, condition: str = CONDITION) -> dict[str, str]:
    return {"bounded.bpmn": PROCESS.format(script=script, condition=condition), "forms/enter.schema.json": FORM}


@pytest.fixture
def bounded_case(db, township, people, t0):
    services.register_definition(process_id="bounded", sources=sources())
    return services.start_case(process_id="bounded", actor=people["clerk"], organization=township, now=t0)


# -- refused at load time ------------------------------------------------------------------

HOSTILE_SCRIPTS = [
    "while True: pass",
    "x = 9**9**9",
    "x = pow(9, 9**9)",
    "x = 'a'*200_000_000",
    "x = (",
    "x = = 1",
    "def f(): return 1",
    "f = lambda: 1",
    "import os",
    "try:\n    x = 1\nexcept:\n    x = 2",
    "try:\n    x = 1\nexcept BaseException:\n    x = 2",
    "x = '{:>999999999}'.format(1)",
    "x = f'{1:>999999999}'",
    "x = 1 << 10**6",
    "l = [1]\nl[0:0] = l",
    "x = 'a' * 10001 if False else '" + "a" * 10_001 + "'",
]


@pytest.mark.parametrize("script", HOSTILE_SCRIPTS)
def test_hostile_scripts_are_refused_when_loaded_and_nothing_is_stored(script):
    before = ProcessDefinition.objects.count()
    with pytest.raises(exc.ScriptNotAllowed) as refused:
        services.register_definition(process_id="bounded", sources=sources(script=script.replace("<", "&lt;")))
    assert refused.value.code == "script_not_allowed"
    assert refused.value.task == "compute"
    assert ProcessDefinition.objects.count() == before


@pytest.mark.parametrize("condition", ["9**9**9 &gt; 1", "pow(9, 9**9) &gt; 1", "len('a'*200_000_000) &gt; 1", "x ="])
def test_hostile_conditions_are_refused_when_loaded(condition):
    with pytest.raises(exc.ScriptNotAllowed) as refused:
        bpmn.parse_definition(sources(condition=condition), "bounded")
    assert refused.value.task == "gw"


def test_load_definition_refuses_a_hostile_script(tmp_path):
    (tmp_path / "forms").mkdir()
    for name, text in sources(script="while True: pass").items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(CommandError, match="script_not_allowed"):
        call_command("load_definition", str(tmp_path), "--process", "bounded", stdout=io.StringIO())
    assert not ProcessDefinition.objects.filter(process_id="bounded").exists()


# -- stopped at run time -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "kinds"),
    [
        ({"mode": "loop", "n": 100_000}, {"time", "steps"}),
        ({"mode": "repeat", "n": 200_000_000}, {"size"}),
        ({"mode": "power", "n": 9**9}, {"size"}),
        ({"mode": "memory", "n": 1_000}, {"memory", "time"}),
        ({"mode": "grow", "n": 64}, {"size"}),
        ({"mode": "condition", "n": 100_000}, {"time", "steps"}),
    ],
    ids=["nested-loop", "repeat-200M", "pow-9-9**9", "memory", "doubling", "condition-loop"],
)
def test_hostile_runs_are_stopped_the_case_is_unchanged_and_the_next_request_is_served(
    bounded_case, people, t0, data, kinds
):
    before = snapshot(bounded_case)
    enter = task_id(bounded_case, "enter")
    started = time.thread_time()
    with pytest.raises(exc.ScriptBudgetExceeded) as stopped:
        services.complete_task(bounded_case.pk, task_id=enter, actor=people["clerk"], data=data, now=t0)
    assert time.thread_time() - started < 1.0  # CPU seconds this thread spent before being stopped
    assert stopped.value.details["kind"] in kinds
    assert stopped.value.code == "script_budget_exceeded"
    assert snapshot(bounded_case) == before

    # the same worker goes on: the same task with harmless data completes
    case = services.complete_task(bounded_case.pk, task_id=enter, actor=people["clerk"],
                                  data={"mode": "none", "n": 1}, now=t0)  # fmt: skip
    assert case.last_sequence == before[2] + 1
    assert bpmn.workflow_data(bpmn.loads(Case.objects.get(pk=case.pk).workflow_json, bpmn.parse_definition(
        case.definition.sources, "bounded")))["done"] is True  # fmt: skip


def test_a_script_that_would_leave_oversized_task_data_is_stopped(bounded_case, people, t0):
    script = "text = 'a' * 150000\nparts = []\nfor i in range(20):\n    parts.append(text + str(i))"
    services.register_definition(process_id="bounded", sources=sources(script=script))
    case = services.start_case(process_id="bounded", actor=people["clerk"], organization=bounded_case.organization,
                               now=t0)  # fmt: skip
    before = snapshot(case)
    with pytest.raises(exc.ScriptBudgetExceeded) as stopped:
        services.complete_task(case.pk, task_id=task_id(case, "enter"), actor=people["clerk"], data={}, now=t0)
    assert stopped.value.details["kind"] == "size"
    assert snapshot(case) == before


# -- size caps before saving ---------------------------------------------------------------


def test_a_200_mb_value_is_refused_before_saving(bounded_case, people, t0):
    before = snapshot(bounded_case)
    events = AuditEvent.objects.count()
    huge = "a" * 200_000_000
    with pytest.raises(exc.DataTooLarge) as refused:
        services.complete_task(bounded_case.pk, task_id=task_id(bounded_case, "enter"), actor=people["clerk"],
                               data={"mode": "none", "n": 1, "text": huge}, now=t0)  # fmt: skip
    del huge
    assert refused.value.code == "data_too_large"
    assert snapshot(bounded_case) == before
    assert AuditEvent.objects.count() == events


def test_a_200_mb_start_or_message_is_refused_before_saving(township, people, t0, bounded_case):
    cases, events = Case.objects.count(), AuditEvent.objects.count()
    huge = {"note": "b" * 200_000_000}
    with pytest.raises(exc.DataTooLarge):
        services.start_case(process_id="bounded", actor=people["clerk"], organization=township, now=t0, data=huge)
    with pytest.raises(exc.DataTooLarge):
        services.send_message(bounded_case.pk, name="objection", data=huge, actor=None, now=t0)
    assert (Case.objects.count(), AuditEvent.objects.count()) == (cases, events)


def test_an_oversized_snapshot_is_refused_before_saving(bounded_case, people, t0, monkeypatch):
    before = snapshot(bounded_case)
    monkeypatch.setattr(bpmn, "SNAPSHOT_MAX_CHARS", len(bounded_case.workflow_json) + 10)
    with pytest.raises(exc.SnapshotTooLarge):
        services.complete_task(bounded_case.pk, task_id=task_id(bounded_case, "enter"), actor=people["clerk"],
                               data={"mode": "none", "n": 1, "text": "x" * 5000}, now=t0)  # fmt: skip
    assert snapshot(bounded_case) == before
