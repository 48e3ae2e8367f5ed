"""Flowcharts: the wall posters of a power (public) and the live chart of a case (staff)."""

from __future__ import annotations

from uuid import UUID

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer

from api import access, charts
from api.renderers import PDFRenderer, PNGRenderer, SVGRenderer
from api.views.base import PublicView, StaffView
from api.views.catalog import TownshipQuery
from processes.models import Power
from processes.procedures import by_code

BINARY = OpenApiResponse(OpenApiTypes.BINARY)


class PosterQuery(TownshipQuery):
    paper = serializers.ChoiceField(choices=["A3", "A4"], default="A3", help_text="纸张（竖版）")
    page = serializers.IntegerField(min_value=1, required=False,
                                    help_text="第几页（流程较长的图分多页；PDF 不指定时含全部页）")


def _file(content: bytes, fmt: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=charts.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


class _PosterView(PublicView):
    kind = "flow"
    renderer_classes = [JSONRenderer, SVGRenderer, PDFRenderer, PNGRenderer]

    def get(self, request, code: str, fmt: str):
        params = PosterQuery(data=request.query_params)
        params.is_valid(raise_exception=True)
        power = get_object_or_404(
            Power.objects.active().select_related("category", "supervision_phone_setting"), code__iexact=code
        )
        content = charts.render_poster(
            power,
            kind=self.kind,
            fmt=fmt,
            paper=params.validated_data["paper"],
            public_base=settings.PUBLIC_BASE_URL or request.build_absolute_uri("/"),
            township=params.validated_data.get("township"),
            page=params.validated_data.get("page"),
        )
        return _file(content, fmt, f"{power.code}-{self.kind}-{params.validated_data['paper']}.{fmt}")


@extend_schema(
    parameters=[PosterQuery],
    responses={(200, "image/svg+xml"): BINARY, (200, "application/pdf"): BINARY, (200, "image/png"): BINARY},
)
class PowerPosterView(_PosterView):
    """权力运行流程图（上墙海报，SVG、PDF 或 PNG；无需登录）。"""

    kind = "flow"


@extend_schema(
    parameters=[PosterQuery],
    responses={(200, "image/svg+xml"): BINARY, (200, "application/pdf"): BINARY, (200, "image/png"): BINARY},
)
class PowerRiskMapView(_PosterView):
    """廉政风险防控图（SVG、PDF 或 PNG；无需登录）。"""

    kind = "risk"


class _ProcedurePosterView(PublicView):
    kind = "flow"
    renderer_classes = [JSONRenderer, SVGRenderer, PDFRenderer, PNGRenderer]

    def get(self, request, code: str, fmt: str):
        params = PaperQuery(data=request.query_params)
        params.is_valid(raise_exception=True)
        procedure = by_code(code.upper())
        if procedure is None:
            raise NotFound()
        paper = params.validated_data["paper"]
        content = charts.render_procedure_poster(procedure, kind=self.kind, fmt=fmt, paper=paper,
                                                 public_base=request.build_absolute_uri("/"))  # fmt: skip
        return _file(content, fmt, f"{procedure.code}-{self.kind}-{paper}.{fmt}")


class PaperQuery(serializers.Serializer):
    paper = serializers.ChoiceField(choices=["A3", "A4"], default="A3", help_text="纸张（竖版）")


@extend_schema(
    parameters=[PaperQuery],
    responses={(200, "image/svg+xml"): BINARY, (200, "application/pdf"): BINARY, (200, "image/png"): BINARY},
)
class ProcedurePosterView(_ProcedurePosterView):
    """制度程序运行流程图（“三重一大”、“四议两公开”、问责、“四谈话”；无需登录）。"""

    kind = "flow"


@extend_schema(
    parameters=[PaperQuery],
    responses={(200, "image/svg+xml"): BINARY, (200, "application/pdf"): BINARY, (200, "image/png"): BINARY},
)
class ProcedureRiskMapView(_ProcedurePosterView):
    """制度程序廉政风险防控图（无需登录）。"""

    kind = "risk"


class CaseChartQuery(serializers.Serializer):
    expand = serializers.BooleanField(default=False, help_text="展开调用的环节（受理、审核、集体决策等）")
    step = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=1_000_000,
        help_text="回放到第几条审计事件时的状态（缺省：当前）",
    )


class CaseChartView(StaffView):
    """案件的流程图（SVG）：已办绿色、当前橙色、未办灰色，依据审计记录重放得到；可看第 N 步时的状态。"""

    renderer_classes = [JSONRenderer, SVGRenderer]

    @extend_schema(parameters=[CaseChartQuery], responses={(200, "image/svg+xml"): BINARY})
    def get(self, request, case_id: UUID):
        case = access.get_visible_case(request.user, case_id)
        params = CaseChartQuery(data=request.query_params)
        params.is_valid(raise_exception=True)
        content = charts.render_case_chart(
            case, expand=params.validated_data["expand"], step=params.validated_data.get("step")
        )
        return _file(content, "svg", f"{case.reference}.svg")
