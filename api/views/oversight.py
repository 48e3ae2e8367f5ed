"""Oversight: complaints (identity for the discipline inspector only), objection receipts and
accountability records (inspector and leaders), within what each user may see."""

from __future__ import annotations

from django.db.models import Q
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from api import access
from api import serializers as out
from api.views.base import StaffListView, StaffView
from engine import public
from engine.models import AccountabilityRecord, Complaint, ObjectionReceipt


def _sees_identity(user) -> bool:
    return access.INSPECTOR in access.positions_held(user)


def _complaints(user):
    visible = access.visible_cases(user).values("pk")
    return Complaint.objects.filter(
        Q(case__isnull=True) | Q(case__in=visible), township_id__in=access.scope_of(user).township_ids
    ).select_related("case", "handled_by", "township")


class ComplaintFilter(serializers.Serializer):
    status = serializers.ChoiceField(choices=Complaint.Status.choices, required=False)
    kind = serializers.ChoiceField(choices=Complaint.Kind.choices, required=False)
    number = serializers.CharField(required=False, max_length=32, help_text="受理编号（投诉人来电时报的号码）")


@extend_schema(parameters=[ComplaintFilter], responses=out.ComplaintWithIdentitySerializer(many=True))
class ComplaintListView(StaffListView):
    """投诉举报（纪检委员可见投诉人身份；主要负责人、分管领导只见事项）。"""

    required_positions = {"GET": access.LEADERS_AND_INSPECTOR}

    def get_serializer_class(self):
        return out.ComplaintWithIdentitySerializer if _sees_identity(self.request.user) else out.ComplaintSerializer

    def get_queryset(self):
        params = ComplaintFilter(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return _complaints(self.request.user).filter(**params.validated_data).order_by("-received_at", "-id")


def _get_complaint(user, complaint_id: int) -> Complaint:
    complaint = _complaints(user).filter(pk=complaint_id).first()
    if complaint is None:
        raise public.ComplaintNotFound(complaint_id=complaint_id)
    return complaint


def _complaint_body(user, complaint: Complaint) -> dict:
    serializer = out.ComplaintWithIdentitySerializer if _sees_identity(user) else out.ComplaintSerializer
    return serializer(complaint).data


class ComplaintDetailView(StaffView):
    required_positions = {"GET": access.LEADERS_AND_INSPECTOR}

    @extend_schema(responses=out.ComplaintWithIdentitySerializer)
    def get(self, request, complaint_id: int):
        return Response(_complaint_body(request.user, _get_complaint(request.user, complaint_id)))


class ReplyComplaintView(StaffView):
    """答复投诉举报：登记调查核实情况和答复意见（纪检委员）。"""

    required_positions = {"POST": access.INSPECTORS}

    class ReplyComplaintInputSerializer(serializers.Serializer):
        finding = serializers.CharField(max_length=4000, help_text="调查核实情况")
        reply = serializers.CharField(max_length=4000, help_text="答复投诉人的意见")

    @extend_schema(request=ReplyComplaintInputSerializer, responses=out.ComplaintWithIdentitySerializer)
    def post(self, request, complaint_id: int):
        complaint = _get_complaint(request.user, complaint_id)
        payload = self.ReplyComplaintInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        complaint = public.reply_complaint(complaint.pk, actor=request.user, now=self.now, **payload.validated_data)
        return Response(_complaint_body(request.user, complaint))


class CaseQuery(serializers.Serializer):
    case = serializers.UUIDField(required=False, help_text="只列这个案件的")


@extend_schema(parameters=[CaseQuery])
class ObjectionListView(StaffListView):
    """公示异议登记（含异议人身份，仅纪检委员）。"""

    serializer_class = out.ObjectionReceiptSerializer
    required_positions = {"GET": access.INSPECTORS}

    def get_queryset(self):
        params = CaseQuery(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        receipts = ObjectionReceipt.objects.filter(
            case__in=access.visible_cases(self.request.user).values("pk"),
            township_id__in=access.scope_of(self.request.user).township_ids,
        )
        if params.validated_data.get("case"):
            receipts = receipts.filter(case_id=params.validated_data["case"])
        return receipts.select_related("case").order_by("-received_at", "-id")


@extend_schema(parameters=[CaseQuery])
class AccountabilityListView(StaffListView):
    """问责记录：超时督办、久拖不办（纪检委员、主要负责人、分管领导）。"""

    serializer_class = out.AccountabilityRecordSerializer
    required_positions = {"GET": access.LEADERS_AND_INSPECTOR}

    def get_queryset(self):
        params = CaseQuery(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        records = AccountabilityRecord.objects.filter(
            case__in=access.visible_cases(self.request.user).values("pk"),
            township_id__in=access.scope_of(self.request.user).township_ids,
        )
        if params.validated_data.get("case"):
            records = records.filter(case_id=params.validated_data["case"])
        return (records.select_related("case").prefetch_related("outcomes__case", "outcomes__person")
                .order_by("-created_at", "-id"))  # fmt: skip
