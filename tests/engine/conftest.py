"""Fixtures for driving the sample process through the engine services."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from engine import services
from engine.models import Case, WorkItem

MEMBERS = ["alice", "bob", "carol"]


def task_id(case: Case, bpmn_id: str, mi_index: str | None = None):
    """The runtime id of the ready work item with this BPMN id (and multi-instance index)."""
    item = WorkItem.objects.get(case=case, bpmn_id=bpmn_id, mi_index=mi_index or "")
    return item.task_id


def member_index(case: Case, member: str) -> str:
    return WorkItem.objects.get(case=case, bpmn_id="vote", member=member).mi_index


@pytest.fixture
def sample_case(sample_definition, township, people, t0) -> Case:
    return services.start_case(
        process_id="sample_approval", actor=people["clerk"], organization=township, now=t0,
        data={"members": MEMBERS},
    )


class Driver:
    """Advances a sample case step by step, one minute apart, as named users."""

    def __init__(self, case: Case, people: dict, t0: datetime) -> None:
        self.case, self.people, self.now = case, people, t0

    def tick(self, minutes: int = 1) -> datetime:
        self.now += timedelta(minutes=minutes)
        return self.now

    def complete(self, who: str, bpmn_id: str, data: dict, mi_index: str | None = None) -> Case:
        self.case = services.complete_task(
            self.case.pk, task_id=task_id(self.case, bpmn_id, mi_index), actor=self.people[who], data=data,
            now=self.tick(),
        )
        return self.case

    def vote(self, member: str, stance: str = "agree", reason: str = "") -> Case:
        return self.complete(member, "vote", {"stance": stance, "reason": reason}, member_index(self.case, member))

    def to_chief(self) -> Case:
        self.complete("clerk", "accept", {"materials_complete": True, "applicant": "张三"})
        self.complete("handler", "review", {"review_ok": True, "opinion": "符合条件"})
        for member in MEMBERS:
            self.vote(member)
        return self.case

    def to_notice(self) -> Case:
        self.to_chief()
        return self.complete("chief", "chief_decision", {"approved": True})


@pytest.fixture
def driver(sample_case, people, t0) -> Driver:
    return Driver(sample_case, people, t0)
