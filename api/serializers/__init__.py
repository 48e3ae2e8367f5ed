"""Output serializers (read models) and the input serializers shared by several views, by subject:
`catalog` (powers, organizations, definitions), `cases` (cases and tasks), `public` (the public's
participation and oversight). Every name is importable from here.

Inputs that only one view takes are nested in that view (STYLE §7). Lights are computed at the
request's `now` (serializer context), never stored.
"""

from __future__ import annotations

from api.serializers.cases import (
    LIGHT_CHOICES,
    AuditEventSerializer,
    CaseBriefSerializer,
    CaseDetailSerializer,
    CaseSerializer,
    InboxItemSerializer,
    ReplayReportSerializer,
    StepResultSerializer,
    TaskFormSerializer,
    TimerSerializer,
    WorkItemSerializer,
    lights_of,
)
from api.serializers.catalog import (
    CategorySerializer,
    DefinitionDetailSerializer,
    DefinitionSerializer,
    DefinitionTaskSerializer,
    LegalBasisSerializer,
    LimitSerializer,
    OrganizationSerializer,
    PowerDetailSerializer,
    PowerSerializer,
    ResponsibilityBriefSerializer,
    ResponsibilitySerializer,
    RiskPointSerializer,
    _limit,
)
from api.serializers.public import (
    AccountabilityRecordSerializer,
    AssignmentSerializer,
    ComplaintSerializer,
    ComplaintWithIdentitySerializer,
    MeSerializer,
    NoticeSerializer,
    ObjectionReceiptSerializer,
    ReceiptSerializer,
    RecordOutcomeSerializer,
)

__all__ = [
    "AccountabilityRecordSerializer",
    "AssignmentSerializer",
    "AuditEventSerializer",
    "CaseBriefSerializer",
    "CaseDetailSerializer",
    "CaseSerializer",
    "CategorySerializer",
    "ComplaintSerializer",
    "ComplaintWithIdentitySerializer",
    "DefinitionDetailSerializer",
    "DefinitionSerializer",
    "DefinitionTaskSerializer",
    "InboxItemSerializer",
    "LIGHT_CHOICES",
    "LegalBasisSerializer",
    "LimitSerializer",
    "MeSerializer",
    "NoticeSerializer",
    "ObjectionReceiptSerializer",
    "OrganizationSerializer",
    "PowerDetailSerializer",
    "PowerSerializer",
    "ReceiptSerializer",
    "RecordOutcomeSerializer",
    "ReplayReportSerializer",
    "ResponsibilityBriefSerializer",
    "ResponsibilitySerializer",
    "RiskPointSerializer",
    "StepResultSerializer",
    "TaskFormSerializer",
    "TimerSerializer",
    "WorkItemSerializer",
    "_limit",
    "lights_of",
]
