"""The load-time policy on a script's AST, and the compiler that routes growth through guards."""

from __future__ import annotations

import ast
import re
from functools import lru_cache
from typing import Any

from RestrictedPython import compile_restricted_eval, compile_restricted_exec
from RestrictedPython.transformer import RestrictingNodeTransformer

from engine.sandbox import LIMITS, PolicyError

SCRIPT_FILENAME = "<bpmn-script>"

# statements and expressions that can loop without end, define code, or reach outside the data
_FORBIDDEN: dict[type[ast.AST], str] = {
    ast.While: "while loops are not allowed (use for over a bounded collection)",
    ast.FunctionDef: "function definitions are not allowed",
    ast.AsyncFunctionDef: "function definitions are not allowed",
    ast.Lambda: "lambda is not allowed",
    ast.ClassDef: "class definitions are not allowed",
    ast.Import: "import is not allowed",
    ast.ImportFrom: "import is not allowed",
    ast.Global: "global is not allowed",
    ast.Nonlocal: "nonlocal is not allowed",
    ast.With: "with is not allowed",
    ast.AsyncWith: "with is not allowed",
    ast.AsyncFor: "async for is not allowed",
    ast.Await: "await is not allowed",
    ast.Yield: "yield is not allowed",
    ast.YieldFrom: "yield is not allowed",
    ast.NamedExpr: "assignment expressions (:=) are not allowed",
    ast.Match: "match is not allowed",
    ast.TryStar: "except* is not allowed",
    ast.MatMult: "the @ operator is not allowed",
}
_FORBIDDEN_ATTRIBUTES = {"format", "format_map"}  # unbounded widths inside the format string
_FORMAT_NUMBER = re.compile(r"\d+")


def _small_int(node: ast.AST) -> int | None:
    """The value of an integer literal (or its negation), else None."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        inner = _small_int(node.operand)
        return None if inner is None else (-inner if isinstance(node.op, ast.USub) else inner)
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    return None


def _literal_length(node: ast.AST) -> int | None:
    """Length of a literal sequence (string, bytes, list or tuple display), else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str | bytes):
        return len(node.value)
    if isinstance(node, ast.List | ast.Tuple):
        return len(node.elts)
    return None


