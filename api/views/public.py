"""What the public uses without logging in: the notice board, objections, complaints, receipts."""

from __future__ import annotations

from uuid import UUID

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from api import serializers as out
from api.throttling import PublicPostThrottle
from api.views.base import PublicListView, PublicView
from engine import public
from engine.models import Case, Complaint, Organization


class NoticeQuery(serializers.Serializer):
    township = serializers.SlugField(required=False, max_length=64, help_text="乡镇编码：只列这个乡的公示")


class NoticeListView(PublicListView):
    """公示栏：正在公示期内的案件（身份证号、电话已隐去；未成年人不公示），可按乡镇列出，分页（limit、offset）。"""

    serializer_class = out.NoticeSerializer

    def get_queryset(self):
        params = NoticeQuery(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return public.list_notices(now=self.now, township=params.validated_data.get("township"))

    @extend_schema(parameters=[NoticeQuery])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class NoticeDetailView(PublicView):
    """一条公示。"""

    @extend_schema(responses=out.NoticeSerializer)
    def get(self, request, case_id: UUID):
        notice = public.get_notice(case_id, now=self.now)
        return Response(out.NoticeSerializer(notice, context=self.context()).data)


class ObjectionReceiptOut(serializers.Serializer):
    number = serializers.CharField(help_text="回执编号：凭此查询处理情况")
    case_reference = serializers.CharField()
    received_at = serializers.DateTimeField()


class FileObjectionView(PublicView):
    """对公示提出异议（无需登录，限制频率）。异议人身份保密，仅纪检委员可见。"""

    throttle_classes = [PublicPostThrottle]

    class FileObjectionInputSerializer(serializers.Serializer):
        content = serializers.CharField(max_length=2000, help_text="异议内容")
        evidence = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)
        name = serializers.CharField(
            max_length=100, required=False, default="", allow_blank=True, help_text="姓名（鼓励实名，保密）"
        )
        contact = serializers.CharField(
            max_length=100,
            required=False,
            default="",
            allow_blank=True,
            help_text="联系方式（用于反馈，保密）",
        )

    @extend_schema(request=FileObjectionInputSerializer, responses={201: ObjectionReceiptOut})
    def post(self, request, case_id: UUID):
        payload = self.FileObjectionInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        receipt = public.file_objection(
            case_id,
            content=data["content"],
            evidence=data["evidence"],
            objector_name=data["name"],
            objector_contact=data["contact"],
            now=self.now,
        )
        body = {
            "number": receipt.number,
            "case_reference": receipt.case.reference,
            "received_at": receipt.received_at,
        }
        return Response(ObjectionReceiptOut(body).data, status=status.HTTP_201_CREATED)


class ComplaintReceiptOut(serializers.Serializer):
    number = serializers.CharField(help_text="受理编号：凭此查询答复")
    kind = serializers.ChoiceField(choices=Complaint.Kind.choices)
    received_at = serializers.DateTimeField()
    reply_due_at = serializers.DateTimeField()


class FileComplaintView(PublicView):
    """投诉、举报（无需登录，限制频率）。投诉人身份保密，仅纪检委员可见。"""

    throttle_classes = [PublicPostThrottle]

    class FileComplaintInputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=Complaint.Kind.choices, default=Complaint.Kind.COMPLAINT)
        subject = serializers.CharField(max_length=200, help_text="被投诉（举报）的人员、站所或事项")
        content = serializers.CharField(max_length=4000)
        township = serializers.SlugField(
            max_length=64, required=False, allow_blank=True, help_text="投诉（举报）所向乡镇的编码；未填相关案件编号时必填",
        )  # fmt: skip
        case_reference = serializers.CharField(
            max_length=40, required=False, default="", allow_blank=True, help_text="相关案件编号（可选）"
        )
        name = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
        contact = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)

        def validate_case_reference(self, reference: str) -> Case | None:
            if not reference:
                return None
            case = Case.objects.filter(reference=reference).first()
            if case is None:
                raise serializers.ValidationError(_("案件编号不存在"))
            return case

        def validate_township(self, code: str) -> Organization | None:
            if not code:
                return None
            township = Organization.objects.filter(code=code, kind=Organization.Kind.TOWNSHIP).first()
            if township is None:
                raise serializers.ValidationError(_("乡镇不存在"))
            return township

        def validate(self, attrs):
            case, township = attrs.get("case_reference"), attrs.get("township")
            if case is None and township is None:
                raise serializers.ValidationError({"township": [_("请填写投诉（举报）所向的乡镇")]})
            if case is not None and township is not None and case.township_id != township.pk:
                raise serializers.ValidationError({"case_reference": [_("案件编号不存在")]})
            return attrs

    @extend_schema(request=FileComplaintInputSerializer, responses={201: ComplaintReceiptOut})
    def post(self, request):
        payload = self.FileComplaintInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        complaint = public.file_complaint(
            kind=data["kind"],
            subject=data["subject"],
            content=data["content"],
            case=data["case_reference"],
            township=data.get("township"),
            complainant_name=data["name"],
            complainant_contact=data["contact"],
            now=self.now,
        )
        return Response(ComplaintReceiptOut(complaint).data, status=status.HTTP_201_CREATED)


class ReceiptView(PublicView):
    """凭回执编号查询异议或投诉举报的处理情况（不含任何人的身份）。"""

    @extend_schema(responses=out.ReceiptSerializer)
    def get(self, request, number: str):
        return Response(out.ReceiptSerializer(public.lookup_receipt(number)).data)
