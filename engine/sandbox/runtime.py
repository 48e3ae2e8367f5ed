"""Run-time budgets (steps, time, memory) and the size-checked guards scripts run with."""

from __future__ import annotations

import contextlib
import operator
import re
import sys
import threading
import time
import tracemalloc
from collections.abc import Iterator
from typing import Any

from RestrictedPython import safe_builtins
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safer_getattr,
)

from engine.sandbox import LIMITS, Exceeded
from engine.sandbox.policy import SCRIPT_FILENAME

# --------------------------------------------------------------------------------------------
# Budgets: a per-thread trace function counts the script's lines and checks the clock and the
# memory held since the evaluation started; nothing else in the process is traced.
# --------------------------------------------------------------------------------------------

_local = threading.local()
_memory_lock = threading.Lock()
_memory_users = 0
_memory_started_here = False


class _Budget:
    __slots__ = ("steps", "deadline", "memory_base")

    def __init__(self) -> None:
        self.steps = LIMITS.steps
        self.deadline = time.perf_counter() + LIMITS.seconds
        self.memory_base = tracemalloc.get_traced_memory()[0]

    def tick(self) -> None:
        self.steps -= 1
        if self.steps < 0:
            raise Exceeded("steps", f"more than {LIMITS.steps} steps")
        if time.perf_counter() > self.deadline:
            raise Exceeded("time", f"more than {LIMITS.seconds:g} s")
        if tracemalloc.get_traced_memory()[0] - self.memory_base > LIMITS.memory_bytes:
            raise Exceeded("memory", f"more than {LIMITS.memory_bytes // (1024 * 1024)} MB held")


def _trace_calls(frame: Any, event: str, arg: Any) -> Any:
    if event == "call" and frame.f_code.co_filename == SCRIPT_FILENAME:
        _local.budget.tick()
        return _trace_lines
    return None


def _trace_lines(frame: Any, event: str, arg: Any) -> Any:
    if event == "line":
        _local.budget.tick()
    return _trace_lines


def _memory_enter() -> None:
    global _memory_users, _memory_started_here
    with _memory_lock:
        if _memory_users == 0 and not tracemalloc.is_tracing():
            tracemalloc.start(1)
            _memory_started_here = True
        _memory_users += 1


def _memory_exit() -> None:
    global _memory_users, _memory_started_here
    with _memory_lock:
        _memory_users -= 1
        if _memory_users == 0 and _memory_started_here:
            tracemalloc.stop()
            _memory_started_here = False


@contextlib.contextmanager
def bounded() -> Iterator[None]:
    """Run the block (one script or condition) under the budgets. Nested use shares the outer one.

    Raises:
        Exceeded: a budget ran out; the block's frames are unwound.
    """
    if getattr(_local, "budget", None) is not None:
        yield
        return
    _memory_enter()
    previous = sys.gettrace()
    try:
        _local.budget = _Budget()
        sys.settrace(_trace_calls)
        yield
    finally:
        sys.settrace(previous)
        _local.budget = None
        _memory_exit()


# --------------------------------------------------------------------------------------------
# Sizes
# --------------------------------------------------------------------------------------------

_SIZED = (str, bytes, list, tuple, dict, set, frozenset)


def estimate_size(value: Any, cap: int) -> int:
    """Characters of `value` as JSON/repr (roughly), counting shared references each time they
    appear; stops early and returns a number above `cap` once it is exceeded."""
    total, stack = 0, [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str | bytes):
            total += len(item) + 2
        elif isinstance(item, dict):
            total += 2 + len(item)
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            total += 2 + len(item)
            stack.extend(item)
        elif isinstance(item, int) and not isinstance(item, bool):
            total += item.bit_length() // 3 + 1
        else:
            total += 8
        if total > cap:
            return total
    return total


def _too_big(what: str, size: int, cap: int) -> Exceeded:
    return Exceeded("size", f"{what} of {size} (at most {cap})")


