"""The institutions' procedures (三重一大, 四议两公开, 问责, 四谈话): their catalog, starting one,
accountability outcomes and talk records for the inspector and the leaders, and each person's own
records. Thin callers of engine.institutions."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from api import access
from api import serializers as out
from api.views.base import PublicView, StaffListView, StaffView
from engine.institution_models import AccountabilityOutcome
from engine.institutions import oversight, talks
from engine.institutions.services import start_procedure
from processes.procedures import Procedure, by_code, procedures


class ProcedureLegalBasisSerializer(serializers.Serializer):
    law = serializers.CharField()
    article = serializers.CharField()
    text = serializers.CharField()
    verified = serializers.BooleanField(help_text="条号已与公布文本核对；false 为条号待核")


class ProcedureSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField(help_text="sanzhong 三重一大 / siyi 四议两公开 / wenze 问责 / talk 四谈话")
    sanzhong_kind = serializers.CharField(help_text="policy / personnel / project / fund（三重一大的四类）")
    process_id = serializers.CharField()
    starters = serializers.ListField(child=serializers.CharField(), help_text="可发起的岗位编码")
    confidential = serializers.BooleanField(help_text="只有纪检委员、主要负责人、分管领导和当事人可见")
    legal_bases = ProcedureLegalBasisSerializer(many=True)
    handling_unit = serializers.CharField()
    supervising_leader = serializers.CharField()
    responsibilities = serializers.ListField(child=serializers.CharField())


def _procedure(procedure: Procedure) -> dict:
    return ProcedureSerializer(procedure).data


class ProcedureListView(PublicView):
    """制度程序：“三重一大”（四类）、“四议两公开”、问责、“四谈话”，各有依据和流程。"""

    @extend_schema(responses=ProcedureSerializer(many=True))
    def get(self, request):
        return Response([_procedure(p) for p in procedures()])


class ProcedureDetailView(PublicView):
    @extend_schema(responses=ProcedureSerializer)
    def get(self, request, code: str):
        procedure = by_code(code)
        if procedure is None:
            raise NotFound()
        return Response(_procedure(procedure))


class StartProcedureInput(serializers.Serializer):
    organization = serializers.SlugField(required=False, max_length=64, help_text="所属组织（乡）编码；缺省为本人所在的乡")
    data = serializers.DictField(required=False, default=dict, help_text="启动数据，见 start_proc_<code> 表单")


class StartProcedureView(StaffView):
    """发起制度程序的案件（发起岗位由清单规定，如问责、谈话只能由纪检委员发起）。"""

    required_positions = {"POST": None}

    @extend_schema(request=StartProcedureInput, responses={201: out.CaseDetailSerializer})
    def post(self, request, code: str):
        payload = StartProcedureInput(data=request.data)
        payload.is_valid(raise_exception=True)
        organization = access.organization_for_new_case(request.user, payload.validated_data.get("organization"))
        case = start_procedure(code, actor=request.user, organization=organization, now=self.now,
                               data=payload.validated_data["data"])  # fmt: skip
        case = access.get_visible_case(request.user, case.pk)
        return Response(out.CaseDetailSerializer(case, context=self.context()).data, status=status.HTTP_201_CREATED)


class AccountabilityOutcomeSerializer(serializers.ModelSerializer):
    case = serializers.UUIDField(source="case_id")
    case_reference = serializers.CharField(source="case.reference")
    person = serializers.CharField(source="person.username")
    outcome_display = serializers.CharField(source="get_outcome_display")
    accountability_record = serializers.IntegerField(source="accountability_record_id", allow_null=True)
    complaint_number = serializers.CharField(source="complaint.number", allow_null=True, default=None)
    subject_case_reference = serializers.CharField(source="subject_case.reference", allow_null=True, default=None)

    class Meta:
        model = AccountabilityOutcome
        fields = ["id", "case", "case_reference", "person", "source", "accountability_record", "complaint_number",
                  "subject_case_reference", "responsibility_code", "outcome", "outcome_display",
                  "decision_document_no", "county_referral_no", "decided_on", "closed_at"]  # fmt: skip


class AccountabilityOutcomeListView(StaffListView):
    """问责结果：每个问责案件对每位当事人的结论（纪检委员、主要负责人、分管领导）。"""

    serializer_class = AccountabilityOutcomeSerializer
    required_positions = {"GET": access.LEADERS_AND_INSPECTOR}

    def get_queryset(self):
        return oversight.outcomes(access.scope_of(self.request.user).township_ids).order_by("-closed_at", "-id")


class TalkRecordSerializer(serializers.Serializer):
    case_id = serializers.CharField()
    reference = serializers.CharField()
    recorded_by = serializers.CharField()
    recorded_at = serializers.DateTimeField()
    talk_kind = serializers.CharField()
    talk_date = serializers.CharField()
    talkers = serializers.ListField(child=serializers.CharField())
    persons = serializers.ListField(child=serializers.CharField())
    subject = serializers.CharField()
    summary = serializers.CharField()
    follow_up = serializers.CharField()
    follow_up_needed = serializers.BooleanField()


class TalkListView(StaffView):
    """“四谈话”记录：日常教育、函询约谈、任前廉政、教育诫勉（纪检委员、主要负责人、分管领导）。"""

    required_positions = {"GET": access.LEADERS_AND_INSPECTOR}

    @extend_schema(responses=TalkRecordSerializer(many=True))
    def get(self, request):
        rows = [row for township in sorted(access.scope_of(request.user).township_ids)
                for row in talks.talk_records(township)]  # fmt: skip
        return Response(TalkRecordSerializer(rows, many=True).data)


class OwnStatementSerializer(serializers.Serializer):
    case = serializers.UUIDField(source="case.pk")
    case_reference = serializers.CharField(source="case.reference")
    statement = serializers.CharField()
    stated_at = serializers.CharField()


class WaitingStatementSerializer(serializers.Serializer):
    case = serializers.UUIDField(source="case_id")
    case_reference = serializers.CharField(source="case.reference")
    task_id = serializers.UUIDField(help_text="以本人身份办理此任务（陈述和申辩）：/api/cases/{case}/tasks/{task_id}/complete/")


class MyRecordsSerializer(serializers.Serializer):
    records = out.AccountabilityRecordSerializer(many=True)
    outcomes = AccountabilityOutcomeSerializer(many=True)
    statements = OwnStatementSerializer(many=True)
    waiting = WaitingStatementSerializer(many=True)
    talks = TalkRecordSerializer(many=True)


class MyRecordsView(StaffView):
    """本人的问责记录、问责结果、陈述和申辩、待陈述的问责案件和谈话记录（只有本人的）。"""

    required_positions = {"GET": None}

    @extend_schema(responses=MyRecordsSerializer)
    def get(self, request):
        mine = oversight.own_records(request.user, access.scope_of(request.user).township_ids)
        return Response(MyRecordsSerializer(mine).data)
