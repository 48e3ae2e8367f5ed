"""The power list and responsibility list (public by law), process definitions, organizations, me."""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from api import serializers as out
from api.access import scope_of, visible_organizations
from api.views.base import PublicListView, PublicView, StaffListView, StaffView
from engine.models import Organization, ProcessDefinition
from engine.townships import power_as_township_runs_it
from engine.services import parsed_definition
from processes.charts import main_file
from processes.models import CatalogVersion, Category, Power, Responsibility


class CategoryListView(PublicListView):
    """权力类别（无需登录）。"""

    serializer_class = out.CategorySerializer
    pagination_class = None
    queryset = Category.objects.order_by("order", "code")


class TownshipQuery(serializers.Serializer):
    township = serializers.SlugField(
        required=False, max_length=64, help_text="乡镇编码：按该乡的清单显示（承办站所、承诺时限、收费、电话）"
    )

    def validate_township(self, code: str) -> Organization:
        township = Organization.objects.filter(code=code, kind=Organization.Kind.TOWNSHIP).first()
        if township is None:
            raise serializers.ValidationError(_("乡镇不存在"))
        return township


def as_township(data: dict, power: Power, township: Organization | None) -> dict:
    """A power's public data as one township runs it (its own values over the county template)."""
    if township is None:
        return data
    values = power_as_township_runs_it(power, township)
    data.update({k: values[k] for k in ("township", "township_name", "handling_unit", "fee_basis") if k in values})
    data["promised_limit"] = {**data["promised_limit"], "value": values["promised_limit_value"],
                              "unit": values["promised_limit_unit"]}  # fmt: skip
    if "supervision_phone" in data:
        data["supervision_phone"] = values["supervision_phone"]
    return data


class PowerFilter(TownshipQuery):
    category = serializers.SlugField(required=False, max_length=8, help_text="类别编码，如 JF")
    q = serializers.CharField(required=False, max_length=100, help_text="名称或编码包含的文字")


