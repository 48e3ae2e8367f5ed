"""The township's institutions run as procedures (processes/catalog/procedures.yaml): 三重一大 in
four kinds, 四议两公开, 问责 and the 四谈话 records.

They are not administrative powers (the list of 31 stays as it is), but they are listed the same
way: a code, a process, its legal bases (each marked whether its article was checked against the
published text), who may start it, risk points and responsibility items. This module only reads
the file; it has no database rows of its own, so a procedure's definition is registered by
`load_catalog` beside the powers'.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

PROCEDURES_FILE = Path(__file__).resolve().parent / "catalog" / "procedures.yaml"
KINDS = ("sanzhong", "siyi", "wenze", "talk")
SANZHONG_KINDS = ("policy", "personnel", "project", "fund")


@dataclass(frozen=True)
class LegalBasis:
    law: str
    article: str
    text: str
    verified: bool

    @property
    def label(self) -> str:
        mark = "" if self.verified else "（条号待核）"
        return f"《{self.law}》{self.article}{mark}".strip()


@dataclass(frozen=True)
class Procedure:
    code: str
    name: str
    kind: str
    process_id: str
    starters: tuple[str, ...]
    legal_bases: tuple[LegalBasis, ...]
    handling_unit: str
    supervising_leader: str
    promised_limit: Mapping[str, Any]
    responsibilities: tuple[str, ...]
    risk_points: tuple[Mapping[str, Any], ...] = ()
    sanzhong_kind: str = ""
    confidential: bool = False
    notice: Mapping[str, Any] | None = None
    threshold_setting: str = ""
    serves_powers: tuple[str, ...] = ()  # powers whose village vote must come from this procedure (SY-01)
    extra: Mapping[str, Any] = field(default_factory=dict)


def _flatten(items: Any) -> list[Any]:
    out: list[Any] = []
    for item in items or []:
        out.extend(_flatten(item) if isinstance(item, list) else [item])
    return out


class ProcedureFileError(ValueError):
    pass


def _parse(entry: Mapping[str, Any]) -> Procedure:
    code = str(entry.get("code", ""))
    expected = "proc_" + code.lower().replace("-", "_")
    if entry.get("process_id") != expected:
        raise ProcedureFileError(f"{code}: process_id must be {expected}")
    if entry.get("kind") not in KINDS:
        raise ProcedureFileError(f"{code}: unknown kind {entry.get('kind')!r}")
    if entry.get("kind") == "sanzhong" and entry.get("sanzhong_kind") not in SANZHONG_KINDS:
        raise ProcedureFileError(f"{code}: sanzhong_kind must be one of {SANZHONG_KINDS}")
    bases = tuple(LegalBasis(str(b["law"]), str(b.get("article") or ""), str(b.get("text") or ""),
                             bool(b.get("verified", False))) for b in _flatten(entry.get("legal_bases")))  # fmt: skip
    if not bases:
        raise ProcedureFileError(f"{code}: no legal basis")
    known = {"code", "name", "kind", "process_id", "starters", "legal_bases", "handling_unit", "supervising_leader",
             "promised_limit", "responsibilities", "risk_points", "sanzhong_kind", "confidential", "notice",
             "threshold_setting", "serves_powers"}  # fmt: skip
    unknown = sorted(set(entry) - known)
    if unknown:
        raise ProcedureFileError(f"{code}: unknown fields {unknown}")
    return Procedure(
        code=code, name=str(entry["name"]), kind=str(entry["kind"]), process_id=expected,
        starters=tuple(entry.get("starters") or ()), legal_bases=bases,
        handling_unit=str(entry.get("handling_unit") or ""), supervising_leader=str(entry.get("supervising_leader") or ""),
        promised_limit=dict(entry.get("promised_limit") or {}), responsibilities=tuple(entry.get("responsibilities") or ()),
        risk_points=tuple(_flatten(entry.get("risk_points"))), sanzhong_kind=str(entry.get("sanzhong_kind") or ""),
        confidential=bool(entry.get("confidential", False)), notice=entry.get("notice"),
        threshold_setting=str(entry.get("threshold_setting") or ""),
        serves_powers=tuple(entry.get("serves_powers") or ()),
    )  # fmt: skip


@cache
def procedures() -> tuple[Procedure, ...]:
    """Every procedure in file order. Raises ProcedureFileError on a malformed entry."""
    with PROCEDURES_FILE.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    items = tuple(_parse(entry) for entry in data.get("procedures") or [])
    codes = [p.code for p in items]
    if len(set(codes)) != len(codes):
        raise ProcedureFileError("duplicate procedure codes")
    return items


def by_code(code: str) -> Procedure | None:
    return next((p for p in procedures() if p.code == code), None)


def by_process_id(process_id: str) -> Procedure | None:
    return next((p for p in procedures() if p.process_id == process_id), None)


def sanzhong(kind: str) -> Procedure:
    return next(p for p in procedures() if p.kind == "sanzhong" and p.sanzhong_kind == kind)


def of_kind(kind: str) -> Procedure:
    return next(p for p in procedures() if p.kind == kind)
