"""Charts for the API and the web pages: a power's or a procedure's wall posters (权力运行流程图,
廉政风险防控图) and a case's chart.

Posters come from `processes.charts` and are deterministic for the same inputs, so a rendered file
is cached under the hash of everything it is drawn from (definition content, the sheet and risk
points, kind, paper, format). A township's poster carries its own name, station, limit, fee and
phones. A case's chart comes from `processes.charts.case_chart`.
"""

from __future__ import annotations

import dataclasses
import hashlib
from typing import Any

from django.core.cache import cache

from diagrams import PowerSheet
from engine.models import Case, Organization
from engine.services import current_definition
from engine.townships import power_as_township_runs_it
from processes.charts import POSTER, RISK, case_chart, power_charts, procedure_charts
from processes.models import Power

CACHE_SECONDS = 24 * 3600
CONTENT_TYPES = {"svg": "image/svg+xml", "pdf": "application/pdf", "png": "image/png"}


class NoSuchSheet(Exception):
    """A sheet number beyond the chart's last sheet."""

    def __init__(self, pages: int, page: int) -> None:
        super().__init__(f"{pages} sheets, no sheet {page}")
        self.pages, self.page = pages, page


def _render(charts: Any, *, sha256: str, kind: str, fmt: str, paper: str, page: int | None = None) -> bytes | None:
    if kind == "risk" and not charts.risks:
        return None
    fingerprint = repr((sha256, charts.sheet, charts.risks, kind, fmt, paper, page))
    key = "poster:" + hashlib.sha256(fingerprint.encode("utf-8")).hexdigest()
    cached = cache.get(key)
    if cached is None:
        chart = charts.build(RISK if kind == "risk" else POSTER, paper=paper)
        if page is not None and page > chart.pages:
            raise NoSuchSheet(chart.pages, page)
        # a PDF holds every sheet of a chart that continues over several; SVG and PNG are one sheet
        cached = chart.render(fmt, page=page)
        cache.set(key, cached, CACHE_SECONDS)
    return cached


def render_poster(
    power: Power, *, kind: str, fmt: str, paper: str, public_base: str, township: Organization | None = None,
    page: int | None = None,
) -> bytes | None:
    """The flow poster (`kind="flow"`) or risk map (`kind="risk"`) of a power on the current list,
    drawn by `processes.charts` (the same charts as `manage.py render_flowcharts`); None for a risk
    map of a power without risk points on its drawn steps.

    Raises:
        DefinitionNotFound: the power's process is not loaded.
        NoSuchSheet: `page` beyond the chart's sheets.
        DiagramError: graphviz failed.
    """
    definition = current_definition(power.process_id)
    charts = power_charts(power, public_base=public_base)
    if township is not None:  # the township's own name, station, limit, fee and phones
        charts = dataclasses.replace(charts, sheet=_township_sheet(charts.sheet, power, township))
    return _render(charts, sha256=definition.sha256, kind=kind, fmt=fmt, paper=paper, page=page)


def render_procedure_poster(procedure: Any, *, kind: str, fmt: str, paper: str, public_base: str) -> bytes | None:
    """The poster or risk map of a procedure of the institutions (三重一大, 四议两公开, 问责, 四谈话);
    None for a risk map without risk points.

    Raises: DefinitionNotFound, DiagramError.
    """
    definition = current_definition(procedure.process_id)
    charts = procedure_charts(procedure, public_base=public_base)
    return _render(charts, sha256=definition.sha256, kind=kind, fmt=fmt, paper=paper)


def limit_text(value: int | None, unit: str, note: str) -> str:
    if value is None:
        return note or "无统一时限"
    return "即时办结" if value == 0 else f"{value}{'个工作日' if unit == 'working_day' else '日'}"


def _township_sheet(sheet: PowerSheet, power: Power, township: Organization) -> PowerSheet:
    values = power_as_township_runs_it(power, township)
    return dataclasses.replace(
        sheet, township=values["township_name"], handling_unit=values["handling_unit"],
        promised_limit=limit_text(values["promised_limit_value"], values["promised_limit_unit"],
                                  power.promised_limit_note),
        fee=values["fee_basis"] or "不收费", supervision_phone=values["supervision_phone"],
        complaint_phone=values["complaint_phone"], public_url=f"{sheet.public_url}?township={township.code}",
    )  # fmt: skip


def render_case_chart(case: Case, *, expand: bool, step: int | None = None) -> bytes:
    """The case chart (see `processes.charts.case_chart`) as SVG."""
    return case_chart(case, expand=expand, step=step, fmt="svg")
