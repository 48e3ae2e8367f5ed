"""Plain data the two wall charts are composed from: the power's sheet and its risk points.

These are the inputs of :mod:`diagrams.poster`; the catalog (outside this package) fills them.
Lists given as any sequence are stored as tuples so the objects stay immutable.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from diagrams.errors import InvalidSheet
from diagrams.text import without_editorial_marks

RISK_LEVELS: Final = ("高", "中", "低")
_LEVEL_ALIASES: Final = {"一级": "高", "二级": "中", "三级": "低", "high": "高", "medium": "中", "low": "低"}

DEFAULT_REMEDY: Final = (
    "申请人或利害关系人对办理结果不服的，可以自知道该行政行为之日起60日内依法申请行政复议，"
    "或者自知道或者应当知道作出行政行为之日起6个月内依法提起行政诉讼。"
)


def _tuple(value: str | Sequence[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,) if value.strip() else ()
    return tuple(str(v) for v in value if str(v).strip())


@dataclass(frozen=True, slots=True)
class PowerSheet:
    """What the header and footer of a power's wall charts show.

    Attributes:
        township: The township's name as printed in the title, e.g. ``"某某乡"``.
        code: 权力编码, e.g. ``"JF-01"``.
        name: 权力名称.
        category: 权力类型, e.g. ``"行政给付"``.
        legal_bases: 实施依据, one entry per law with its article, e.g. ``"社会救助暂行办法 第11条"``.
        implementing_subject: 实施主体 (legally the township government).
        handling_unit: 承办机构/责任科室 (the station).
        supervising_leader: 责任人/分管领导.
        legal_limit: 法定时限 as printed, e.g. ``"20个工作日"``.
        promised_limit: 承诺时限 as printed.
        fee: 收费依据及标准; ``"不收费"`` in most cases.
        materials: 申请材料清单.
        supervision_phone: 监督电话 (e.g. 乡纪委).
        complaint_phone: 投诉举报电话 (e.g. 便民服务中心投诉台).
        issue_date: 发布日期.
        version: 版本, e.g. ``"V1.0"``.
        public_url: The public page of this power; encoded in the QR code.
        remedy: 救济途径 text; the 行政复议 60 日 / 行政诉讼 6 个月 sentence when omitted.
    """

    township: str
    code: str
    name: str
    category: str
    legal_bases: tuple[str, ...]
    implementing_subject: str
    handling_unit: str
    supervising_leader: str
    legal_limit: str
    promised_limit: str
    fee: str = "不收费"
    materials: tuple[str, ...] = ()
    supervision_phone: str = ""
    complaint_phone: str = ""
    issue_date: dt.date | str = ""
    version: str = ""
    public_url: str = ""
    remedy: str = DEFAULT_REMEDY

    def __post_init__(self) -> None:
        object.__setattr__(self, "legal_bases", _tuple(self.legal_bases))
        object.__setattr__(self, "materials", _tuple(self.materials))
        for name in ("legal_limit", "promised_limit", "fee", "remedy", "supervising_leader", "handling_unit"):
            object.__setattr__(self, name, without_editorial_marks(str(getattr(self, name))))
        object.__setattr__(self, "materials", tuple(without_editorial_marks(m) for m in self.materials))
        object.__setattr__(self, "legal_bases", tuple(without_editorial_marks(b) for b in self.legal_bases))
        for required in ("township", "code", "name"):
            if not str(getattr(self, required)).strip():
                raise InvalidSheet(f"PowerSheet.{required} 不能为空", code="invalid_sheet")

    @property
    def issue_date_text(self) -> str:
        """The issue date as printed: ``2026年1月5日`` for a date, the text itself otherwise."""
        if isinstance(self.issue_date, dt.date):
            d = self.issue_date
            return f"{d.year}年{d.month}月{d.day}日"
        return str(self.issue_date)


@dataclass(frozen=True, slots=True)
class RiskPoint:
    """One 廉政风险点 attached to a flow node.

    Attributes:
        node_id: The BPMN id of the step the risk belongs to.
        description: 风险点描述.
        level: ``"高"``, ``"中"`` or ``"低"`` (``一级/二级/三级`` are accepted and normalised).
        measures: 防控措施, one entry per measure.
        responsible: 责任人 (post or name).
        supervisor: 监督人 (post or name).
    """

    node_id: str
    description: str
    level: str
    measures: tuple[str, ...] = ()
    responsible: str = ""
    supervisor: str = ""

    def __post_init__(self) -> None:
        level = _LEVEL_ALIASES.get(self.level.strip().lower(), self.level.strip())
        if level not in RISK_LEVELS:
            raise InvalidSheet(
                f"风险等级必须是 高/中/低 之一，收到 {self.level!r}（节点 {self.node_id}）",
                code="invalid_risk_level",
            )
        object.__setattr__(self, "level", level)
        object.__setattr__(self, "measures", _tuple(self.measures))
