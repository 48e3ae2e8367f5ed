"""Serializers of the public's participation (notices, objections, complaints) and of oversight
(accountability records, the user's own posts)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from engine.models import (
    AccountabilityRecord,
    Complaint,
    ObjectionReceipt,
)

# ------------------------------------------------------------------------------------------
# Public participation and oversight
# ------------------------------------------------------------------------------------------


class NoticeSerializer(serializers.Serializer):
    case_id = serializers.UUIDField(source="case.pk")
    reference = serializers.CharField(source="case.reference")
    power_code = serializers.CharField(source="case.power_code")
    power_name = serializers.SerializerMethodField()
    township = serializers.CharField(source="case.township.code")
    township_name = serializers.CharField(source="case.township.name")
    handling_unit = serializers.CharField(source="case.handling_unit.name", default=None, allow_null=True)
    applicant = serializers.CharField()
    title = serializers.CharField()
    place = serializers.CharField()
    content = serializers.CharField()
    notice_start = serializers.DateTimeField(allow_null=True)
    notice_end = serializers.DateTimeField()
    objection_channel = serializers.CharField()

    def get_power_name(self, notice) -> str:
        return self.context.get("power_names", {}).get(notice.case.power_code, "")

    def to_representation(self, notice) -> dict[str, Any]:
        """The declared fields' output, built directly (see `InboxItemSerializer`)."""
        case, start, end = notice.case, self.fields["notice_start"], self.fields["notice_end"]
        unit = case.handling_unit
        return {
            "case_id": str(case.pk), "reference": case.reference, "power_code": case.power_code,
            "power_name": self.get_power_name(notice), "township": case.township.code,
            "township_name": case.township.name, "handling_unit": unit.name if unit is not None else None,
            "applicant": notice.applicant, "title": notice.title, "place": notice.place, "content": notice.content,
            "notice_start": start.to_representation(notice.notice_start) if notice.notice_start is not None else None,
            "notice_end": end.to_representation(notice.notice_end), "objection_channel": notice.objection_channel,
        }  # fmt: skip


class ObjectionReceiptSerializer(serializers.ModelSerializer):
    """For the discipline inspector: with the objector's identity."""

    case = serializers.UUIDField(source="case_id")
    case_reference = serializers.CharField(source="case.reference")

    class Meta:
        model = ObjectionReceipt
        fields = [
            "number",
            "case",
            "case_reference",
            "content",
            "evidence",
            "objector_name",
            "objector_contact",
            "received_at",
            "audit_sequence",
        ]


class ComplaintSerializer(serializers.ModelSerializer):
    """Without the complainant's identity (leaders)."""

    case_reference = serializers.CharField(source="case.reference", default=None, allow_null=True)
    township = serializers.SlugRelatedField(slug_field="code", read_only=True)
    status = serializers.CharField(help_text="registered 已登记、replied 已答复")
    handled_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = Complaint
        fields = [
            "id",
            "number",
            "kind",
            "subject",
            "content",
            "case_reference",
            "township",
            "status",
            "received_at",
            "reply_due_at",
            "finding",
            "reply",
            "handled_by",
            "replied_at",
        ]


class ComplaintWithIdentitySerializer(ComplaintSerializer):
    """For the discipline inspector only."""

    class Meta(ComplaintSerializer.Meta):
        fields = ComplaintSerializer.Meta.fields + ["complainant_name", "complainant_contact"]


class ReceiptSerializer(serializers.Serializer):
    number = serializers.CharField()
    kind = serializers.CharField(help_text="objection 异议、complaint 投诉、report 举报")
    received_at = serializers.DateTimeField()
    status = serializers.CharField()
    case_reference = serializers.CharField()
    reply = serializers.CharField()
    replied_at = serializers.DateTimeField(allow_null=True)


class RecordOutcomeSerializer(serializers.Serializer):
    case_reference = serializers.CharField(help_text="问责案件编号")
    person = serializers.CharField()
    outcome = serializers.CharField()
    outcome_display = serializers.CharField()


class AccountabilityRecordSerializer(serializers.ModelSerializer):
    case = serializers.UUIDField(source="case_id")
    case_reference = serializers.CharField(source="case.reference")
    kind = serializers.CharField(help_text="overdue 超时、long_delay 久拖不办")
    kind_display = serializers.CharField(source="get_kind_display")
    outcomes = serializers.SerializerMethodField(help_text="问责结果（问责案件办结后）：当事人和问责方式；空表示尚未结案")

    class Meta:
        model = AccountabilityRecord
        fields = [
            "id",
            "case",
            "case_reference",
            "kind",
            "kind_display",
            "level",
            "bpmn_id",
            "task_name",
            "responsibility_code",
            "handler_name",
            "station_head_name",
            "notified",
            "due_at",
            "created_at",
            "outcomes",
        ]

    @extend_schema_field(RecordOutcomeSerializer(many=True))
    def get_outcomes(self, record: AccountabilityRecord) -> list[dict[str, str]]:
        return [{"case_reference": o.case.reference, "person": o.person.username, "outcome": o.outcome,
                 "outcome_display": o.get_outcome_display()} for o in record.outcomes.all()]  # fmt: skip


class AssignmentSerializer(serializers.Serializer):
    position = serializers.CharField(source="position.code")
    position_name = serializers.CharField(source="position.name")
    organization = serializers.CharField(source="organization.code")
    organization_name = serializers.CharField(source="organization.name")
    areas = serializers.ListField(child=serializers.CharField())


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField()
    assignments = AssignmentSerializer(many=True)