@extend_schema(parameters=[PowerFilter])
class PowerListView(PublicListView):
    """权力清单：现行有效的权力（无需登录，清单依法公开）。"""

    serializer_class = out.PowerSerializer

    def get_queryset(self):
        params = PowerFilter(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        powers = Power.objects.active().select_related("category").order_by("sequence", "code")
        if "category" in params.validated_data:
            powers = powers.filter(category__code__iexact=params.validated_data["category"])
        if params.validated_data.get("q"):
            text = params.validated_data["q"]
            powers = powers.filter(Q(name__icontains=text) | Q(code__icontains=text))
        self.township = params.validated_data.get("township")
        return powers

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        if self.township is not None:
            rows = response.data["results"]
            powers = Power.objects.select_related("supervision_phone_setting").in_bulk([r["code"] for r in rows],
                                                                                       field_name="code")  # fmt: skip
            for row in rows:
                as_township(row, powers[row["code"]], self.township)
        return _version_headers(response)


def _version_headers(response: Response) -> Response:
    version = CatalogVersion.current()
    if version is not None:
        response["X-List-Version"] = str(version.number)
        response["X-List-Effective-From"] = version.effective_from.isoformat()
    return response


class ListVersionSerializer(serializers.Serializer):
    number = serializers.IntegerField(help_text="清单版本号")
    effective_from = serializers.DateField(help_text="生效日期")
    published_at = serializers.DateTimeField(help_text="发布时间")


class ListVersionView(PublicView):
    """现行权力清单的版本与生效日期（无需登录）；清单、权力详情的响应头 X-List-Version、X-List-Effective-From 同此。"""

    @extend_schema(responses=ListVersionSerializer)
    def get(self, request):
        version = CatalogVersion.current()
        if version is None:
            raise NotFound(_("尚未发布权力清单"))
        return Response(ListVersionSerializer(version).data)


class PowerDetailView(PublicView):
    """一项权力：实施依据、时限、廉政风险点、对应责任事项（无需登录）。"""

    @extend_schema(parameters=[TownshipQuery], responses=out.PowerDetailSerializer)
    def get(self, request, code: str):
        params = TownshipQuery(data=request.query_params)
        params.is_valid(raise_exception=True)
        query = (
            Power.objects.active()
            .select_related("category", "supervision_phone_setting")
            .prefetch_related("legal_bases", "risk_points__responsible", "risk_points__supervisor", "responsibilities")
        )
        power = get_object_or_404(query, code__iexact=code)
        data = out.PowerDetailSerializer(power, context=self.context()).data
        return _version_headers(Response(as_township(data, power, params.validated_data.get("township"))))


class ResponsibilityListView(PublicListView):
    """责任清单（无需登录）。"""

    serializer_class = out.ResponsibilitySerializer
    queryset = (
        Responsibility.objects.select_related("supervision_phone_setting")
        .prefetch_related("powers")
        .order_by("sequence", "code")
    )


class ResponsibilityDetailView(PublicView):
    """一项责任事项（无需登录）。"""

    @extend_schema(responses=out.ResponsibilitySerializer)
    def get(self, request, code: str):
        query = Responsibility.objects.select_related("supervision_phone_setting").prefetch_related("powers")
        responsibility = get_object_or_404(query, code__iexact=code)
        return Response(out.ResponsibilitySerializer(responsibility, context=self.context()).data)


class DefinitionFilter(serializers.Serializer):
    process_id = serializers.SlugField(required=False, max_length=100)
    current = serializers.BooleanField(required=False, allow_null=True, default=None, help_text="true：只列现行版本")


@extend_schema(parameters=[DefinitionFilter])
class DefinitionListView(StaffListView):
    """流程定义的各个版本。"""

    serializer_class = out.DefinitionSerializer

    def get_queryset(self):
        params = DefinitionFilter(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        definitions = ProcessDefinition.objects.defer("sources").order_by("process_id", "-version")
        if params.validated_data.get("process_id"):
            definitions = definitions.filter(process_id=params.validated_data["process_id"])
        if params.validated_data.get("current") is not None:
            definitions = definitions.filter(is_current=params.validated_data["current"])
        return definitions


class DefinitionDetailView(StaffView):
    """一个流程版本：源文件清单与人工任务（泳道、表单）。"""

    @extend_schema(responses=out.DefinitionDetailSerializer)
    def get(self, request, definition_id: int):
        definition = get_object_or_404(ProcessDefinition, pk=definition_id)
        context = self.context(parsed=parsed_definition(definition))
        return Response(out.DefinitionDetailSerializer(definition, context=context).data)


class DefinitionFileQuery(serializers.Serializer):
    file = serializers.CharField(required=False, max_length=200, help_text="源文件名；缺省为主流程 BPMN 文件")


class DefinitionBpmnView(StaffView):
    """下载流程定义的 BPMN XML（或其调用的环节、表单文件）。"""

    @extend_schema(
        parameters=[DefinitionFileQuery],
        responses={
            (200, "application/xml"): OpenApiResponse(OpenApiTypes.BINARY),
            (200, "application/json"): OpenApiResponse(OpenApiTypes.OBJECT),
        },
    )
    def get(self, request, definition_id: int):
        definition = get_object_or_404(ProcessDefinition, pk=definition_id)
        params = DefinitionFileQuery(data=request.query_params)
        params.is_valid(raise_exception=True)
        name = params.validated_data.get("file") or main_file(definition)
        if name not in definition.sources:
            raise NotFound(_("没有源文件 %(name)s") % {"name": name})
        content_type = "application/json" if name.endswith(".json") else "application/xml"
        response = HttpResponse(definition.sources[name].encode("utf-8"), content_type=f"{content_type}; charset=utf-8")
        filename = f"{definition.process_id}-v{definition.version}-{name.rsplit('/', 1)[-1]}"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class OrganizationListView(StaffListView):
    """组织：县、乡、站所、村。"""

    serializer_class = out.OrganizationSerializer
    pagination_class = None

    def get_queryset(self):
        return visible_organizations(self.request.user).select_related("parent").order_by("code", "pk")


class MeView(StaffView):
    """当前用户与其岗位（任何已登录用户）。"""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=out.MeSerializer)
    def get(self, request):
        user = request.user
        data = {
            "username": user.get_username(),
            "name": user.get_full_name(),
            "assignments": scope_of(user).assignments,
        }
        return Response(out.MeSerializer(data).data)