class _Checker(ast.NodeVisitor):
    def __init__(self) -> None:
        self.problems: list[str] = []
        self.nodes = 0

    def refuse(self, node: ast.AST, message: str) -> None:
        line = getattr(node, "lineno", None)
        self.problems.append(f"line {line}: {message}" if line else message)

    def generic_visit(self, node: ast.AST) -> None:
        self.nodes += 1
        reason = _FORBIDDEN.get(type(node))
        if reason is not None:
            self.refuse(node, reason)
        super().generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        value = node.value
        if isinstance(value, str | bytes) and len(value) > LIMITS.literal_chars:
            self.refuse(node, f"a literal of {len(value)} characters (at most {LIMITS.literal_chars})")
        elif type(value) is int and abs(value) > LIMITS.literal_int:
            self.refuse(node, f"an integer literal above {LIMITS.literal_int}")
        self.generic_visit(node)

    def visit_BinOp(self, node: ast.BinOp) -> None:
        if isinstance(node.op, ast.Pow | ast.LShift):
            self._check_exponent(node, node.right, "**" if isinstance(node.op, ast.Pow) else "<<")
        if isinstance(node.op, ast.Mult):
            for seq, times in ((node.left, node.right), (node.right, node.left)):
                length, count = _literal_length(seq), _small_int(times)
                if length is not None and count is not None and length * count > LIMITS.items:
                    self.refuse(node, f"a repetition of {length * count} items (at most {LIMITS.items})")
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        if isinstance(node.op, ast.Pow | ast.LShift):
            self._check_exponent(node, node.value, "**=" if isinstance(node.op, ast.Pow) else "<<=")
        self.generic_visit(node)

    def _check_exponent(self, node: ast.AST, exponent: ast.AST, op: str) -> None:
        value = _small_int(exponent)
        if value is None or abs(value) > LIMITS.exponent:
            self.refuse(node, f"the right side of {op} must be an integer literal within ±{LIMITS.exponent}")

    def visit_Call(self, node: ast.Call) -> None:
        if isinstance(node.func, ast.Name) and node.func.id == "pow" and len(node.args) == 2:
            self._check_exponent(node, node.args[1], "pow()")
        self.generic_visit(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr in _FORBIDDEN_ATTRIBUTES:
            self.refuse(node, f".{node.attr}() is not allowed (use an f-string)")
        self.generic_visit(node)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        if isinstance(node.ctx, ast.Store) and isinstance(node.slice, ast.Slice):
            self.refuse(node, "assigning to a slice is not allowed")
        self.generic_visit(node)

    def visit_Try(self, node: ast.Try) -> None:
        if node.finalbody:
            self.refuse(node, "finally is not allowed")
        for handler in node.handlers:
            names = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
            if handler.type is None or any(isinstance(n, ast.Name) and n.id == "BaseException" for n in names):
                self.refuse(handler, "bare except and except BaseException are not allowed (name the errors)")
        self.generic_visit(node)

    def visit_FormattedValue(self, node: ast.FormattedValue) -> None:
        spec = node.format_spec
        if spec is not None:
            parts = spec.values if isinstance(spec, ast.JoinedStr) else [spec]
            for part in parts:
                if not isinstance(part, ast.Constant):
                    self.refuse(node, "format specs in f-strings must be literal")
                elif any(int(n) > LIMITS.format_width for n in _FORMAT_NUMBER.findall(str(part.value))):
                    self.refuse(node, f"a format width above {LIMITS.format_width}")
        self.generic_visit(node)


def check_policy(source: str, mode: str) -> ast.AST:
    """Parse `source` and check it against the policy. Returns the tree; raises PolicyError."""
    if len(source) > LIMITS.source_chars:
        raise PolicyError([f"the script has {len(source)} characters (at most {LIMITS.source_chars})"])
    try:
        tree = ast.parse(source, filename=SCRIPT_FILENAME, mode=mode)
    except (SyntaxError, ValueError) as error:
        raise PolicyError([f"does not compile: {error}"]) from error
    checker = _Checker()
    checker.visit(tree)
    if checker.nodes > LIMITS.nodes:
        checker.problems.append(f"the script has {checker.nodes} syntax nodes (at most {LIMITS.nodes})")
    if checker.problems:
        raise PolicyError(checker.problems)
    return tree


# Operators whose result can outgrow their operands: evaluated by `_binop_` (runtime.py).
_GUARDED = {ast.Add: "+", ast.Mult: "*", ast.Pow: "**", ast.LShift: "<<", ast.Mod: "%"}


def _call(name: str, args: list[ast.expr], like: ast.AST) -> ast.Call:
    call = ast.Call(func=ast.Name(name, ast.Load()), args=args, keywords=[])
    return ast.fix_missing_locations(ast.copy_location(call, like))


class BoundingTransformer(RestrictingNodeTransformer):
    """RestrictedPython's policy, plus: growing operators and f-string values go through guards."""

    def visit_BinOp(self, node: ast.BinOp) -> Any:
        node = self.node_contents_visit(node)
        symbol = _GUARDED.get(type(node.op))
        if symbol is None:
            return node
        return _call("_binop_", [ast.Constant(symbol), node.left, node.right], node)

    def visit_FormattedValue(self, node: ast.FormattedValue) -> Any:
        node = self.node_contents_visit(node)
        node.value = _call("_formatted_", [node.value], node.value)
        return node


@lru_cache(maxsize=4096)
def compile_checked(source: str, mode: str) -> Any:
    """Check `source` ("eval" or "exec") against the policy and compile it with the guards.

    Raises:
        PolicyError: the policy refuses it, or RestrictedPython does.
    """
    tree = check_policy(source, mode)
    compiler = compile_restricted_eval if mode == "eval" else compile_restricted_exec
    result = compiler(tree, filename=SCRIPT_FILENAME, policy=BoundingTransformer)
    if result.errors:
        raise PolicyError(list(result.errors))
    return result.code
