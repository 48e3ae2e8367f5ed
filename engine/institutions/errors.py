"""Refusals of the institutions' rules (三重一大, 四议两公开, 问责, 四谈话). Like every refusal they
have their own code, Chinese messages through gettext, and write nothing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from engine.exceptions import EngineError
from engine.rule_errors import RuleViolation


class LargeAmountRequiresSanzhong(RuleViolation):
    code = "large_amount_requires_sanzhong"

    def __init__(self, *, amount: Any, threshold: Any, procedure: str) -> None:
        EngineError.__init__(self, _("资金金额 %(amount)s 元达到本乡“三重一大”大额资金标准 %(threshold)s 元，须先经“三重一大”"
                                     "集体决策（%(procedure)s）并在启动数据中注明其案件编号，不能作为普通事项办理")
                             % {"amount": amount, "threshold": threshold, "procedure": procedure},
                             amount=amount, threshold=threshold, procedure=procedure)  # fmt: skip


class SanzhongDecisionNotFound(RuleViolation):
    code = "sanzhong_decision_not_found"

    def __init__(self, *, reference: str, amount: Any) -> None:
        EngineError.__init__(self, _("“%(reference)s”不是本乡已通过的、金额不低于 %(amount)s 元的“三重一大”大额资金集体决策")
                             % {"reference": reference, "amount": amount}, reference=reference, amount=amount)  # fmt: skip


class NotASanzhongMatter(RuleViolation):
    code = "not_a_sanzhong_matter"

    def __init__(self, *, amount: Any, threshold: Any) -> None:
        EngineError.__init__(self, _("资金金额 %(amount)s 元低于本乡“三重一大”大额资金标准 %(threshold)s 元，按普通事项办理")
                             % {"amount": amount, "threshold": threshold}, amount=amount, threshold=threshold)  # fmt: skip


class MeetingBeforeCirculation(RuleViolation):
    code = "meeting_before_circulation"

    def __init__(self, *, earliest: str, meeting_time: str) -> None:
        EngineError.__init__(self, _("会前酝酿期未满：议题和材料送达后 %(earliest)s 起方可开会研究（会议时间 %(meeting)s）")
                             % {"earliest": earliest, "meeting": meeting_time}, earliest=earliest,
                             meeting_time=meeting_time)  # fmt: skip


def _matter_label(matter: str) -> str:
    labels = {"ordinary": _("一般事项"), "major": _("“三重一大”事项"), "appointment": _("干部任免")}
    return labels.get(matter, matter or "—")


def _position_label(code: str) -> str:
    labels = {"recorder": _("记录人（党政综合办公室）"), "deputy": _("分管领导"), "village_committee": _("村委会"),
              "discipline_inspector": _("纪检委员")}  # fmt: skip
    return labels.get(code, code)


class MatterTypeMismatch(RuleViolation):
    code = "matter_type_mismatch"

    def __init__(self, *, required: str, given: str) -> None:
        EngineError.__init__(self, _("本议题按“%(required)s”的法定人数和表决比例研究，不能选择“%(given)s”")
                             % {"required": _matter_label(required), "given": _matter_label(given)},
                             required=required, given=given)  # fmt: skip


class PreAppointmentTalkRequired(RuleViolation):
    code = "pre_appointment_talk_required"

    def __init__(self, *, persons: Sequence[str]) -> None:
        EngineError.__init__(self, _("%(persons)s 尚无任前廉政谈话记录，任职不能生效")
                             % {"persons": "、".join(persons)}, persons=list(persons))  # fmt: skip


class VillageQuorumNotMet(RuleViolation):
    code = "village_quorum_not_met"

    def __init__(self, *, rule: str, present: int, base: int) -> None:
        EngineError.__init__(self, _("到会 %(present)s 人（基数 %(base)s）未达到法定要求：%(rule)s；会议不能作出决议")
                             % {"present": present, "base": base, "rule": rule}, rule=rule, present=present,
                             base=base)  # fmt: skip


class VillageCountsInvalid(RuleViolation):
    code = "village_counts_invalid"

    def __init__(self, *, problem: str) -> None:
        EngineError.__init__(self, _("表决数据有误：%(problem)s") % {"problem": problem}, problem=problem)


class HearingRequired(RuleViolation):
    code = "hearing_required"

    def __init__(self, *, persons: Sequence[str]) -> None:
        EngineError.__init__(self, _("尚未听取 %(persons)s 本人的陈述和申辩，不能作出认定或结案")
                             % {"persons": "、".join(persons)}, persons=list(persons))  # fmt: skip


class NotThePersonConcerned(RuleViolation):
    code = "not_the_person_concerned"

    def __init__(self, *, person: str) -> None:
        EngineError.__init__(self, _("陈述和申辩由当事人 %(person)s 本人填写") % {"person": person}, person=person)


class ReferralRequired(RuleViolation):
    code = "referral_required"

    def __init__(self) -> None:
        EngineError.__init__(self, _("处分建议须注明报送县纪委监委的文号"))


class ProcedureStarterRequired(RuleViolation):
    code = "procedure_starter_required"

    def __init__(self, *, procedure: str, positions: Sequence[str]) -> None:
        EngineError.__init__(self, _("“%(procedure)s”只能由 %(positions)s 发起")
                             % {"procedure": procedure, "positions": "、".join(_position_label(p) for p in positions)},
                             procedure=procedure,
                             positions=list(positions))  # fmt: skip


class SourceNotFound(RuleViolation):
    code = "accountability_source_not_found"

    def __init__(self, *, source: str, value: Any) -> None:
        EngineError.__init__(self, _("问责线索“%(value)s”不存在或不属于本乡") % {"value": value}, source=source,
                             value=str(value))  # fmt: skip


class PersonNotFound(RuleViolation):
    code = "person_not_found"

    def __init__(self, *, persons: Sequence[str]) -> None:
        EngineError.__init__(self, _("%(persons)s 不是本乡工作人员") % {"persons": "、".join(persons)},
                             persons=list(persons))  # fmt: skip


class SiyiResolutionRequired(RuleViolation):
    code = "siyi_resolution_required"

    def __init__(self, *, power: str, reference: str = "") -> None:
        EngineError.__init__(self, _("%(power)s 的村级表决须经“四议两公开”：请注明本乡已作出决议（到会人数符合法定要求、"
                                     "决议通过）的“四议两公开”案件编号（%(reference)s 不符合）")
                             % {"power": power, "reference": reference or "—"}, power=power, reference=reference)  # fmt: skip


class SanzhongKindNotListed(RuleViolation):
    code = "sanzhong_kind_not_listed"

    def __init__(self, *, kind: str) -> None:
        EngineError.__init__(self, _("本乡设置的“三重一大”类别中没有“%(kind)s”") % {"kind": kind}, kind=kind)