def _check_sized(value: Any) -> Any:
    if isinstance(value, _SIZED) and len(value) > LIMITS.items:
        raise _too_big("a value", len(value), LIMITS.items)
    if isinstance(value, int) and value.bit_length() > LIMITS.int_bits:
        raise _too_big("an integer of bits", value.bit_length(), LIMITS.int_bits)
    return value


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


_PERCENT_WIDTH = re.compile(r"%[^a-zA-Z%]*?(\*|\d{4,})")
_OPS = {"+": operator.add, "*": operator.mul, "**": operator.pow, "<<": operator.lshift, "%": operator.mod,
        "-": operator.sub, "/": operator.truediv, "//": operator.floordiv}  # fmt: skip


def _binop(symbol: str, a: Any, b: Any) -> Any:
    """`a <symbol> b`, refused before it is computed if the result would be too large."""
    if symbol == "*":
        for seq, times in ((a, b), (b, a)):
            if isinstance(seq, _SIZED) and _is_int(times) and len(seq) * max(times, 0) > LIMITS.items:
                raise _too_big("a repetition", len(seq) * times, LIMITS.items)
        if _is_int(a) and _is_int(b) and a.bit_length() + b.bit_length() > LIMITS.int_bits:
            raise _too_big("a product of bits", a.bit_length() + b.bit_length(), LIMITS.int_bits)
    elif symbol == "+" and isinstance(a, _SIZED) and isinstance(b, _SIZED):
        if len(a) + len(b) > LIMITS.items:
            raise _too_big("a concatenation", len(a) + len(b), LIMITS.items)
    elif symbol in ("**", "<<"):
        _check_power(a, b, shift=symbol == "<<")
    elif symbol == "%" and isinstance(a, str | bytes):
        text = a if isinstance(a, str) else a.decode("latin-1")
        if _PERCENT_WIDTH.search(text):
            raise Exceeded("size", "a %-format width above 999 or given by *")
        size = estimate_size(b, LIMITS.items) + len(a)
        if size > LIMITS.items:
            raise _too_big("a %-formatted string", size, LIMITS.items)
    return _check_sized(_OPS[symbol](a, b))


def _check_power(base: Any, exponent: Any, *, shift: bool = False) -> None:
    if not (_is_int(base) and _is_int(exponent)) or exponent <= 0:
        return
    if not shift and abs(base) <= 1:
        return
    bits = base.bit_length() + exponent if shift else base.bit_length() * exponent
    if bits > LIMITS.int_bits:
        raise _too_big("a power of bits", bits, LIMITS.int_bits)


def _pow(base: Any, exponent: Any, mod: Any = None) -> Any:
    if mod is None:
        _check_power(base, exponent)
    return _check_sized(pow(base, exponent, mod))


def _inplacevar(op: str, x: Any, y: Any) -> Any:
    symbol = op[:-1]
    if symbol not in _OPS:
        raise SyntaxError(f"operator {op} is not allowed in BPMN scripts")
    return _binop(symbol, x, y) if symbol in ("+", "*", "**", "<<", "%") else _OPS[symbol](x, y)


def _range(*args: int) -> range:
    result = range(*args)
    if len(result) > LIMITS.items:
        raise _too_big("a range", len(result), LIMITS.items)
    return result


def _formatted(value: Any) -> Any:
    """An f-string's value: refused if its text would be too large."""
    if not isinstance(value, str) and estimate_size(value, LIMITS.items) > LIMITS.items:
        raise _too_big("a formatted value", estimate_size(value, LIMITS.items), LIMITS.items)
    return value


def _repr(value: Any) -> str:
    return repr(_formatted(value))


class _StrType(type):
    def __instancecheck__(cls, obj: Any) -> bool:
        return isinstance(obj, str)

    def __subclasscheck__(cls, sub: type) -> bool:
        return issubclass(sub, str)


class _Str(str, metaclass=_StrType):
    """`str` for scripts: `str(x)` is refused if its text would be too large; isinstance works."""

    def __new__(cls, value: Any = "", *args: Any) -> str:  # type: ignore[misc]
        return str(_formatted(value), *args) if args else str(_formatted(value))


