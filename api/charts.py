"""Charts for the API: `engine.charts` with the API's 404 for a missing risk map."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound

from engine import charts
from engine.charts import CACHE_SECONDS, CONTENT_TYPES, render_case_chart  # noqa: F401
from engine.models import Organization
from processes.models import Power


def _or_not_found(content: bytes | None) -> bytes:
    if content is None:
        raise NotFound(_("该权力没有廉政风险点，无风险防控图"))
    return content


def render_poster(
    power: Power, *, kind: str, fmt: str, paper: str, public_base: str, township: Organization | None = None,
    page: int | None = None,
) -> bytes:
    """See `engine.charts.render_poster`. Raises NotFound for a power without a risk map or a sheet
    the chart does not have."""
    try:
        content = charts.render_poster(power, kind=kind, fmt=fmt, paper=paper, public_base=public_base,
                                       township=township, page=page)  # fmt: skip
    except charts.NoSuchSheet as error:
        raise NotFound(_("该图共 %(pages)d 页，没有第 %(page)d 页") % {"pages": error.pages, "page": error.page}) from error
    return _or_not_found(content)


def render_procedure_poster(procedure: Any, *, kind: str, fmt: str, paper: str, public_base: str) -> bytes:
    """See `engine.charts.render_procedure_poster`. Raises NotFound for a procedure without a risk map."""
    return _or_not_found(charts.render_procedure_poster(procedure, kind=kind, fmt=fmt, paper=paper,
                                                        public_base=public_base))  # fmt: skip
