"""The engine's clock and script sandbox as SpiffWorkflow sees them.

SpiffWorkflow's timer code reads ``datetime.now()``; it gets the time installed by `clock()`.
Scripts and conditions run under RestrictedPython with the sandbox's budgets (engine/sandbox).
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

import SpiffWorkflow.bpmn.specs.event_definitions.timer as _timer_module
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import TaskDataEnvironment
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from engine import exceptions as exc
from engine import sandbox

# --------------------------------------------------------------------------------------------
# Clock: SpiffWorkflow's timer module calls datetime.now(); we answer with the injected time.
# --------------------------------------------------------------------------------------------

_NOW: contextvars.ContextVar[datetime | None] = contextvars.ContextVar("engine_now", default=None)


class _InjectedDatetime(datetime):
    """`datetime` whose now() is the clock installed by `clock()`; never the wall clock."""

    @classmethod
    def now(cls, tz=None):  # type: ignore[override]
        current = _NOW.get()
        if current is None:
            raise exc.ClockNotSet()
        return current if tz is None else current.astimezone(tz)


_timer_module.datetime = _InjectedDatetime  # type: ignore[attr-defined]


@contextlib.contextmanager
def clock(now: datetime) -> Iterator[None]:
    """Run the engine as of `now` (an aware datetime)."""
    if now.tzinfo is None:
        raise ValueError("the engine clock needs an aware datetime")
    token = _NOW.set(now.astimezone(UTC))
    try:
        yield
    finally:
        _NOW.reset(token)


# --------------------------------------------------------------------------------------------
# Script sandbox: RestrictedPython plus the load-time policy and run-time budgets (engine/sandbox)
# --------------------------------------------------------------------------------------------


def _compile(source: str, mode: str) -> Any:
    try:
        return sandbox.compile_checked(source, mode)
    except sandbox.PolicyError as error:
        raise SyntaxError(str(error)) from error


class _RestrictedEnvironment(TaskDataEnvironment):
    """Evaluates BPMN expressions and scripts compiled by RestrictedPython with guarded access,
    each under the sandbox's step, time and memory budgets."""

    def evaluate(self, expression, context, external_context=None):
        code = _compile(expression, "eval")
        scope = dict(self.globals)
        scope.update(external_context or {})
        scope.update(context)
        with sandbox.bounded():
            return eval(code, scope)  # noqa: S307 - restricted bytecode

    def execute(self, script, context, external_context=None):
        code = _compile(script, "exec")
        self.check_for_overwrite(context, external_context or {})
        context.update(self.globals)
        context.update(external_context or {})
        try:
            with sandbox.bounded():
                exec(code, context)  # noqa: S102 - restricted bytecode
        finally:
            self._remove_globals_and_functions_from_context(context, external_context)
        size = sandbox.estimate_size(context, sandbox.LIMITS.data_chars)
        if size > sandbox.LIMITS.data_chars:
            raise sandbox.Exceeded(
                "size", f"task data of about {size} characters (at most {sandbox.LIMITS.data_chars})"
            )
        return True


SCRIPT_ENGINE = PythonScriptEngine(environment=_RestrictedEnvironment(sandbox.sandbox_globals()))


def evaluate_expression(expression: str, data: Mapping[str, Any]) -> Any:
    """Evaluate a BPMN expression in the sandbox (used by checks; the engine uses it implicitly).

    Raises:
        ScriptBudgetExceeded: it ran out of a budget; SyntaxError: the policy refuses it.
    """
    try:
        return SCRIPT_ENGINE.environment.evaluate(expression, dict(data))
    except sandbox.Exceeded as stopped:
        raise exc.ScriptBudgetExceeded(kind=stopped.kind, detail=stopped.detail) from None


def check_timer_expression(expression: str, context: Mapping[str, Any]) -> str:
    """Evaluate a timer expression in the sandbox with `context` and parse it as SpiffWorkflow
    would (ISO 8601 date, duration or cycle). Returns the value; raises ValueError if it does not
    resolve."""
    try:
        value = SCRIPT_ENGINE.environment.evaluate(expression, dict(context))
    except (Exception, sandbox.Exceeded) as error:  # any failure means: does not resolve
        raise ValueError(f"{expression!r} does not evaluate: {error}") from error
    if isinstance(value, datetime):
        return value.isoformat()
    if not isinstance(value, str):
        raise ValueError(f"{expression!r} gives {type(value).__name__}, not an ISO 8601 string")
    try:
        if value.upper().startswith("R"):
            TimerEventDefinition.parse_iso_recurring_interval(value)
        elif value.upper().startswith("P"):
            TimerEventDefinition.parse_iso_duration(value)
        else:
            TimerEventDefinition.get_datetime(value)
    except (ValueError, TypeError, AttributeError) as error:
        raise ValueError(f"{expression!r} gives {value!r}, not ISO 8601: {error}") from error
    return value
