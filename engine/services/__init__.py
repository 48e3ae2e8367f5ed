"""Services: every write to cases, definitions and positions goes through these functions."""

from engine.services._case_io import NOTICE_TIMER_ID, OBJECTION_MESSAGE, SYSTEM_ACTOR
from engine.services.cases import (
    cancel_case,
    claim_task,
    complete_task,
    declare_conflict,
    send_message,
    start_case,
    unclaim_task,
)
from engine.services.definitions import (
    check_definition,
    clear_spec_caches,
    current_definition,
    parsed_definition,
    register_definition,
)
from engine.services.administration import assign_position
from engine.services.files import attach_file
from engine.services.timers import ESCALATION_LEVELS, escalate_case, escalate_overdue, fire_case_timers, fire_due_timers

__all__ = [
    "ESCALATION_LEVELS", "NOTICE_TIMER_ID", "OBJECTION_MESSAGE", "SYSTEM_ACTOR", "assign_position", "attach_file",
    "cancel_case", "check_definition",
    "claim_task", "clear_spec_caches", "complete_task", "current_definition", "declare_conflict", "escalate_case",
    "escalate_overdue", "fire_case_timers", "fire_due_timers", "parsed_definition", "register_definition",
    "send_message", "start_case", "unclaim_task",
]  # fmt: skip
