"""The power list as a living document: snapshots of the catalog tables, field-level differences,
and writing a snapshot back.

After the first load the database is the list of record. A change (the YAML files, a spreadsheet,
an admin edit) is worked out by applying it inside a savepoint, taking the snapshot, and rolling
back: what is kept is the difference, proposed as a change set (processes.models.CatalogChangeSet)
for a second person to approve (engine.services.catalog). Approving writes the proposed snapshot
and publishes a new list version.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.db import models, transaction

from processes.catalog_data import CatalogLoadReport, finish_report, write_rows
from processes.models import Category, LegalBasis, Position, Power, Responsibility, RiskPoint, TownshipSetting

KINDS: dict[str, tuple[type[models.Model], str]] = {
    "setting": (TownshipSetting, "key"),
    "position": (Position, "code"),
    "category": (Category, "code"),
    "responsibility": (Responsibility, "code"),
    "power": (Power, "code"),
}
_CHILDREN = {"legal_bases": LegalBasis, "risk_points": RiskPoint}
_SKIP = {"id", "power_id", "position"}

Snapshot = dict[str, dict[str, dict[str, Any]]]  # kind -> key -> row (JSON values)


def _json(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def _values(obj: models.Model) -> dict[str, Any]:
    return {f.attname: _json(getattr(obj, f.attname)) for f in obj._meta.concrete_fields if f.attname not in _SKIP}


def take_snapshot() -> Snapshot:
    """The catalog tables as they are now, keyed by kind and natural key (JSON values only)."""
    snapshot: Snapshot = {}
    for kind, (model, key) in KINDS.items():
        snapshot[kind] = {getattr(obj, key): _values(obj) for obj in model.objects.order_by(key)}
    children: dict[str, dict[int, list]] = {name: {} for name in _CHILDREN}
    for name, model in _CHILDREN.items():
        for child in model.objects.order_by("power_id", "position"):
            children[name].setdefault(child.power_id, []).append(_values(child))
    links: dict[int, list[str]] = {}
    for power_id, code in Power.responsibilities.through.objects.values_list("power_id", "responsibility__code"):
        links.setdefault(power_id, []).append(code)
    for power in Power.objects.only("pk", "code"):
        row = snapshot["power"][power.code]
        for name in _CHILDREN:
            row[name] = children[name].get(power.pk, [])
        row["responsibilities"] = sorted(links.get(power.pk, []))
    return json.loads(json.dumps(snapshot, ensure_ascii=False, sort_keys=True))


def snapshot_hash(snapshot: Snapshot) -> str:
    return hashlib.sha256(json.dumps(snapshot, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def diff(before: Snapshot, after: Snapshot) -> list[dict[str, Any]]:
    """Field-level differences: which row (kind and key), which column, old → new. A row added or
    removed is one entry with column "*"."""
    changes = []
    for kind in KINDS:
        old_rows, new_rows = before.get(kind, {}), after.get(kind, {})
        for key in sorted(set(old_rows) | set(new_rows)):
            old, new = old_rows.get(key), new_rows.get(key)
            if old is None or new is None:
                changes.append({"kind": kind, "key": key, "field": "*", "old": old, "new": new})
                continue
            for name in sorted(set(old) | set(new)):
                if old.get(name) != new.get(name):
                    changes.append({"kind": kind, "key": key, "field": name, "old": old.get(name),
                                    "new": new.get(name)})  # fmt: skip
    return changes


class _Rollback(Exception):
    pass


def simulate(change: Callable[[], Any]) -> tuple[Snapshot, Snapshot, Any]:
    """Run `change` against the catalog tables and roll it back: (before, after, its result)."""
    before = take_snapshot()
    outcome: dict[str, Any] = {}
    try:
        with transaction.atomic():
            outcome["result"] = change()
            outcome["after"] = take_snapshot()
            raise _Rollback
    except _Rollback:
        pass
    return before, outcome["after"], outcome["result"]


def _revive(model: type[models.Model], row: Mapping[str, Any]) -> dict[str, Any]:
    fields = {f.attname: f for f in model._meta.concrete_fields}
    out = {}
    for name, value in row.items():
        field = fields.get(name)
        if field is not None and value is not None and isinstance(field, models.DateField | models.DateTimeField):
            value = field.to_python(value)
        out[name] = value
    return out


def _rows(snapshot: Snapshot) -> dict[str, Sequence[dict[str, Any]]]:
    rows: dict[str, list[dict[str, Any]]] = {}
    for kind, (model, _key) in KINDS.items():
        rows[kind] = []
        for row in snapshot.get(kind, {}).values():
            revived = _revive(model, row)
            if kind == "power":
                for name, child in _CHILDREN.items():
                    revived[name] = [_revive(child, c) for c in row.get(name, [])]
            rows[kind].append(revived)
    return rows


def write_snapshot(snapshot: Snapshot, *, now: dt.datetime) -> CatalogLoadReport:
    """Make the catalog tables equal to `snapshot` (the caller holds a transaction)."""
    report = CatalogLoadReport()
    write_rows(_rows(snapshot), report=report, now=now)
    return finish_report(report)


def power_rules(snapshot: Snapshot, code: str) -> Mapping[str, Any] | None:
    """One power's row in a published version (None when the version does not list it)."""
    return snapshot.get("power", {}).get(code)
