"""Each step in a new process: the spec is parsed afresh between steps (as with several app
servers, the timer worker or the shell), and the case still behaves and replays the same.

SpiffWorkflow keeps some runtime wiring on the parsed spec (multi-instance merge handlers,
event-subprocess triggers); engine.bpmn wires both at parse time so no step depends on what an
earlier step did to a shared spec.
"""

from __future__ import annotations

import pytest

from engine import services
from engine.models import Case, WorkItem
from engine.replay import replay_case

pytestmark = pytest.mark.django_db


def new_process() -> None:
    services.clear_spec_caches()


def ready(case) -> list[str]:
    return sorted(WorkItem.objects.filter(case=case).values_list("bpmn_id", flat=True))


def test_a_vote_split_over_processes_completes_and_replays(driver):
    driver.complete("clerk", "accept", {"materials_complete": True, "applicant": "张三"})
    driver.complete("handler", "review", {"review_ok": True, "opinion": "ok"})
    for member in ["alice", "bob", "carol"]:
        new_process()
        driver.vote(member)
    assert ready(driver.case) == ["chief_decision"]
    new_process()
    assert replay_case(Case.objects.get(pk=driver.case.pk)).ok


def test_objections_in_separate_processes_replay(driver):
    driver.to_notice()
    for text in ["一", "二"]:
        new_process()
        driver.case = services.send_message(driver.case.pk, name="objection", data={"text": text}, actor=None,
                                            now=driver.tick())
    new_process()
    first = WorkItem.objects.filter(case=driver.case, bpmn_id="assess_objection").first()
    driver.case = services.complete_task(driver.case.pk, task_id=first.task_id, actor=driver.people["archivist"],
                                         data={"upheld": False, "finding": "不成立"}, now=driver.tick())
    new_process()
    assert replay_case(Case.objects.get(pk=driver.case.pk)).ok
    # a case started after those objections sees the same spec as one started before
    new_process()
    later = services.start_case(process_id="sample_approval", actor=driver.people["clerk"],
                                organization=driver.case.organization, now=driver.tick(), data={"members": ["alice"]})
    assert replay_case(later).ok
