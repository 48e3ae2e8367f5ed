"""Refusals of the public's side (好差评, standing lists, 三务公开, complaint channels, 信访). Each has
its own code and Chinese message through gettext; like every refusal it writes nothing."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from engine.exceptions import EngineError


class RatingCodeInvalid(EngineError):
    """Unknown or already used: the two are not told apart (the code is the rater's only key)."""

    code = "rating_code_invalid"

    def __init__(self) -> None:
        super().__init__(_("评价码无效或已使用"))


class RatingLevelInvalid(EngineError):
    code = "rating_level_invalid"

    def __init__(self, *, level: Any) -> None:
        super().__init__(_("评价等级 %(level)s 无效：请选择非常满意、满意、基本满意、不满意或非常不满意") % {"level": level},
                         level=level)  # fmt: skip


class RatingReasonRequired(EngineError):
    code = "rating_reason_required"

    def __init__(self) -> None:
        super().__init__(_("“不满意”“非常不满意”须选择或填写差评原因"))


class FollowUpNotFound(EngineError):
    code = "followup_not_found"

    def __init__(self, *, followup_id: Any) -> None:
        super().__init__(_("差评整改 %(id)s 不存在") % {"id": followup_id}, followup_id=str(followup_id))


class FollowUpClosed(EngineError):
    code = "followup_closed"

    def __init__(self, *, followup_id: Any) -> None:
        super().__init__(_("差评整改 %(id)s 已办结") % {"id": followup_id}, followup_id=str(followup_id))


FIELD_LABELS = {
    "reply": gettext_noop("反馈评价人"), "rectification": gettext_noop("整改情况"), "reason": gettext_noop("理由"),
    "title": gettext_noop("标题"), "content": gettext_noop("内容"), "period": gettext_noop("所属期间"),
    "amount": gettext_noop("金额（元）"), "subject": gettext_noop("事项或对象"), "note": gettext_noop("告知内容"),
    "outcome": gettext_noop("办理结果"),
}  # fmt: skip


class TextRequired(EngineError):
    code = "text_required"

    def __init__(self, *, field: str) -> None:
        label = _(FIELD_LABELS[field]) if field in FIELD_LABELS else field
        super().__init__(_("“%(label)s”不能为空") % {"label": label}, field=field)

    @property
    def fields(self):
        return {self.details["field"]: [self.message]}


class ComplaintChannelInvalid(EngineError):
    code = "complaint_channel_invalid"

    def __init__(self, *, channel: str) -> None:
        super().__init__(_("渠道“%(channel)s”无效：工作人员登记的投诉须注明电话、举报箱或投诉台") % {"channel": channel},
                         channel=channel)  # fmt: skip


class ComplaintNotReplied(EngineError):
    code = "complaint_not_replied"

    def __init__(self, *, number: str) -> None:
        super().__init__(_("投诉举报 %(number)s 尚未答复，答复后才能评价") % {"number": number}, number=number)


class ComplaintAlreadyRated(EngineError):
    code = "complaint_already_rated"

    def __init__(self, *, number: str) -> None:
        super().__init__(_("投诉举报 %(number)s 的答复已评价") % {"number": number}, number=number)


class StandingEntryNotFound(EngineError):
    code = "standing_entry_not_found"

    def __init__(self, *, entry_id: Any) -> None:
        super().__init__(_("长期公示条目 %(id)s 不存在") % {"id": entry_id}, entry_id=str(entry_id))


class StandingEntryEnded(EngineError):
    code = "standing_entry_ended"

    def __init__(self, *, entry_id: Any) -> None:
        super().__init__(_("长期公示条目 %(id)s 已撤下") % {"id": entry_id}, entry_id=str(entry_id))


class PublicationNotFound(EngineError):
    code = "publication_not_found"

    def __init__(self, *, publication_id: Any) -> None:
        super().__init__(_("公开事项 %(id)s 不存在") % {"id": publication_id}, publication_id=str(publication_id))


class PublicationAlreadyApproved(EngineError):
    code = "publication_already_approved"

    def __init__(self, *, publication_id: Any) -> None:
        super().__init__(_("公开事项 %(id)s 已审核发布") % {"id": publication_id}, publication_id=str(publication_id))


class PublicationCategoryInvalid(EngineError):
    code = "publication_category_invalid"

    def __init__(self, *, category: str) -> None:
        super().__init__(_("公开类别“%(category)s”无效：党务、政务或财务") % {"category": category}, category=category)


class PetitionNotFound(EngineError):
    code = "petition_not_found"

    def __init__(self, *, petition: Any) -> None:
        super().__init__(_("信访事项 %(petition)s 不存在") % {"petition": petition}, petition=str(petition))


class PetitionWrongState(EngineError):
    code = "petition_wrong_state"

    def __init__(self, *, number: str, status: str, action: str) -> None:
        super().__init__(_("信访事项 %(number)s 当前状态为“%(status)s”，不能%(action)s")
                         % {"number": number, "status": status, "action": action},
                         number=number, status=status, action=action)  # fmt: skip


class PetitionExtensionTooLong(EngineError):
    code = "petition_extension_too_long"

    def __init__(self, *, requested: int, allowed: int) -> None:
        super().__init__(_("延长期限 %(requested)s 日超过可延长的 %(allowed)s 日（信访工作条例：延长不超过30日）")
                         % {"requested": requested, "allowed": allowed}, requested=requested,
                         allowed=allowed)  # fmt: skip


class PetitionRouteInvalid(EngineError):
    code = "petition_route_invalid"

    def __init__(self, *, route: str) -> None:
        super().__init__(_("办理途径“%(route)s”无效：转调解（QT-01、QT-02）、转权力事项案件，或直接办理") % {"route": route},
                         route=route)  # fmt: skip


class ChannelRequired(EngineError):
    code = "petition_channel_invalid"

    def __init__(self, *, channel: str) -> None:
        super().__init__(_("信访形式“%(channel)s”无效：来信、来访、电话或网上") % {"channel": channel}, channel=channel)
