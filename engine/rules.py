"""Who may do what on a case: claims, assigned members, and (with positions) lanes and duties.

Every check raises a domain error and writes nothing; services call these before changing state.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AbstractBaseUser

from engine import exceptions as exc

if TYPE_CHECKING:
    from engine import bpmn
    from engine.models import Case, Organization, ProcessDefinition, WorkItem
    from engine.steps import CaseState

CLAIM = "claim"
UNCLAIM = "unclaim"
COMPLETE = "complete"


def check_can_start(
    *, definition: ProcessDefinition, power_code: str, actor: AbstractBaseUser, organization: Organization
) -> None:
    """Hook for starting rules (the power list check lives with the catalog)."""


def check_task_action(*, case: Case, work_item: WorkItem, actor: AbstractBaseUser, action: str, now: datetime) -> None:
    """Raises: TaskClaimedByOther, TaskNotClaimed, NotAssignedMember."""
    username = actor.get_username()
    holder = getattr(work_item, "claimant", None) if work_item.claimed_by_id else None
    if action == CLAIM and holder is not None:
        raise exc.TaskClaimedByOther(task=work_item.bpmn_id, claimed_by=holder)
    if action == UNCLAIM and holder != username:
        raise exc.TaskNotClaimed(task=work_item.bpmn_id)
    if action == COMPLETE and holder is not None and holder != username:
        raise exc.TaskClaimedByOther(task=work_item.bpmn_id, claimed_by=holder)
    if action in (CLAIM, COMPLETE) and work_item.member and work_item.member != username:
        raise exc.NotAssignedMember(task=work_item.bpmn_id, member=work_item.member)


def check_task_data(
    *, case: Case, state: CaseState, work_item: WorkItem, actor: AbstractBaseUser, data: Mapping[str, Any]
) -> None:
    """Hook for rules on submitted data beyond the form schema."""


def check_can_cancel(*, case: Case, actor: AbstractBaseUser) -> None:
    """Hook for who may cancel a case."""


def task_due_at(case: Case, task: bpmn.ReadyTask, *, now: datetime) -> datetime | None:
    """Due time of a new work item (working-day deadlines come with the calendar)."""
    return None
