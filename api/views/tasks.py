"""Tasks: my inbox, claim, unclaim, complete with data, and the JSON Schema form of a task."""

from __future__ import annotations

from uuid import UUID

from django.db.models import F
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from api import access
from api import serializers as out
from api.views.base import StaffListView, StaffView
from engine import exceptions as engine_errors
from engine import services


_INBOX_COLUMNS = (
    "case", "task_id", "bpmn_id", "name", "mi_index", "member", "lane", "form", "claimed_by",
    "created_at", "due_at", "escalation_level", "claimed_by__username",
    "case__reference", "case__power_code", "case__status", "case__legal_due_at", "case__paused_since",
)  # fmt: skip


class InboxView(StaffListView):
    """我的待办：本人岗位所在泳道的任务、本人认领的任务、指定本人表态或签字的任务。"""

    serializer_class = out.InboxItemSerializer

    def get_queryset(self):
        return (
            access.inbox(self.request.user)
            .select_related("case", "claimed_by")
            .only(*_INBOX_COLUMNS)  # the row shows the case's reference and status, never its snapshot
            .order_by(F("due_at").asc(nulls_last=True), "created_at", "id")
        )


class _TaskAction(StaffView):
    """The service checks the API's visibility rule on the row it locks (one read of the case);
    the answer is the step's result (the changed tasks and the case's status), not the whole case
    (GET /api/cases/{id}/). A malformed body is refused after the same visibility check."""

    required_positions = {"POST": None}

    def sees(self, case) -> bool:
        return access.sees(self.request.user, case)

    def respond(self, case) -> Response:
        return Response(out.StepResultSerializer(case, context=self.context()).data)


class ClaimTaskView(_TaskAction):
    """认领任务：认领后只有本人能办理。"""

    @extend_schema(request=None, responses=out.StepResultSerializer)
    def post(self, request, case_id: UUID, task_id: UUID):
        return self.respond(services.claim_task(case_id, task_id=task_id, actor=request.user, now=self.now,
                                                sees=self.sees))


class UnclaimTaskView(_TaskAction):
    """退回认领。"""

    @extend_schema(request=None, responses=out.StepResultSerializer)
    def post(self, request, case_id: UUID, task_id: UUID):
        return self.respond(services.unclaim_task(case_id, task_id=task_id, actor=request.user, now=self.now,
                                                  sees=self.sees))


class CompleteTaskView(_TaskAction):
    """办理任务：data 须符合该任务的表单（JSON Schema）。"""

    class CompleteTaskInputSerializer(serializers.Serializer):
        data = serializers.DictField(help_text="表单数据，见 GET …/form/")

    @extend_schema(request=CompleteTaskInputSerializer, responses=out.StepResultSerializer)
    def post(self, request, case_id: UUID, task_id: UUID):
        payload = self.CompleteTaskInputSerializer(data=request.data)
        if not payload.is_valid():
            access.get_visible_case(request.user, case_id)  # a case he may not see is not found, body or not
            raise serializers.ValidationError(payload.errors)
        return self.respond(services.complete_task(
            case_id, task_id=task_id, actor=request.user, data=payload.validated_data["data"], now=self.now,
            sees=self.sees,
        ))


class TaskFormView(StaffView):
    """任务的表单：JSON Schema（取自该案件绑定的流程版本）。"""

    @extend_schema(responses=out.TaskFormSerializer)
    def get(self, request, case_id: UUID, task_id: UUID):
        case = access.get_visible_case(request.user, case_id)
        item = case.work_items.filter(task_id=task_id).first()
        if item is None:
            raise engine_errors.TaskNotFound(task=str(task_id))
        parsed = services.parsed_definition(case.definition)
        info = parsed.user_tasks.get(item.bpmn_id)
        form = info.form if info is not None else None
        body = {
            "task_id": item.task_id,
            "bpmn_id": item.bpmn_id,
            "name": item.name,
            "lane": item.lane,
            "form": form,
            "schema": parsed.forms.get(form) if form else None,
        }
        return Response(out.TaskFormSerializer(body).data)
