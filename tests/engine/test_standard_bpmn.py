"""Standard executable BPMN from other modelers (engine/bpmn/standard.py, expressions.py):
ISO 8601 timer literals, JUEL and FEEL conditions, the per-element report, refusals that store
nothing, and the MIWG Camunda sample C.9.1 run on the engine's clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from engine import bpmn, services
from engine import exceptions as exc
from engine.bpmn import expressions, standard
from engine.models import Case, ProcessDefinition, WorkItem
from tests.test_i18n import compiled_messages  # noqa: F401  (English reasons need the compiled catalog)

MIWG = Path(__file__).resolve().parents[1] / "diagrams" / "miwg"
NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)

TEMPLATE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
    id="defs" targetNamespace="http://example.org/standard">
  <bpmn:process id="p" isExecutable="{executable}">
    <bpmn:startEvent id="start"><bpmn:outgoing>f0</bpmn:outgoing></bpmn:startEvent>
    <bpmn:exclusiveGateway id="gw" default="f_low"><bpmn:incoming>f0</bpmn:incoming>
      <bpmn:outgoing>f_high</bpmn:outgoing><bpmn:outgoing>f_low</bpmn:outgoing></bpmn:exclusiveGateway>
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="gw"/>
    <bpmn:sequenceFlow id="f_high" sourceRef="gw" targetRef="wait">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{condition}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f_low" sourceRef="gw" targetRef="low_end"/>
    <bpmn:intermediateCatchEvent id="wait"><bpmn:incoming>f_high</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:timerEventDefinition id="wait_def"><bpmn:{timer_kind} xsi:type="bpmn:tFormalExpression">{timer}</bpmn:{timer_kind}>
      </bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="high_end"/>
    <bpmn:endEvent id="high_end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:endEvent id="low_end"><bpmn:incoming>f_low</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>
"""


def source(condition="${amount > 1000}", timer="P7D", timer_kind="timeDuration", executable="true") -> dict:
    return {"p.bpmn": TEMPLATE.format(condition=condition, timer=timer, timer_kind=timer_kind, executable=executable)}


def run(sources: dict, data: dict):
    normalised = standard.normalise(sources, "p")
    normalised.raise_for_errors()
    parsed = bpmn.parse_definition(normalised.sources, "p")
    return bpmn.start_workflow(parsed, data=data, now=NOW), normalised


# ----------------------------------------------------------------------------- timers


@pytest.mark.parametrize(
    ("kind", "text", "due"),
    [
        ("timeDate", "2026-12-01T09:00:00Z", datetime(2026, 12, 1, 9, 0, tzinfo=UTC)),
        ("timeDate", "2026-12-01T17:00:00+08:00", datetime(2026, 12, 1, 9, 0, tzinfo=UTC)),
        ("timeDuration", "P7D", NOW + timedelta(days=7)),
        ("timeDuration", "PT2H", NOW + timedelta(hours=2)),
        ("timeCycle", "R6/P1D", NOW + timedelta(days=1)),
        ("timeCycle", "R/PT1H", NOW + timedelta(hours=1)),
        ("timeCycle", "R3/2026-12-01T09:00:00Z/P1D", datetime(2026, 12, 1, 9, 0, tzinfo=UTC)),
    ],
)
def test_an_iso_8601_timer_literal_is_quoted_and_waits_until_its_time(kind, text, due):
    workflow, normalised = run(source(timer=text, timer_kind=kind), {"amount": 5000})
    assert [(t.bpmn_id, t.due_at) for t in bpmn.pending_timers(workflow)] == [("wait", due)]
    assert f'>"{text}"</bpmn:{kind}>' in normalised.sources["p.bpmn"]
    translated = [f for f in normalised.findings if f.code == "translated_expression" and f.bpmn_id == "wait"]
    assert translated and translated[0].kind == "intermediateCatchEvent"


def test_the_engines_own_python_timers_are_left_as_they_are():
    for text in ('"P7D"', "notice_end", "deadline if deadline else &quot;P1D&quot;"):
        sources = source(timer=text, condition="amount &gt; 1000")
        assert standard.normalise(sources, "p").sources == sources
    sample = Path(__file__).parent / "bpmn" / "sample_notice.bpmn"
    sources = {"sample_notice.bpmn": sample.read_text(encoding="utf-8")}
    assert standard.normalise(sources, "sample_notice").sources == sources  # same text, same sha256


def test_a_timer_literal_of_the_wrong_kind_is_refused():
    normalised = standard.normalise(source(timer="P7D", timer_kind="timeDate"), "p")
    assert [(f.code, f.bpmn_id) for f in normalised.errors] == [("unsupported_expression", "wait")]


