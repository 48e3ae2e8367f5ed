"""Cases: start (by power code), list with filters and lights, detail, cancel, history, replay."""

from __future__ import annotations

from uuid import UUID

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from api import access
from api import serializers as out
from api.views.base import StaffListView, StaffView
from engine import selectors, services
from engine.models import Case, ConflictDeclaration, Organization
from engine.replay import replay_case
from engine.rules import org_subtrees
from engine.townships import visible_township_ids
from processes.selectors import process_id_for_power


class CaseFilter(serializers.Serializer):
    power = serializers.CharField(required=False, max_length=16, help_text="权力编码，如 JF-01")
    status = serializers.ChoiceField(choices=Case.Status.choices, required=False)
    light = serializers.ChoiceField(
        choices=selectors.LIGHTS,
        required=False,
        help_text="办理中案件的时限灯：green 正常、yellow 临期、red 超承诺时限、black 超法定时限",
    )
    organization = serializers.SlugField(required=False, max_length=64, help_text="组织编码（含其下级）")
    started_from = serializers.DateField(required=False, help_text="立案日期不早于")
    started_to = serializers.DateField(required=False, help_text="立案日期不晚于")

    def validate_organization(self, code: str) -> list[Organization]:
        # codes of stations repeat across townships: every match the user can see
        organizations = list(access.visible_organizations(self.context["user"]).filter(code=code))
        if not organizations:
            raise serializers.ValidationError(_("组织不存在"))
        return organizations


class StartCaseInput(serializers.Serializer):
    power_code = serializers.CharField(max_length=16, help_text="权力编码；清单之外无权力")
    organization = serializers.SlugField(
        required=False, max_length=64, help_text="案件所属组织（乡）编码；缺省为本人岗位所在的乡"
    )
    data = serializers.DictField(
        required=False,
        default=dict,
        help_text="启动数据，如 applicant、expected_members；未成年人填 applicant_is_minor 或 "
        "applicant_birth_date（不上公示栏）",
    )


