"""Serializers of cases and tasks: inbox rows, case lists and details, step results, audit events,
replay reports and task forms."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from engine import rules, selectors
from engine.models import (
    AuditEvent,
    Case,
    WorkItem,
)

LIGHT_CHOICES = [(light, light) for light in selectors.LIGHTS]


def lights_of(context: dict[str, Any]) -> selectors.Lights:
    """The request's memo of the holiday table, kept in the serializer context (shared by its rows)."""
    lights = context.get("lights")
    if lights is None:
        lights = context["lights"] = selectors.Lights()
    return lights


# ------------------------------------------------------------------------------------------
# Cases and tasks
# ------------------------------------------------------------------------------------------


class WorkItemSerializer(serializers.ModelSerializer):
    claimed_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    light = serializers.SerializerMethodField()

    class Meta:
        model = WorkItem
        fields = [
            "task_id",
            "bpmn_id",
            "name",
            "lane",
            "member",
            "mi_index",
            "form",
            "claimed_by",
            "created_at",
            "due_at",
            "escalation_level",
            "light",
        ]

    @extend_schema_field(serializers.ChoiceField(choices=LIGHT_CHOICES))
    def get_light(self, item: WorkItem) -> str:
        return selectors.light(due_at=item.due_at, legal_due_at=item.case.legal_due_at, now=self.context["now"],
                               paused_since=item.case.paused_since, lights=lights_of(self.context))  # fmt: skip


class CaseBriefSerializer(serializers.ModelSerializer):
    power_name = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = ["id", "reference", "power_code", "power_name", "status"]

    def get_power_name(self, case: Case) -> str:
        return self.context.get("power_names", {}).get(case.power_code, "")


class InboxItemSerializer(WorkItemSerializer):
    """An inbox row. The declared fields make the schema; `to_representation` builds the same
    dictionary directly (an inbox page is 50 rows, and DRF's per-field machinery was most of its
    time): `tests/api/test_fast_rows.py` checks both give the same output for every row."""

    case = CaseBriefSerializer()

    class Meta(WorkItemSerializer.Meta):
        fields = WorkItemSerializer.Meta.fields + ["case"]

    def to_representation(self, item: WorkItem) -> dict[str, Any]:
        fields, case = self.fields, item.case
        created, due = fields["created_at"], fields["due_at"]
        return {
            "task_id": str(item.task_id), "bpmn_id": item.bpmn_id, "name": item.name, "lane": item.lane,
            "member": item.member, "mi_index": item.mi_index, "form": item.form,
            "claimed_by": item.claimed_by.username if item.claimed_by_id is not None else None,
            "created_at": created.to_representation(item.created_at),
            "due_at": due.to_representation(item.due_at) if item.due_at is not None else None,
            "escalation_level": item.escalation_level, "light": self.get_light(item),
            "case": {
                "id": str(case.pk), "reference": case.reference, "power_code": case.power_code,
                "power_name": self.context.get("power_names", {}).get(case.power_code, ""), "status": case.status,
            },
        }  # fmt: skip


class CaseSerializer(serializers.ModelSerializer):
    power_name = serializers.SerializerMethodField()
    process_id = serializers.CharField(source="definition.process_id")
    definition_version = serializers.IntegerField(source="definition.version")
    organization = serializers.SlugRelatedField(slug_field="code", read_only=True)
    organization_name = serializers.CharField(source="organization.name")
    township = serializers.SlugRelatedField(slug_field="code", read_only=True)
    township_name = serializers.CharField(source="township.name")
    handling_unit = serializers.CharField(source="handling_unit.name", default=None, allow_null=True)
    status_display = serializers.CharField(source="get_status_display")
    started_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    paused = serializers.SerializerMethodField()
    paused_days = serializers.SerializerMethodField(help_text="计时暂停的工作日数（补正、公示、听证、县级审批等不计入办理时限）")
    light = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id",
            "reference",
            "power_code",
            "power_name",
            "process_id",
            "definition_version",
            "organization",
            "organization_name",
            "township",
            "township_name",
            "handling_unit",
            "status",
            "status_display",
            "started_by",
            "started_at",
            "closed_at",
            "due_at",
            "legal_due_at",
            "paused",
            "paused_days",
            "light",
            "separate_filing",
        ]

    def get_power_name(self, case: Case) -> str:
        return self.context.get("power_names", {}).get(case.power_code, "")

    def get_paused(self, case: Case) -> bool:
        return case.paused_since is not None

    def get_paused_days(self, case: Case) -> int:
        return rules.paused_days(case, self.context["now"], lights=lights_of(self.context))

    @extend_schema_field(serializers.ChoiceField(choices=LIGHT_CHOICES, allow_null=True))
    def get_light(self, case: Case) -> str | None:
        if case.status != Case.Status.RUNNING:
            return None
        return selectors.light(due_at=case.due_at, legal_due_at=case.legal_due_at, now=self.context["now"],
                               paused_since=case.paused_since, lights=lights_of(self.context))  # fmt: skip


class TimerSerializer(serializers.Serializer):
    bpmn_id = serializers.CharField()
    due_at = serializers.DateTimeField()


