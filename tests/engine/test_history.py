"""A case's snapshot stays bounded however many objections its notice takes (engine.history), and
replay still reproduces every recorded state."""

from __future__ import annotations

import json

import pytest

from engine import bpmn, history, services, steps
from engine.models import AuditEvent, Case, WorkItem
from engine.replay import replay_case

pytestmark = pytest.mark.django_db


def object_and_examine(driver, upheld: bool = False) -> Case:
    driver.case = services.send_message(driver.case.pk, name="objection", data={"text": "收入不实"}, actor=None,
                                        now=driver.tick())  # fmt: skip
    return driver.complete("archivist", "assess_objection", {"upheld": upheld, "finding": "经核查"})


def examine_one(driver) -> None:
    item = WorkItem.objects.filter(case=driver.case, bpmn_id="assess_objection").order_by("pk").first()
    driver.case = services.complete_task(driver.case.pk, task_id=item.task_id, actor=driver.people["archivist"],
                                         data={"upheld": False, "finding": "不成立"}, now=driver.tick())  # fmt: skip


def snapshot(case: Case) -> dict:
    case.refresh_from_db()
    return json.loads(case.workflow_json)


def test_ended_objections_are_dropped_from_the_snapshot_and_the_case_replays(driver):
    driver.to_notice()
    for _ in range(3):
        object_and_examine(driver)
    after_three = snapshot(driver.case)
    for _ in range(12):
        object_and_examine(driver)
    after_fifteen = snapshot(driver.case)

    assert after_fifteen["prune_history"] is True
    assert len(after_fifteen["subprocesses"]) == len(after_three["subprocesses"])
    assert len(after_fifteen["tasks"]) == len(after_three["tasks"])
    workflow = bpmn.loads(driver.case.workflow_json, services.parsed_definition(driver.case.definition))
    record = workflow.task_tree.internal_data[history.PRUNED_KEY]
    assert record["count"] == 14  # the last one ended stays
    assert "assess_objection" in record["completed"]

    report = replay_case(driver.case)
    assert report.ok, report.divergence
    assert [t["bpmn_id"] for t in report.completed_tasks].count("assess_objection") == 15
    assert report.node_states["assess_objection"] == "completed"
    started = driver.case.audit_events.get(kind=AuditEvent.Kind.CASE_STARTED)
    assert started.payload["state_format"] == history.STATE_FORMAT


def test_an_objection_still_under_examination_is_kept(driver):
    driver.to_notice()
    for _ in range(3):
        driver.case = services.send_message(driver.case.pk, name="objection", data={"text": "异议"}, actor=None,
                                            now=driver.tick())  # fmt: skip
    examine_one(driver)
    assert WorkItem.objects.filter(case=driver.case, bpmn_id="assess_objection").count() == 2
    examine_one(driver)
    assert WorkItem.objects.filter(case=driver.case, bpmn_id="assess_objection").count() == 1
    examine_one(driver)
    assert not WorkItem.objects.filter(case=driver.case, bpmn_id="assess_objection").exists()
    assert replay_case(driver.case).ok


def test_an_upheld_objection_after_many_still_stops_the_notice(driver):
    driver.to_notice()
    for _ in range(5):
        object_and_examine(driver)
    object_and_examine(driver, upheld=True)
    assert WorkItem.objects.filter(case=driver.case, bpmn_id="review").exists()
    assert replay_case(driver.case).ok


def test_a_case_started_before_pruning_keeps_its_whole_history(driver, monkeypatch, sample_definition, people, t0):
    monkeypatch.setattr(history, "STATE_FORMAT", 1)
    driver.case = services.start_case(process_id="sample_approval", actor=people["clerk"],
                                      organization=driver.case.organization, now=t0, data={"members": ["alice", "bob", "carol"]})  # fmt: skip
    driver.to_notice()
    for _ in range(3):
        object_and_examine(driver)
    first = snapshot(driver.case)
    object_and_examine(driver)
    assert "prune_history" not in first
    assert len(snapshot(driver.case)["subprocesses"]) == len(first["subprocesses"]) + 1
    assert replay_case(driver.case).ok


def test_a_start_event_without_a_state_format_replays_with_the_whole_history(sample_definition, t0):
    parsed = services.parsed_definition(sample_definition)
    event = AuditEvent(kind=AuditEvent.Kind.CASE_STARTED, payload={"data": {"members": ["alice"]}}, at=t0)
    assert history.enabled(steps.apply_event(None, parsed, event).workflow) is False
    event.payload["state_format"] = 2
    assert history.enabled(steps.apply_event(None, parsed, event).workflow) is True


def _canonical_text_by_pattern(workflow) -> str:
    """The canonical text as first written (a regular expression over the whole text); the state
    hashes every stored case recorded depend on the text staying byte for byte the same."""
    import re

    positions, entries, queue = {}, [], [("0", workflow)]
    while queue:
        prefix, wf = queue.pop(0)
        ordered, stack = [], [wf.task_tree]
        while stack:
            node = stack.pop()
            positions[node.id] = f"{prefix}.{len(ordered)}"
            ordered.append(node)
            stack.extend(reversed(node.children))
        tasks = []
        for node in ordered:
            tasks.append([node.task_spec.name, node.state, node.triggered, node.data, node.internal_data,
                          positions.get(node.parent.id) if node.parent is not None else None])  # fmt: skip
            sub = workflow.subprocesses.get(node.id)
            if sub is not None:
                queue.append((positions[node.id], sub))
        entries.append({"at": prefix, "spec": wf.spec.name, "data": wf.data, "completed": wf.completed, "tasks": tasks})
    by_text = {str(task_id): f"@{position}" for task_id, position in positions.items()}
    pattern = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
    return pattern.sub(lambda m: by_text.get(m.group(0), m.group(0)), bpmn.canonical_json(entries))


def test_the_canonical_text_is_the_one_the_recorded_hashes_were_made_from(driver):
    parsed = services.parsed_definition(driver.case.definition)
    seen_ids = False
    for advance in (driver.to_chief, lambda: driver.complete("chief", "chief_decision", {"approved": True}),
                    lambda: object_and_examine(driver)):  # fmt: skip
        advance()
        workflow = bpmn.loads(driver.case.workflow_json, parsed)
        text, _ = bpmn.canonical_state_text(workflow)
        seen_ids = seen_ids or "\"@0." in text  # task ids inside data were replaced
        assert text == _canonical_text_by_pattern(workflow)
    assert seen_ids