def _width_checked(method: Any, position: int) -> Any:
    def call(*args: Any) -> Any:
        if len(args) > position and _is_int(args[position]) and args[position] > LIMITS.items:
            raise _too_big("a width", args[position], LIMITS.items)
        return _check_sized(method(*args))

    return call


def _join_checked(method: Any, sep: Any) -> Any:
    def call(iterable: Any) -> Any:
        items = list(iterable)
        size = sum(len(i) for i in items if isinstance(i, str | bytes)) + len(sep) * len(items)
        if size > LIMITS.items:
            raise _too_big("a join", size, LIMITS.items)
        return method(items)

    return call


def _replace_checked(method: Any, text: Any) -> Any:
    def call(old: Any, new: Any, count: int = -1) -> Any:
        if isinstance(old, str | bytes) and isinstance(new, str | bytes) and len(new) > len(old):
            times = text.count(old) if old else len(text) + 1
            if count >= 0:
                times = min(times, count)
            size = len(text) + times * (len(new) - len(old))
            if size > LIMITS.items:
                raise _too_big("a replacement", size, LIMITS.items)
        return method(old, new, count)

    return call


def _tabs_checked(text: Any) -> Any:
    def call(tabsize: int = 8) -> Any:
        tabs = text.count("\t" if isinstance(text, str) else b"\t")
        if _is_int(tabsize) and len(text) + tabs * tabsize > LIMITS.items:
            raise _too_big("tabs expanded", len(text) + tabs * tabsize, LIMITS.items)
        return text.expandtabs(tabsize)

    return call


def _sum(iterable: Any, start: Any = 0) -> Any:
    """sum() of numbers only (a list or string start would copy quadratically)."""
    if not isinstance(start, int | float):
        raise TypeError("sum() in BPMN scripts adds numbers only")
    return _check_sized(sum(iterable, start))


def _getattr(obj: Any, name: str, default: Any = None) -> Any:
    """RestrictedPython's safer_getattr, with the string methods that can grow a value checked."""
    value = safer_getattr(obj, name, default)
    if isinstance(obj, str | bytes):
        if name in ("ljust", "rjust", "center", "zfill"):
            return _width_checked(value, 0)
        if name == "expandtabs":
            return _tabs_checked(obj)
        if name == "join":
            return _join_checked(value, obj)
        if name == "replace":
            return _replace_checked(value, obj)
        if name in ("translate", "format", "format_map"):
            raise AttributeError(f"str.{name}() is not available in BPMN scripts")
    return value


_EXCEPTIONS = {name: value for name, value in safe_builtins.items()
               if isinstance(value, type) and issubclass(value, Exception)}  # fmt: skip
_BUILTINS: dict[str, Any] = {
    **_EXCEPTIONS,
    "None": None, "True": True, "False": False,
    "abs": abs, "bool": bool, "chr": chr, "divmod": divmod, "float": float, "hash": hash, "hex": hex,
    "int": int, "isinstance": isinstance, "len": len, "oct": oct, "ord": ord, "round": round,
    "str": _Str, "repr": _repr, "range": _range, "pow": _pow,
    "sum": _sum, "min": min, "max": max, "any": any, "all": all, "dict": dict, "list": list, "set": set,
    "tuple": tuple, "frozenset": frozenset, "enumerate": enumerate, "map": map, "filter": filter,
    "reversed": reversed, "sorted": sorted, "zip": zip,
}  # fmt: skip


def sandbox_globals() -> dict[str, Any]:
    """The globals every script and condition runs with."""
    return {
        "__builtins__": _BUILTINS,
        "_getattr_": _getattr,
        "_getitem_": default_guarded_getitem,
        "_getiter_": default_guarded_getiter,
        "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
        "_unpack_sequence_": guarded_unpack_sequence,
        "_write_": full_write_guard,
        "_inplacevar_": _inplacevar,
        "_binop_": _binop,
        "_formatted_": _formatted,
    }