class CaseListView(StaffListView):
    """GET: 可见范围内的案件；POST: 按权力编码立案（窗口受理员、代办员、经办人、站所负责人）。"""

    serializer_class = out.CaseSerializer
    required_positions = {"GET": None, "POST": access.STARTERS}

    def get_queryset(self):
        params = CaseFilter(data=self.request.query_params, context={"user": self.request.user})
        params.is_valid(raise_exception=True)
        wanted = params.validated_data
        cases = (
            access.visible_cases(self.request.user)
            .select_related("definition", "organization", "township", "handling_unit", "started_by")
            .defer("workflow_json", "definition__sources")
            .order_by("-started_at", "reference")
        )
        if "power" in wanted:
            cases = cases.filter(power_code=wanted["power"])
        if "status" in wanted:
            cases = cases.filter(status=wanted["status"])
        if "organization" in wanted:
            subtree = org_subtrees(wanted["organization"])
            cases = cases.filter(Q(organization_id__in=subtree) | Q(handling_unit_id__in=subtree))
        if "started_from" in wanted:
            cases = cases.filter(started_at__date__gte=wanted["started_from"])
        if "started_to" in wanted:
            cases = cases.filter(started_at__date__lte=wanted["started_to"])
        if "light" in wanted:
            cases = selectors.filter_by_light(cases.filter(status=Case.Status.RUNNING), wanted["light"], now=self.now)
        return cases

    @extend_schema(parameters=[CaseFilter])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=StartCaseInput, responses={201: out.CaseDetailSerializer})
    def post(self, request):
        payload = StartCaseInput(data=request.data)
        payload.is_valid(raise_exception=True)
        code = payload.validated_data["power_code"]
        process_id = process_id_for_power(code)  # PowerNotListed
        organization = access.organization_for_new_case(request.user, payload.validated_data.get("organization"))
        is_agent = access.files_as_agent(request.user)
        case = services.start_case(
            process_id=process_id,
            actor=request.user,
            organization=organization,
            now=self.now,
            data=payload.validated_data["data"],
            power_code=code,
            agent_user=request.user if is_agent else None,
        )
        case = access.get_visible_case(request.user, case.pk)
        return Response(
            out.CaseDetailSerializer(case, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )


class CaseDetailView(StaffView):
    """一个案件：当前任务、时限与时限灯、等待中的定时（如公示期）。"""

    @extend_schema(responses=out.CaseDetailSerializer)
    def get(self, request, case_id: UUID):
        case = access.get_visible_case(request.user, case_id)
        return Response(out.CaseDetailSerializer(case, context=self.context()).data)


class CancelCaseView(StaffView):
    """撤销案件，须说明理由（主要负责人、分管领导、系统管理员）。"""

    required_positions = {"POST": access.CANCELLERS}

    class CancelCaseInputSerializer(serializers.Serializer):
        reason = serializers.CharField(allow_blank=True, max_length=1000, help_text="撤销理由（必填）")

    @extend_schema(request=CancelCaseInputSerializer, responses=out.CaseDetailSerializer)
    def post(self, request, case_id: UUID):
        case = access.get_visible_case(request.user, case_id)
        payload = self.CancelCaseInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.cancel_case(case.pk, actor=request.user, reason=payload.validated_data["reason"], now=self.now)
        case = access.get_visible_case(request.user, case_id)
        return Response(out.CaseDetailSerializer(case, context=self.context()).data)


class DeclareConflictView(StaffView):
    """申报利害关系：被申报人回避本案（不得经办、不得表态），案件标记为单独备案。"""

    required_positions = {"POST": access.CONFLICT_RECORDERS}

    class DeclareConflictInputSerializer(serializers.Serializer):
        user = serializers.CharField(max_length=150, help_text="回避人的用户名")
        relation = serializers.ChoiceField(choices=ConflictDeclaration.Relation.choices, help_text="利害关系")
        note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    @extend_schema(request=DeclareConflictInputSerializer, responses=out.CaseDetailSerializer)
    def post(self, request, case_id: UUID):
        case = access.get_visible_case(request.user, case_id)
        payload = self.DeclareConflictInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        user = get_user_model().objects.filter(username=payload.validated_data["user"]).first()
        if user is None or case.township_id not in visible_township_ids(user):  # other townships' staff: unknown
            raise ValidationError({"user": [_("用户不存在")]})
        services.declare_conflict(case.pk, user=user, relation=payload.validated_data["relation"],
                                  note=payload.validated_data["note"], actor=request.user, now=self.now)  # fmt: skip
        case = access.get_visible_case(request.user, case_id)
        return Response(out.CaseDetailSerializer(case, context=self.context()).data)


class CaseHistoryView(StaffView):
    """案件的审计事件（按序号，含哈希链）。"""

    @extend_schema(responses=out.AuditEventSerializer(many=True))
    def get(self, request, case_id: UUID):
        case = access.get_visible_case(request.user, case_id)
        context = self.context(user_tasks=services.parsed_definition(case.definition).user_tasks)
        events = case.audit_events.order_by("sequence")
        return Response(out.AuditEventSerializer(events, many=True, context=context).data)


class ReplayQuery(serializers.Serializer):
    step = serializers.IntegerField(
        required=False, min_value=0, max_value=1_000_000, help_text="重放到第几条审计事件（缺省：全部）"
    )


class ReplayCaseView(StaffView):
    """回放：案件在第 N 步时的状态，以及校验结果（纪检委员、主要负责人、分管领导、系统管理员）。"""

    required_positions = {"GET": access.REPLAYERS}

    @extend_schema(parameters=[ReplayQuery], responses=out.ReplayReportSerializer)
    def get(self, request, case_id: UUID):
        case = access.get_visible_case(request.user, case_id)
        params = ReplayQuery(data=request.query_params)
        params.is_valid(raise_exception=True)
        report = replay_case(case, upto=params.validated_data.get("step"))
        return Response(out.ReplayReportSerializer(report.as_dict()).data)


class VerifyCaseView(StaffView):
    """校验：定义未被改动、审计链完整、全部事件重放得到记录的状态（同 replay 不带 step）。"""

    required_positions = {"GET": access.REPLAYERS}

    @extend_schema(responses=out.ReplayReportSerializer)
    def get(self, request, case_id: UUID):
        case = access.get_visible_case(request.user, case_id)
        return Response(out.ReplayReportSerializer(replay_case(case).as_dict()).data)