class CaseDetailSerializer(CaseSerializer):
    tasks = serializers.SerializerMethodField()
    timers = serializers.SerializerMethodField()
    start_data = serializers.SerializerMethodField()
    events = serializers.IntegerField(source="last_sequence")

    class Meta(CaseSerializer.Meta):
        fields = CaseSerializer.Meta.fields + [
            "paused_since",
            "next_timer_due",
            "events",
            "tasks",
            "timers",
            "start_data",
        ]

    @extend_schema_field(WorkItemSerializer(many=True))
    def get_tasks(self, case: Case) -> list[dict[str, Any]]:
        items = list(case.work_items.select_related("claimed_by").order_by("created_at", "bpmn_id", "mi_index"))
        for item in items:
            item.case = case  # the case in hand, not a second read of it (nor its snapshot) per row
        return WorkItemSerializer(items, many=True, context=self.context).data

    @extend_schema_field(TimerSerializer(many=True))
    def get_timers(self, case: Case) -> list[dict[str, Any]]:
        return TimerSerializer(case.timers.filter(status="pending").order_by("due_at"), many=True).data

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_start_data(self, case: Case) -> dict[str, Any]:
        event = case.audit_events.filter(kind=AuditEvent.Kind.CASE_STARTED).first()
        return dict((event.payload or {}).get("data") or {}) if event else {}


class StepResultSerializer(serializers.ModelSerializer):
    """The answer to a claim, unclaim or completion: where the case now stands and the tasks the step
    opened or changed (`tasks`) or closed (`closed_tasks`); the whole case is GET /api/cases/{id}/."""

    status_display = serializers.CharField(source="get_status_display")
    events = serializers.IntegerField(source="last_sequence", help_text="审计事件数（本步之后）")
    paused = serializers.SerializerMethodField()
    light = serializers.SerializerMethodField()
    tasks = serializers.SerializerMethodField(help_text="本步新开或改变（认领、退回）的任务")
    closed_tasks = serializers.SerializerMethodField(help_text="本步结束的任务的 task_id")

    class Meta:
        model = Case
        fields = ["id", "reference", "status", "status_display", "events", "due_at", "legal_due_at", "paused",
                  "light", "closed_at", "tasks", "closed_tasks"]  # fmt: skip

    def get_paused(self, case: Case) -> bool:
        return case.paused_since is not None

    @extend_schema_field(serializers.ChoiceField(choices=LIGHT_CHOICES, allow_null=True))
    def get_light(self, case: Case) -> str | None:
        return CaseSerializer.get_light(self, case)

    @extend_schema_field(WorkItemSerializer(many=True))
    def get_tasks(self, case: Case) -> list[dict[str, Any]]:
        items = sorted(getattr(case, "changed_work_items", []), key=lambda i: (i.created_at, i.bpmn_id, i.mi_index))
        return WorkItemSerializer(items, many=True, context=self.context).data

    @extend_schema_field(serializers.ListField(child=serializers.UUIDField()))
    def get_closed_tasks(self, case: Case) -> list[str]:
        return [str(task_id) for task_id in sorted(getattr(case, "closed_task_ids", []), key=str)]


class AuditEventSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(
        help_text="case_started、task_claimed、task_unclaimed、task_completed、message_received、"
        "timer_fired、case_cancelled、deadline_escalated、conflict_declared"
    )
    kind_display = serializers.CharField(source="get_kind_display")
    actor = serializers.CharField(source="actor_name")
    task_name = serializers.SerializerMethodField()

    class Meta:
        model = AuditEvent
        fields = [
            "sequence",
            "kind",
            "kind_display",
            "actor",
            "at",
            "bpmn_id",
            "mi_index",
            "task_name",
            "payload",
            "state_hash",
            "prev_hash",
            "hash",
        ]

    def get_task_name(self, event: AuditEvent) -> str:
        info = self.context["user_tasks"].get(event.bpmn_id)
        return info.name if info is not None else ""


class ReplayReportSerializer(serializers.Serializer):
    case_id = serializers.UUIDField()
    reference = serializers.CharField()
    ok = serializers.BooleanField(help_text=_("定义未变、审计链完整、每一步重放都得到记录的状态摘要"))
    step = serializers.IntegerField(help_text=_("重放到的审计序号"))
    events = serializers.IntegerField()
    definition_intact = serializers.BooleanField()
    chain = serializers.DictField()
    divergence = serializers.DictField(allow_null=True)
    status = serializers.CharField()
    ready_tasks = serializers.ListField(child=serializers.DictField())
    completed_tasks = serializers.ListField(child=serializers.DictField())
    data = serializers.DictField()
    node_states = serializers.DictField(child=serializers.CharField())


class TaskFormSerializer(serializers.Serializer):
    task_id = serializers.UUIDField()
    bpmn_id = serializers.CharField()
    name = serializers.CharField()
    lane = serializers.CharField()
    form = serializers.CharField(allow_null=True)
    schema = serializers.DictField(allow_null=True, help_text=_("JSON Schema（Draft 2020-12）"))
