"""Domain errors: one hierarchy, each with a machine-readable code and the data that explains it.

Messages are Chinese (the township's language) through gettext, so English is available by
switching the active language. Engine errors know nothing about HTTP; the API maps them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop


class EngineError(Exception):
    """Base for every error the engine raises on purpose. Never raised itself."""

    code: ClassVar[str] = "engine_error"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    @property
    def fields(self) -> Mapping[str, Sequence[str]]:
        return {}


class ClockNotSet(EngineError):
    code = "clock_not_set"

    def __init__(self) -> None:
        super().__init__(_("引擎运行时未提供时钟（内部错误）"))


class DefinitionInvalid(EngineError):
    code = "definition_invalid"

    def __init__(self, *, filename: str, line: int | None, message: str) -> None:
        where = f"{filename}:{line}" if line else filename
        super().__init__(_("流程定义无效（%(where)s）：%(message)s") % {"where": where, "message": message},
                         filename=filename, line=line)  # fmt: skip
        self.filename, self.line = filename, line


class DefinitionMismatch(EngineError):
    code = "definition_mismatch"

    def __init__(self, *, expected: str, actual: str) -> None:
        super().__init__(_("案件快照与其绑定的流程版本不一致"), expected=expected, actual=actual)


class DefinitionNotFound(EngineError):
    code = "definition_not_found"

    def __init__(self, *, process_id: str) -> None:
        super().__init__(_("流程 %(process)s 尚未载入") % {"process": process_id}, process_id=process_id)


class PowerNotListed(EngineError):
    code = "power_not_listed"

    def __init__(self, *, power: str) -> None:
        super().__init__(_("“%(power)s”不在现行权力清单内，清单之外无权力") % {"power": power}, power=power)


class OrganizationNotFound(EngineError):
    code = "organization_not_found"

    def __init__(self, *, organization: str) -> None:
        super().__init__(_("组织 %(org)s 不存在") % {"org": organization}, organization=organization)


class OrganizationNotInTownship(EngineError):
    code = "organization_not_in_township"

    def __init__(self, *, organization: str) -> None:
        super().__init__(_("组织 %(org)s 不属于任何乡镇：案件、投诉须属于一个乡镇") % {"org": organization},
                         organization=organization)  # fmt: skip


class CaseNotFound(EngineError):
    code = "case_not_found"

    def __init__(self, *, case_id: Any) -> None:
        super().__init__(_("案件 %(case)s 不存在") % {"case": case_id}, case_id=str(case_id))


class CaseClosed(EngineError):
    code = "case_closed"

    def __init__(self, *, case_id: Any, status: str) -> None:
        super().__init__(_("案件已结束（%(status)s），不能再办理") % {"status": status},
                         case_id=str(case_id), status=status)  # fmt: skip


class TaskNotFound(EngineError):
    code = "task_not_found"

    def __init__(self, *, task: str) -> None:
        super().__init__(_("任务 %(task)s 不存在") % {"task": task}, task=task)


class TaskNotReady(EngineError):
    code = "task_not_ready"

    def __init__(self, *, task: str, state: str) -> None:
        super().__init__(_("任务 %(task)s 当前不可办理（状态：%(state)s）") % {"task": task, "state": state},
                         task=task, state=state)  # fmt: skip


class TaskClaimedByOther(EngineError):
    code = "task_claimed_by_other"

    def __init__(self, *, task: str, claimed_by: str) -> None:
        super().__init__(_("任务已由 %(user)s 认领") % {"user": claimed_by}, task=task, claimed_by=claimed_by)


class TaskNotClaimed(EngineError):
    code = "task_not_claimed"

    def __init__(self, *, task: str) -> None:
        super().__init__(_("任务未被您认领"), task=task)


class NotAssignedMember(EngineError):
    code = "not_assigned_member"

    def __init__(self, *, task: str, member: str) -> None:
        super().__init__(_("该表态任务属于 %(member)s，只能由本人办理") % {"member": member}, task=task, member=member)


class InvalidTaskData(EngineError):
    code = "invalid_task_data"

    def __init__(self, *, fields: Mapping[str, Sequence[str]]) -> None:
        super().__init__(_("提交的数据不符合表单要求"))
        self._fields = {k: list(v) for k, v in fields.items()}

    @property
    def fields(self) -> Mapping[str, Sequence[str]]:
        return self._fields


class ProcessError(EngineError):
    code = "process_error"

    def __init__(self, *, message: str) -> None:
        super().__init__(_("流程执行出错：%(message)s") % {"message": message})


class ScriptNotAllowed(DefinitionInvalid):
    """A script or condition of a definition does not compile or breaks the script policy."""

    code = "script_not_allowed"

    def __init__(self, *, filename: str, task: str, problems: Sequence[str]) -> None:
        EngineError.__init__(self, _("流程定义中的脚本或条件不符合脚本规则（%(file)s，%(task)s）：%(problems)s")
                             % {"file": filename, "task": task, "problems": "；".join(problems)},
                             filename=filename, task=task, problems=list(problems))  # fmt: skip
        self.filename, self.line, self.task, self.problems = filename, None, task, list(problems)


class DefinitionNotRunnable(DefinitionInvalid):
    """A definition from another modeler has elements the engine cannot run; `findings` lists each
    (code, BPMN id, element kind, reason in Chinese and English; see engine/bpmn/standard.py)."""

    code = "definition_not_runnable"

    def __init__(self, *, filename: str, findings: Sequence[Mapping[str, Any]]) -> None:
        summary = "；".join(f"{f.get('code')} {f.get('bpmn_id')}" for f in findings)
        EngineError.__init__(self, _("流程定义含本引擎不能运行的元素（%(file)s）：%(summary)s")
                             % {"file": filename, "summary": summary},
                             filename=filename, findings=[dict(f) for f in findings])  # fmt: skip
        self.filename, self.line, self.findings = filename, None, [dict(f) for f in findings]


class ScriptBudgetExceeded(EngineError):
    code = "script_budget_exceeded"

    KINDS = {
        "steps": gettext_noop("步数"), "time": gettext_noop("运行时间"), "memory": gettext_noop("内存"),
        "size": gettext_noop("数据大小"),
    }  # fmt: skip

    def __init__(self, *, kind: str, detail: str) -> None:
        super().__init__(_("流程中的脚本或条件超出%(kind)s限制，已停止执行，案件未改变（%(detail)s）")
                         % {"kind": _(self.KINDS.get(kind, kind)), "detail": detail}, kind=kind, detail=detail)  # fmt: skip


class DataTooLarge(EngineError):
    code = "data_too_large"

    def __init__(self, *, size: int, limit: int) -> None:
        super().__init__(_("提交的数据过大（约 %(size)s 字符，上限 %(limit)s），未保存") % {"size": size, "limit": limit},
                         size=size, limit=limit)  # fmt: skip


class SnapshotTooLarge(EngineError):
    code = "snapshot_too_large"

    def __init__(self, *, size: int, limit: int) -> None:
        super().__init__(_("案件状态过大（%(size)s 字符，上限 %(limit)s），未保存") % {"size": size, "limit": limit},
                         size=size, limit=limit)  # fmt: skip


class MessageNotExpected(EngineError):
    code = "message_not_expected"

    def __init__(self, *, name: str) -> None:
        super().__init__(_("案件当前不接收“%(name)s”") % {"name": name}, name=name)


class ReasonRequired(EngineError):
    code = "reason_required"

    def __init__(self) -> None:
        super().__init__(_("必须填写理由"))


class AuditChainBroken(EngineError):
    code = "audit_chain_broken"

    def __init__(self, *, case_id: Any, sequence: int, problem: str) -> None:
        super().__init__(_("案件 %(case)s 的审计链在第 %(seq)s 条断裂：%(problem)s")
                         % {"case": case_id, "seq": sequence, "problem": problem},
                         case_id=str(case_id), sequence=sequence)  # fmt: skip


class SnapshotTampered(EngineError):
    """The stored snapshot (or its state hash) is not the state the audit chain ends in.

    Raised before any further step is applied, so the case refuses to advance and the edit is
    never blamed on the next person who acts on it."""

    code = "snapshot_tampered"

    def __init__(self, *, case_id: Any, sequence: int, expected: str, actual: str) -> None:
        super().__init__(_("案件 %(case)s 的流程快照或状态摘要被改动（与第 %(seq)s 条审计事件记录的状态不符），案件暂停办理，请纪检监督员核查")
                         % {"case": case_id, "seq": sequence},
                         case_id=str(case_id), sequence=sequence, expected=expected, actual=actual)  # fmt: skip


def all_error_classes() -> list[type[EngineError]]:
    """Every concrete EngineError subclass (for the API's mapping test)."""
    found: list[type[EngineError]] = []
    pending = list(EngineError.__subclasses__())
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return sorted(found, key=lambda c: c.__name__)


class NotInLane(EngineError):
    code = "not_in_lane"

    def __init__(self, *, task: str, lane: str) -> None:
        super().__init__(_("您不担任“%(lane)s”岗位，不能办理该环节") % {"lane": lane}, task=task, lane=lane)


class SeparationOfDuties(EngineError):
    code = "separation_of_duties"

    MESSAGES = {
        "applicant_never_acts": gettext_noop("申请人本人不得经办本案"),
        "agent_never_acts": gettext_noop("代办员不得经办其代为申请的案件"),
        "acceptor_not_reviewer": gettext_noop("受理人不得审核同一案件"),
        "reviewer_not_approver": gettext_noop("审核人不得审批同一案件"),
    }

    def __init__(self, *, rule: str) -> None:
        super().__init__(_("违反职责分离：%(why)s") % {"why": _(self.MESSAGES.get(rule, rule))}, rule=rule)


class ConflictOfInterest(EngineError):
    code = "conflict_of_interest"

    def __init__(self, *, user: str) -> None:
        super().__init__(_("%(user)s 与本案有利害关系，应当回避") % {"user": user}, user=user)


class ChiefNotDirectHandler(EngineError):
    code = "chief_not_direct_handler"

    AREAS = {
        "财务": gettext_noop("财务"), "人事": gettext_noop("人事"), "工程项目": gettext_noop("工程项目"),
        "行政审批": gettext_noop("行政审批"), "物资采购": gettext_noop("物资采购"),
    }  # fmt: skip

    def __init__(self, *, areas: list[str]) -> None:
        names = _("、").join(_(self.AREAS.get(area, area)) for area in areas)
        super().__init__(_("“五不直接分管”：主要负责人不直接分管、经办%(areas)s事项") % {"areas": names},
                         areas=areas)  # fmt: skip


class ChiefMustSpeakLast(EngineError):
    code = "chief_must_speak_last"

    def __init__(self, *, waiting: int) -> None:
        super().__init__(_("末位表态：还有 %(n)s 名成员未表态，主要负责人须最后表态") % {"n": waiting}, waiting=waiting)


class QuorumNotMet(EngineError):
    code = "quorum_not_met"

    def __init__(self, *, present: int, expected: int, fraction: str) -> None:
        super().__init__(_("到会 %(present)s 人，应到 %(expected)s 人，未达到法定人数，不能开会表决")
                         % {"present": present, "expected": expected},
                         present=present, expected=expected, fraction=fraction)  # fmt: skip


class PositionNotFound(EngineError):
    code = "position_not_found"

    def __init__(self, *, position: str) -> None:
        super().__init__(_("岗位 %(position)s 不存在") % {"position": position}, position=position)


class NotAuthorized(EngineError):
    code = "not_authorized"

    def __init__(self, *, action: str, required: list[str]) -> None:
        if required:
            message = _("您在本案所属组织中不担任可执行“%(action)s”的岗位（需要：%(required)s）") % {
                "action": action, "required": "、".join(required)}  # fmt: skip
        else:
            message = _("您在本案所属组织中没有岗位，不能执行“%(action)s”") % {"action": action}
        super().__init__(message, action=action, required=required)


class ClockBehindRecord(EngineError):
    code = "clock_behind_record"

    def __init__(self, *, at: str, last: str) -> None:
        super().__init__(_("办理时间 %(at)s 早于本案已记录的最后时间 %(last)s：审计时间不能倒退") % {"at": at, "last": last},
                         at=at, last=last)  # fmt: skip


class SettingNotFound(EngineError):
    code = "setting_not_found"

    def __init__(self, *, key: str) -> None:
        super().__init__(_("设置项 %(key)s 不存在") % {"key": key}, key=key)


class ChangeSetNotFound(EngineError):
    code = "change_set_not_found"

    def __init__(self, *, change_set: Any) -> None:
        super().__init__(_("清单变更 #%(id)s 不存在") % {"id": change_set}, change_set=change_set)


class ChangeSetClosed(EngineError):
    code = "change_set_closed"

    def __init__(self, *, change_set: Any, status: str) -> None:
        super().__init__(_("清单变更 #%(id)s 已审批（%(status)s），不能再次审批") % {"id": change_set, "status": status},
                         change_set=change_set, status=status)  # fmt: skip


class ProposerCannotApprove(EngineError):
    code = "proposer_cannot_approve"

    def __init__(self, *, change_set: Any) -> None:
        super().__init__(_("两阅制：清单变更 #%(id)s 的提出人不能自己审批") % {"id": change_set}, change_set=change_set)


class ChangeSetStale(EngineError):
    code = "change_set_stale"

    def __init__(self, *, change_set: Any) -> None:
        super().__init__(_("清单变更 #%(id)s 提出后清单已有其他变化，请重新提出") % {"id": change_set},
                         change_set=change_set)  # fmt: skip
