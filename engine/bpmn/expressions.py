"""Standard BPMN expressions translated to the engine's Python: Camunda 7 JUEL (``${...}``,
``#{...}``) and Zeebe FEEL (``= ...``), a safe subset only.

The subset: literals (numbers, strings, true/false/null), variable names, dotted access
(``applicant.age`` becomes ``applicant["age"]``, task data being dicts), comparisons, and/or/not
and parentheses. Anything else (function and method calls, arithmetic, FEEL ranges, ``in``,
``some``/``every``, JUEL ``empty`` and ``?:``) is refused with the reason, never guessed at.
The result is checked twice: its Python AST may hold only the nodes the subset produces, and it
must pass the script policy (engine/sandbox) like every condition of the engine's own processes.

The translation keeps the source's precedence by parenthesising every operation: JUEL's ``!a == b``
is ``(not a) == b``, which Python would read as ``not (a == b)``.
"""

from __future__ import annotations

import ast
import keyword
import re
from dataclasses import dataclass

from engine import sandbox

JUEL, FEEL = "juel", "feel"

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<number>\d+(?:\.\d+)?)
      | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
      | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
      | (?P<op>==|!=|<=|>=|&&|\|\||[<>=!().-])
      | (?P<other>\S)
    )""",
    re.VERBOSE,
)
_JUEL_WORDS = {"eq": "==", "ne": "!=", "lt": "<", "gt": ">", "le": "<=", "ge": ">="}
_LITERALS = {"true": "True", "false": "False", "null": "None"}
_REFUSED_WORDS = {"empty", "instanceof", "div", "mod", "in", "between", "some", "every", "satisfies", "if",
                  "then", "else", "for", "return", "function", "instance", "of"}  # fmt: skip
_ALLOWED_NODES = (ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.USub, ast.Compare,
                  ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.Name, ast.Load, ast.Constant,
                  ast.Subscript)  # fmt: skip


class Untranslatable(ValueError):
    """The expression is outside the supported subset; the message says why (English)."""


def dialect_of(text: str) -> tuple[str, str] | None:
    """(dialect, inner expression) of a JUEL or FEEL expression, or None for anything else
    (the engine's own Python)."""
    stripped = text.strip()
    if (stripped.startswith("${") or stripped.startswith("#{")) and stripped.endswith("}"):
        return JUEL, stripped[2:-1]
    if stripped.startswith("="):
        return FEEL, stripped[1:]
    return None


def translate(text: str) -> str:
    """Python for a JUEL or FEEL expression (see the module docstring).

    Raises:
        Untranslatable: not JUEL/FEEL, or outside the subset, or refused by the script policy.
    """
    found = dialect_of(text)
    if found is None:
        raise Untranslatable("neither JUEL (${...}, #{...}) nor FEEL (= ...)")
    dialect, inner = found
    python = _Parser(_tokens(inner), dialect).parse()
    _check(python)
    return python


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str


def _tokens(source: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while position < len(source):
        match = _TOKEN.match(source, position)
        if match is None:  # only whitespace is left
            break
        position = match.end()
        kind = match.lastgroup or "other"
        tokens.append(_Token(kind, match.group(kind)))
    for token in tokens:
        if token.kind == "other":
            raise Untranslatable(f"unsupported symbol {token.text!r}")
    return tokens


class _Parser:
    """Recursive descent: or > and > comparison (one, not chained) > unary > primary."""

    def __init__(self, tokens: list[_Token], dialect: str) -> None:
        self.tokens, self.dialect, self.at = tokens, dialect, 0

    def parse(self) -> str:
        if not self.tokens:
            raise Untranslatable("empty expression")
        result = self._or()
        if self.at < len(self.tokens):
            raise Untranslatable(f"unexpected {self.tokens[self.at].text!r}")
        return result

    def _peek(self) -> str | None:
        return self.tokens[self.at].text if self.at < len(self.tokens) else None

    def _take(self) -> _Token:
        if self.at >= len(self.tokens):
            raise Untranslatable("the expression ends too early")
        self.at += 1
        return self.tokens[self.at - 1]

    def _expect(self, text: str) -> None:
        token = self._take()
        if token.text != text:
            raise Untranslatable(f"expected {text!r}, found {token.text!r}")

    def _or(self) -> str:
        left = self._and()
        while self._peek() in ("or", "||"):
            if self._take().text == "||" and self.dialect == FEEL:
                raise Untranslatable("'||' is not FEEL (use 'or')")
            left = f"({left} or {self._and()})"
        return left

    def _and(self) -> str:
        left = self._comparison()
        while self._peek() in ("and", "&&"):
            if self._take().text == "&&" and self.dialect == FEEL:
                raise Untranslatable("'&&' is not FEEL (use 'and')")
            left = f"({left} and {self._comparison()})"
        return left

    def _operator(self) -> str | None:
        text = self._peek()
        if text is None:
            return None
        if self.dialect == JUEL:
            return _JUEL_WORDS.get(text) or (text if text in ("==", "!=", "<", ">", "<=", ">=") else None)
        return {"=": "==", "!=": "!=", "<": "<", ">": ">", "<=": "<=", ">=": ">="}.get(text)

    def _comparison(self) -> str:
        left = self._unary()
        operator = self._operator()
        if operator is None:
            if self._peek() in ("=", "==", "!"):
                raise Untranslatable(f"{self._peek()!r} is not a comparison in {self.dialect.upper()}")
            return left
        self._take()
        right = self._unary()
        if self._operator() is not None:
            raise Untranslatable("chained comparisons are not supported; join them with and")
        return f"({left} {operator} {right})"

    def _unary(self) -> str:
        text = self._peek()
        if self.dialect == JUEL and text in ("!", "not"):
            self._take()
            return f"(not {self._unary()})"
        if self.dialect == FEEL and text == "not":
            self._take()
            self._expect("(")
            inner = self._or()
            self._expect(")")
            return f"(not {inner})"
        if text == "-":
            self._take()
            token = self._take()
            if token.kind != "number":
                raise Untranslatable("a minus sign may only stand before a number")
            return f"-{token.text}"
        return self._primary()

    def _primary(self) -> str:
        token = self._take()
        if token.text == "(":
            inner = self._or()
            self._expect(")")
            return inner
        if token.kind == "number":
            return token.text
        if token.kind == "string":
            if self.dialect == FEEL and token.text.startswith("'"):
                raise Untranslatable("FEEL strings are written in double quotes")
            return repr(ast.literal_eval(token.text))
        if token.kind == "name":
            return self._path(token.text)
        raise Untranslatable(f"unexpected {token.text!r}")

    def _path(self, first: str) -> str:
        if first in _LITERALS:
            return _LITERALS[first]
        self._check_name(first)
        result, dotted = first, first
        while self._peek() == ".":
            self._take()
            part = self._take()
            if part.kind != "name":
                raise Untranslatable(f"a name must follow '.', not {part.text!r}")
            self._check_name(part.text)
            result, dotted = result + f"[{part.text!r}]", f"{dotted}.{part.text}"
        if self._peek() == "(":
            raise Untranslatable(f"function and method calls are not supported ({dotted}(...))")
        if self._peek() == "[":
            raise Untranslatable("indexing is not supported")
        return result

    @staticmethod
    def _check_name(name: str) -> None:
        if name.startswith("_"):
            raise Untranslatable(f"names starting with '_' are not allowed ({name})")
        if name in _REFUSED_WORDS:
            raise Untranslatable(f"{name!r} is not supported")
        if keyword.iskeyword(name) or name in ("and", "or", "not", "eq", "ne", "lt", "gt", "le", "ge"):
            raise Untranslatable(f"{name!r} cannot be a variable name here")


def _check(python: str) -> None:
    """The translation holds only the subset's nodes and passes the script policy."""
    try:
        tree = ast.parse(python, mode="eval")
    except SyntaxError as error:  # pragma: no cover - the parser above only emits valid Python
        raise Untranslatable(f"no valid Python: {error}") from error
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED_NODES):
            raise Untranslatable(f"unsupported construct {type(node).__name__}")
        if isinstance(node, ast.Subscript) and not (
            isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str)
        ):
            raise Untranslatable("only dotted access by name is supported")
    try:
        sandbox.compile_checked(python, "eval")
    except sandbox.PolicyError as error:
        raise Untranslatable("; ".join(error.problems)) from error
