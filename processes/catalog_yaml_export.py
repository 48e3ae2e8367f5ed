"""Write the current power list back as the YAML files of `processes/catalog/`, so that the files
and the database can be kept equal on purpose (`manage.py export_catalog --yaml DIR`).

Loading the written files into the same database changes nothing (tested).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from processes.catalog_data import DETAIL_FIELDS, FILES
from processes.models import Category, Position, Power, Responsibility, TownshipSetting

_RESPONSIBILITY_LISTS = ("legal_basis", "main_duties", "boundaries", "supervision_measures", "public_services",
                         "accountability_cases", "accountability_basis")  # fmt: skip


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _limit(value: int | None, unit: str) -> dict[str, Any] | None:
    return None if value is None else {"value": value, "unit": unit}


def _notice(notice: dict[str, Any] | None) -> dict[str, Any] | None:
    if notice is None:
        return None
    out = {"where": notice["where"], "what": notice["what"], "period": notice.get("period")}
    if notice.get("minors_excluded"):
        out["minors_excluded"] = True
    if notice.get("publish_within") is not None:
        out["publish_within"] = notice["publish_within"]
    return out


def _power(power: Power) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "code": power.code, "name": power.name, "category": power.category_id, "flow": power.flow,
        "process_id": power.process_id, "legal_role": power.legal_role, "authority_source": power.authority_source,
        "implementing_subject": power.implementing_subject, "handling_unit": power.handling_unit,
        "supervising_leader": power.supervising_leader,
        "legal_bases": [
            {"law": b.law, "article": b.article, "text": b.text, "effective_from": _date(b.effective_from),
             "effective_to": _date(b.effective_to)}
            for b in power.legal_bases.order_by("position")
        ],
        "legal_limit": _limit(power.legal_limit_value, power.legal_limit_unit),
        "legal_limit_note": power.legal_limit_note,
        "promised_limit": _limit(power.promised_limit_value, power.promised_limit_unit),
        "promised_limit_note": power.promised_limit_note,
        "item_class": power.item_class, "ends_in_transfer": power.ends_in_transfer, "fee_basis": power.fee_basis,
        "supervision_phone": {"setting": power.supervision_phone_setting_id},
        "materials": list(power.materials), "collective_decisions": list(power.collective_decisions),
        "collective_note": power.collective_note, "notice": _notice(power.notice), "risk_level": power.risk_level,
        "risk_points": [
            {"node": r.node, "description": r.description, "level": r.level, "measures": list(r.measures),
             "responsible": r.responsible_id, "supervisor": r.supervisor_id}
            for r in power.risk_points.order_by("position")
        ],
        "details": {name: getattr(power, name) for name in DETAIL_FIELDS[power.flow]},
        "separation_of_duties": list(power.separation_of_duties), "five_areas": list(power.five_areas),
        "responsibilities": sorted(power.responsibilities.values_list("code", flat=True)),
        "remarks": power.remarks,
    }  # fmt: skip
    for name in ("legal_limit_note", "promised_limit_note", "collective_note", "remarks"):
        if not entry[name]:
            del entry[name]
    for basis in entry["legal_bases"]:
        for name in ("effective_from", "effective_to"):
            if basis[name] is None:
                del basis[name]
    return entry


def _responsibility(item: Responsibility) -> dict[str, Any]:
    entry = {"code": item.code, "name": item.name, "responsible_unit": item.responsible_unit,
             "supervision_phone": {"setting": item.supervision_phone_setting_id}}  # fmt: skip
    for name in _RESPONSIBILITY_LISTS:
        entry[name] = list(getattr(item, name))
    return entry


def documents() -> dict[str, dict[str, Any]]:
    """The catalog documents (by kind) of the list as it is in the database."""
    settings = {}
    for s in TownshipSetting.objects.order_by("pk"):
        settings[s.key] = {"label": s.label, "value": s.value, **({"note": s.note} if s.note else {})}
    positions = [{"code": p.code, "name": p.name, **({"description": p.description} if p.description else {})}
                 for p in Position.objects.order_by("order", "code")]  # fmt: skip
    categories = [{"code": c.code, "name": c.name, "order": c.order, "flow": c.flow,
                   **({"description": c.description} if c.description else {})}
                  for c in Category.objects.order_by("order")]  # fmt: skip
    responsibilities = [_responsibility(r) for r in Responsibility.objects.order_by("sequence")]
    powers = [_power(p) for p in Power.objects.filter(is_active=True).order_by("sequence")]
    return {
        "settings": {"version": 1, "settings": settings},
        "positions": {"version": 1, "positions": positions},
        "categories": {"version": 1, "categories": categories},
        "responsibilities": {"version": 1, "responsibilities": responsibilities},
        "powers": {"version": 1, "powers": powers},
    }


def write_yaml(directory: Path, *, header: str = "") -> list[Path]:
    """Write the five catalog files into `directory`; returns their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, document in documents().items():
        path = directory / FILES[kind]
        text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=120)
        path.write_text((f"# {header}\n" if header else "") + text, encoding="utf-8")
        written.append(path)
    return written