def test_normalising_twice_changes_nothing_more():
    once = standard.normalise(source(condition="= amount > 1000", timer="R6/P1D", timer_kind="timeCycle"), "p")
    twice = standard.normalise(once.sources, "p")
    assert twice.sources == once.sources
    assert not [f for f in twice.findings if f.code == "translated_expression"]


# ----------------------------------------------------------------------------- conditions


@pytest.mark.parametrize(
    ("condition", "python"),
    [
        ("${amount > 1000}", "(amount > 1000)"),
        ("#{amount gt 1000 &amp;&amp; !rejected}", "((amount > 1000) and (not rejected))"),
        ("${applicant.age ge 18 || status == 'urgent'}", "((applicant['age'] >= 18) or (status == 'urgent'))"),
        ("= amount > 1000", "(amount > 1000)"),
        ('= applicant.age >= 18 and not(rejected) or status = "urgent"',
         "(((applicant['age'] >= 18) and (not rejected)) or (status == 'urgent'))"),
    ],
)  # fmt: skip
def test_juel_and_feel_conditions_are_translated_and_evaluated(condition, python):
    normalised = standard.normalise(source(condition=condition), "p")
    translated = [f for f in normalised.findings if f.code == "translated_expression" and f.bpmn_id == "f_high"]
    assert translated and python in translated[0].reason_en
    data = {"applicant": {"age": 30}, "rejected": False, "status": "normal"}
    high, _ = run(source(condition=condition), {"amount": 5000, **data})
    low, _ = run(source(condition=condition), {"amount": 10, "applicant": {"age": 10}, "rejected": True, "status": "x"})
    assert bpmn.pending_timers(high) and not bpmn.pending_timers(low)
    assert bpmn.is_completed(low)


def test_translation_keeps_the_source_precedence():
    assert expressions.translate("${!approved == false}") == "((not approved) == False)"
    assert bpmn.evaluate_expression(expressions.translate("${!approved == false}"), {"approved": True}) is True


@pytest.mark.parametrize(
    "hostile",
    [
        "${''.__class__}",
        "${x.__class__.__mro__}",
        "#{execution.getVariable('amount') > 1}",
        "${Runtime.getRuntime().exec('id')}",
        "${amount + 1 > 2}",
        "${empty items}",
        "${a < b < c}",
        "= string(now())",
        "= date and time(now) > x",
        '= some risk in riskLevels satisfies risk = "red"',
        "= x in [1, 2]",
        "= __import__ = 1",
        "= amount == 1000",
    ],
)
def test_hostile_or_unsupported_expressions_are_refused(hostile):
    with pytest.raises(expressions.Untranslatable):
        expressions.translate(hostile)
    text = hostile.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    normalised = standard.normalise(source(condition=text), "p")
    assert [(f.code, f.bpmn_id, f.kind) for f in normalised.errors] == [
        ("unsupported_expression", "f_high", "sequenceFlow")
    ]
    with pytest.raises(exc.DefinitionNotRunnable) as refused:
        normalised.raise_for_errors()
    assert refused.value.code == "definition_not_runnable"
    assert refused.value.findings[0]["reason_en"].startswith("This engine cannot evaluate the expression")


def test_an_expression_in_another_language_is_refused():
    sources = source(condition="amount > 1000")
    sources["p.bpmn"] = sources["p.bpmn"].replace(
        'xsi:type="bpmn:tFormalExpression">amount', 'xsi:type="bpmn:tFormalExpression" language="javascript">amount'
    )
    normalised = standard.normalise(sources, "p")
    assert [f.code for f in normalised.errors] == ["unsupported_expression"]
    assert "javascript" in normalised.errors[0].reason_zh


# ----------------------------------------------------------------------------- the report


def test_c91_reports_its_external_send_tasks_and_loads_them_as_manual_steps():
    sources = {"C.9.1.bpmn": (MIWG / "C.9.1.bpmn").read_text(encoding="utf-8")}
    normalised = standard.normalise(sources, "requestDocument_en")
    assert not normalised.errors
    external = [f for f in normalised.findings if f.code == "external_task"]
    assert [(f.bpmn_id, f.kind, f.severity) for f in external] == [
        ("SendTask_RequestDocument", "sendTask", "warning"),
        ("SendTask_SendReminderEmail", "sendTask", "warning"),
    ]
    assert "camunda:topic=emailService" in external[0].reason_zh and "人工环节" in external[0].reason_zh
    with translation.override("zh-hans"):
        assert "manual step" in external[0].reason_en
    assert '<bpmn:manualTask id="SendTask_RequestDocument"' in normalised.sources["C.9.1.bpmn"]


