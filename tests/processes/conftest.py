"""Fixtures for the catalog tests: a copy of the catalog files to break, a loaded catalog, a DB snapshot."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from processes.catalog_data import CATALOG_DIR, CatalogLoadReport, load_catalog_data
from processes.models import Category, LegalBasis, Position, Power, Responsibility, RiskPoint, TownshipSetting

LOADED_AT = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def catalog_dir(tmp_path: Path) -> Path:
    """A writable copy of processes/catalog/ (YAML files and schemas)."""
    return Path(shutil.copytree(CATALOG_DIR, tmp_path / "catalog"))


@pytest.fixture
def loaded_at() -> datetime:
    return LOADED_AT


@pytest.fixture
def loaded(db) -> CatalogLoadReport:
    return load_catalog_data(CATALOG_DIR, now=LOADED_AT)


@pytest.fixture
def edit_catalog(catalog_dir: Path):
    """`edit_catalog(name, old, new)`: replace one exact, unique fragment of a file in `catalog_dir`."""

    def edit(name: str, old: str, new: str) -> None:
        path = catalog_dir / name
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {name}"
        path.write_text(text.replace(old, new), encoding="utf-8")

    return edit


def _state() -> dict[str, Any]:
    """Every catalog row by natural key, so two loads or a round trip can be compared exactly."""
    powers = {}
    for power in Power.objects.prefetch_related("responsibilities").order_by("code"):
        values = {k: v for k, v in power.__dict__.items() if not k.startswith("_") and k != "id"}
        values["responsibilities"] = sorted(r.code for r in power.responsibilities.all())
        powers[power.code] = values
    return {
        "settings": list(TownshipSetting.objects.order_by("key").values("key", "value", "label", "note")),
        "positions": list(Position.objects.order_by("code").values("code", "name", "order", "description")),
        "categories": list(
            Category.objects.order_by("code").values("code", "name", "order", "flow", "description")
        ),
        "responsibilities": [
            {k: v for k, v in r.items() if k != "id"}
            for r in Responsibility.objects.order_by("code").values()
        ],
        "powers": powers,
        "legal_bases": [
            {k: v for k, v in b.items() if k not in ("id", "power_id")}
            for b in LegalBasis.objects.order_by("power__code", "position").values(
                "power__code", *_fields(LegalBasis)
            )
        ],
        "risk_points": [
            {k: v for k, v in r.items() if k not in ("id", "power_id")}
            for r in RiskPoint.objects.order_by("power__code", "position").values(
                "power__code", *_fields(RiskPoint)
            )
        ],
    }


def _fields(model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


@pytest.fixture
def catalog_state():
    """A function returning the whole catalog as plain data."""
    return _state


@pytest.fixture
def row_counts():
    """A function returning how many rows each catalog table holds."""

    def counts() -> dict[str, int]:
        models = [TownshipSetting, Position, Category, Responsibility, Power, LegalBasis, RiskPoint]
        return {model.__name__: model.objects.count() for model in models}

    return counts
