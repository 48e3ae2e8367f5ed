"""Charts for the API: a power's wall posters (权力运行流程图, 廉政风险防控图) and a case's chart.

Posters come from `processes.charts` and are deterministic for the same inputs, so a rendered file
is cached under the hash of everything it is drawn from (definition content, the power's sheet and
risk points, kind, paper, format). A case's chart comes from `processes.charts.case_chart`.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound

from engine.models import Case
from engine.services import current_definition
from processes.charts import POSTER, RISK, case_chart, power_charts
from processes.models import Power

CACHE_SECONDS = 24 * 3600
CONTENT_TYPES = {"svg": "image/svg+xml", "pdf": "application/pdf", "png": "image/png"}


def render_poster(power: Power, *, kind: str, fmt: str, paper: str, public_base: str) -> bytes:
    """The flow poster (`kind="flow"`) or risk map (`kind="risk"`) of a power on the current list,
    drawn by `processes.charts` (the same charts as `manage.py render_flowcharts`).

    Raises:
        DefinitionNotFound: the power's process is not loaded.
        NotFound: a risk map was asked for a power without risk points on its drawn steps.
        DiagramError: graphviz failed.
    """
    definition = current_definition(power.process_id)
    charts = power_charts(power, public_base=public_base)
    if kind == "risk" and not charts.risks:
        raise NotFound(_("该权力没有廉政风险点，无风险防控图"))
    fingerprint = repr((definition.sha256, charts.sheet, charts.risks, kind, fmt, paper))
    key = "poster:" + hashlib.sha256(fingerprint.encode("utf-8")).hexdigest()
    cached = cache.get(key)
    if cached is not None:
        return cached
    content = charts.build(RISK if kind == "risk" else POSTER, paper=paper).render(fmt)
    cache.set(key, content, CACHE_SECONDS)
    return content


def render_case_chart(case: Case, *, expand: bool, step: int | None = None) -> bytes:
    """The case chart (see `processes.charts.case_chart`) as SVG."""
    return case_chart(case, expand=expand, step=step, fmt="svg")