def test_a_non_executable_process_is_refused_with_its_code():
    normalised = standard.normalise(source(executable="false"), "p")
    assert sorted((f.code, f.bpmn_id, f.kind) for f in normalised.errors) == [
        ("no_executable_process", "defs", "definitions"), ("not_executable", "p", "process"),
    ]  # fmt: skip


def test_a_non_executable_pool_next_to_the_executable_process_is_a_warning():
    sources = {"C.1.0.bpmn": (MIWG / "C.1.0.bpmn").read_text(encoding="utf-8")}
    normalised = standard.normalise(sources, "bpmn-miwg-test-case-c.1.0")
    assert not normalised.errors
    assert [(f.code, f.severity) for f in normalised.findings if f.code == "not_executable"] == [
        ("not_executable", "warning")
    ]


# ----------------------------------------------------------------------------- load_definition


def write(folder: Path, sources: dict) -> Path:
    for name, text in sources.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.mark.django_db
def test_load_definition_refuses_a_non_executable_file_and_stores_nothing(tmp_path, capsys):
    folder = write(tmp_path, {"A.1.0.bpmn": (MIWG / "A.1.0.bpmn").read_text(encoding="utf-8")})
    before = ProcessDefinition.objects.count()
    with pytest.raises(CommandError, match="definition_not_runnable"):
        call_command("load_definition", str(folder), process="WFP-6-")
    assert ProcessDefinition.objects.count() == before
    assert "not_executable WFP-6-" in capsys.readouterr().err


@pytest.mark.django_db
def test_load_definition_refuses_a_hostile_condition_and_stores_nothing(tmp_path):
    folder = write(tmp_path, source(condition="${''.__class__}"))
    before = ProcessDefinition.objects.count()
    with pytest.raises(CommandError, match="unsupported_expression f_high"):
        call_command("load_definition", str(folder), process="p")
    assert ProcessDefinition.objects.count() == before


@pytest.mark.django_db
def test_load_definition_check_reports_and_stores_nothing(tmp_path, capsys):
    folder = write(tmp_path, {"C.9.1.bpmn": (MIWG / "C.9.1.bpmn").read_text(encoding="utf-8")})
    call_command("load_definition", str(folder), process="requestDocument_en", check=True)
    out = capsys.readouterr().out
    assert "external_task SendTask_RequestDocument（sendTask" in out and "检查通过" in out
    assert not ProcessDefinition.objects.exists()
    call_command("load_definition", str(folder), process="requestDocument_en")
    stored = ProcessDefinition.objects.get(process_id="requestDocument_en")
    assert '"R6/P1D"' in stored.sources["C.9.1.bpmn"]


# ----------------------------------------------------------------------------- C.9.1 on the clock


@pytest.mark.django_db
def test_c91_runs_six_reminders_on_the_cycle_then_the_week_interrupts(tmp_path, township, people, t0):
    folder = write(tmp_path, {"C.9.1.bpmn": (MIWG / "C.9.1.bpmn").read_text(encoding="utf-8")})
    call_command("load_definition", str(folder), process="requestDocument_en")
    case = services.start_case(process_id="requestDocument_en", actor=people["clerk"], organization=township, now=t0)
    request = WorkItem.objects.get(case=case, bpmn_id="SendTask_RequestDocument")
    sent_at = t0 + timedelta(minutes=5)
    case = services.complete_task(case.pk, task_id=request.task_id, actor=people["clerk"], data={}, now=sent_at)
    assert case.next_timer_due == sent_at + timedelta(days=1)

    def reminders() -> int:
        return WorkItem.objects.filter(case=case, bpmn_id="SendTask_SendReminderEmail").count()

    for day in range(1, 7):  # the non-interrupting R6/P1D fires once a day, six times
        assert services.fire_due_timers(now=sent_at + timedelta(days=day, minutes=1)) == 1
        assert reminders() == day
        assert not WorkItem.objects.filter(case=case, bpmn_id="UserTask_CallCustomer").exists()
    case.refresh_from_db()
    assert case.next_timer_due == sent_at + timedelta(days=7)  # the cycle is spent; the week is left

    assert services.fire_due_timers(now=sent_at + timedelta(days=7, minutes=1)) == 1  # P7D interrupts
    case.refresh_from_db()
    assert WorkItem.objects.filter(case=case, bpmn_id="UserTask_CallCustomer").exists()
    assert case.next_timer_due is None and reminders() == 6
    with pytest.raises(exc.MessageNotExpected):  # the receive task was cancelled with its timers
        services.send_message(case.pk, name="MESSAGE_documentReceived", data={}, actor=None, now=sent_at + timedelta(days=8))
    assert Case.objects.get(pk=case.pk).status == Case.Status.RUNNING
