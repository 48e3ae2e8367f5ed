"""Refusals of the rules the system enforces (periods, meetings, start data).

Each has its own machine-readable code; the messages are Chinese through gettext (English in
locale/en). They share the base `RuleViolation`, which the API maps to 422.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from engine import form_messages
from engine.exceptions import EngineError


class RuleViolation(EngineError):
    """Base of the refusals below. Never raised itself."""

    code = "rule_violation"

    def __init__(self, *, rule: str) -> None:
        super().__init__(_("不符合规则“%(rule)s”") % {"rule": rule}, rule=rule)


class NotAMember(RuleViolation):
    code = "not_a_member"

    def __init__(self, *, members: Sequence[str]) -> None:
        EngineError.__init__(self, _("%(members)s 不是本乡班子成员（应到会名单由岗位任职生成），不能列为到会、缺席或回避人员")
                         % {"members": "、".join(members)}, members=list(members))  # fmt: skip


class RosterIncomplete(RuleViolation):
    code = "roster_incomplete"

    def __init__(self, *, members: Sequence[str]) -> None:
        EngineError.__init__(self, _("应到会人员 %(members)s 未标明到会或缺席（缺席须写明原因）")
                         % {"members": "、".join(members)}, members=list(members))  # fmt: skip


class PresiderNotDesignated(RuleViolation):
    code = "presider_not_designated"

    def __init__(self, *, candidate: str = "") -> None:
        EngineError.__init__(self, _("主要负责人未到会：须记录主要负责人指定的、到会的分管领导主持（%(who)s 不符合）")
                         % {"who": candidate or "—"}, candidate=candidate)  # fmt: skip


class NotThePresider(RuleViolation):
    code = "not_the_presider"

    def __init__(self, *, presider: str) -> None:
        EngineError.__init__(self, _("末位表态由本次会议主持人 %(presider)s 作出") % {"presider": presider}, presider=presider)


class PresiderReasonRequired(RuleViolation):
    code = "presider_reason_required"

    def __init__(self, *, majority: str, stance: str) -> None:
        EngineError.__init__(self, _("主持人的表态与多数意见不同，须当场说明理由"), majority=majority, stance=stance)


class StanceReasonRequired(RuleViolation):
    code = "stance_reason_required"

    def __init__(self, *, stance: str) -> None:
        EngineError.__init__(self, _("不同意、缓议或弃权须说明理由（只有空格不算理由）"), stance=stance)


class MinutesIncomplete(RuleViolation):
    code = "minutes_incomplete"

    def __init__(self, *, problems: Sequence[str]) -> None:
        EngineError.__init__(self, _("会议记录不完整：%(problems)s") % {"problems": "；".join(problems)}, problems=list(problems))


class ComputedField(RuleViolation):
    code = "computed_field"

    def __init__(self, *, fields: Sequence[str]) -> None:
        EngineError.__init__(self, _("%(fields)s 由系统按规则计算，不能填写") % {"fields": "、".join(fields)},
                         computed=list(fields))  # fmt: skip
        self._fields = {form_messages.field_path([name]): [_("由系统按规则计算，不能填写")] for name in fields}

    @property
    def fields(self) -> dict[str, list[str]]:
        return self._fields


class RuleNotConfigured(RuleViolation):
    code = "rule_not_configured"

    def __init__(self, *, key: str) -> None:
        EngineError.__init__(self, _("乡镇设置“%(key)s”缺失或格式不对，无法按规则计算") % {"key": key}, key=key)


class CorrectionNoticeLate(RuleViolation):
    code = "correction_notice_late"

    def __init__(self, *, deadline: Any) -> None:
        EngineError.__init__(self, _("已超过收到材料后5个工作日的一次性告知期限（%(deadline)s），依法自收到材料之日起即为受理")
                         % {"deadline": deadline}, deadline=str(deadline))  # fmt: skip


from engine.institutions import errors as _institution_errors  # noqa: E402,F401  (their refusals are rule violations)
