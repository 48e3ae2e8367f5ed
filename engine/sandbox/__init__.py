"""Bounded evaluation of BPMN scripts and conditions (no Django, no SpiffWorkflow).

Two layers, both documented in docs/script-policy.md:

* at load time (`compile_checked`) every script and condition is parsed and checked against an
  AST policy (no ``while``, no functions or classes, bounded literals, literal small exponents,
  no huge literal repetitions, ...) and compiled by RestrictedPython with the arithmetic that can
  grow without bound routed through size-checked guards;
* at run time (`bounded`) each evaluation runs under a step budget and a time budget (counted by
  a per-thread trace function), a memory budget (tracemalloc, measured from the evaluation's
  start) and size caps on every value a guarded operation would build. Exceeding any of them
  raises `Exceeded`, a BaseException the script cannot catch, which the engine turns into a
  domain error while the server thread stays free.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    source_chars: int = 20_000  # one script or condition
    nodes: int = 5_000  # AST nodes of one script
    literal_chars: int = 10_000  # one string or bytes literal
    literal_int: int = 10**15  # absolute value of one integer literal
    exponent: int = 64  # `**` and pow(): the exponent is an integer literal, |e| <= this
    format_width: int = 1_000  # widths and precisions in f-string format specs
    steps: int = 200_000  # traced lines (loop iterations count) per evaluation
    seconds: float = 0.5  # wall time per evaluation
    memory_bytes: int = 64 * 1024 * 1024  # memory allocated and still held during one evaluation
    items: int = 200_000  # length of one string, bytes, list, tuple, dict or set built by a guard
    int_bits: int = 16_384  # size of one integer built by a guard
    data_chars: int = 2_000_000  # task data after a script, as JSON characters (estimated)


LIMITS = Limits()


class Exceeded(BaseException):  # noqa: N818 - a signal, not an error the script may handle
    """A budget or size cap was exceeded. BaseException so that `except Exception` in a script
    cannot swallow it (the policy forbids bare `except:` and `except BaseException`)."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind, self.detail = kind, detail


class PolicyError(Exception):
    """A script or condition breaks the load-time policy (or does not compile)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


from engine.sandbox.policy import compile_checked  # noqa: E402
from engine.sandbox.runtime import bounded, estimate_size, sandbox_globals  # noqa: E402

__all__ = ["LIMITS", "Exceeded", "Limits", "PolicyError", "bounded", "compile_checked", "estimate_size",
           "sandbox_globals"]  # fmt: skip
