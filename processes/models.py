"""Catalog models: the township's power list (权力清单), responsibility list (责任清单) and settings.

Rows are written only by `processes.catalog_data` (YAML files) and `processes.exchange`
(spreadsheets); both validate first and write in one transaction.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Flow(models.TextChoices):
    """BPMN flow family a power runs as."""

    BENEFIT = "benefit", _("给付")
    PERMIT = "permit", _("许可")
    PENALTY = "penalty", _("处罚")
    COERCION = "coercion", _("强制")
    ADJUDICATION = "adjudication", _("裁决")
    MEDIATION = "mediation", _("调解及其他")
    CONFIRMATION = "confirmation", _("确认")


class TimeUnit(models.TextChoices):
    WORKING_DAY = "working_day", _("工作日")
    CALENDAR_DAY = "calendar_day", _("日")


class ItemClass(models.TextChoices):
    """限时办结制 item classes of the service centre."""

    INSTANT = "instant", _("即办件")
    COMMITMENT = "commitment", _("承诺件")
    REPORT = "report", _("上报件")
    JOINT = "joint", _("联办件")


class AuthoritySource(models.TextChoices):
    STATUTORY = "statutory", _("法定")
    ENTRUSTED = "entrusted", _("委托")
    EMPOWERED = "empowered", _("赋权")


class CollectiveDecision(models.TextChoices):
    NONE = "none", _("无")
    VILLAGE_EVAL = "village_eval", _("村级民主评议")
    VILLAGE_2_3 = "village_2_3", _("村民会议三分之二以上同意")
    LEADERS_MEETING = "leaders_meeting", _("乡镇班子会议集体研究")
    SANZHONG = "sanzhong", _("三重一大集体决策")
    PENALTY_COLLECTIVE = "penalty_collective", _("行政机关负责人集体讨论")


class RiskLevel(models.TextChoices):
    HIGH = "高", _("高")
    MEDIUM = "中", _("中")
    LOW = "低", _("低")


class ProcessNode(models.TextChoices):
    """Top-level step ids shared with the BPMN files; risk points hang on these."""

    ACCEPTANCE = "acceptance", _("受理")
    CASE_REGISTRATION = "case_registration", _("立案")
    INVESTIGATION = "investigation", _("调查核实")
    VILLAGE_EVALUATION = "village_evaluation", _("村级民主评议")
    SITE_INSPECTION = "site_inspection", _("现场踏勘")
    REVIEW = "review", _("审核")
    LEGAL_REVIEW = "legal_review", _("法制审核")
    HEARING_NOTICE = "hearing_notice", _("告知与听证")
    COLLECTIVE_DECISION = "collective_decision", _("集体决策")
    DECISION = "decision", _("决定")
    PUBLIC_NOTICE = "public_notice", _("公示")
    SERVICE = "service", _("送达")
    DISBURSEMENT = "disbursement", _("资金发放")
    EXECUTION = "execution", _("执行")
    MEDIATION = "mediation", _("调解")
    DEMAND_NOTICE = "demand_notice", _("催告")
    FILING = "filing", _("归档")


class SeparationRule(models.TextChoices):
    APPLICANT_NEVER_ACTS = "applicant_never_acts", _("申请人不得经办本人事项")
    AGENT_NEVER_ACTS = "agent_never_acts", _("代办员不得审核其代办事项")
    ACCEPTOR_NOT_REVIEWER = "acceptor_not_reviewer", _("受理（立案）人与审核人分离")
    REVIEWER_NOT_APPROVER = "reviewer_not_approver", _("审核人与审批人分离")
    CONFLICT_RECUSAL = "conflict_recusal", _("利害关系人回避")


class FiveArea(models.TextChoices):
    """The five areas the 一把手 must not directly take charge of (五不直接分管)."""

    FINANCE = "财务", _("财务")
    PERSONNEL = "人事", _("人事")
    PROJECTS = "工程项目", _("工程项目")
    APPROVAL = "行政审批", _("行政审批")
    PROCUREMENT = "物资采购", _("物资采购")


class PenaltyProcedure(models.TextChoices):
    SIMPLE = "simple", _("简易程序")
    ORDINARY = "ordinary", _("普通程序")
    HEARING = "hearing", _("听证程序")


def _in_choices(field: str, choices: type[models.TextChoices], *, blank: bool = False) -> Q:
    values = list(choices.values) + ([""] if blank else [])
    return Q(**{f"{field}__in": values})


class TownshipSetting(models.Model):
    """A township-level setting [L]: phones, notice periods, thresholds, quorum fractions."""

    key = models.CharField(_("设置项"), max_length=100)
    value = models.JSONField(_("取值"))
    label = models.CharField(_("名称"), max_length=200)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("乡镇设置")
        verbose_name_plural = _("乡镇设置")
        ordering = ["key"]
        constraints = [models.UniqueConstraint(fields=["key"], name="township_setting_key_unique")]

    def __str__(self) -> str:
        return f"{self.label}（{self.key}）"


class Position(models.Model):
    """A staff position (岗位) used for risk responsibility, task lanes and separation of duties."""

    code = models.CharField(_("岗位编码"), max_length=40)
    name = models.CharField(_("岗位名称"), max_length=50)
    order = models.PositiveSmallIntegerField(_("排序"))
    description = models.TextField(_("岗位说明"), blank=True)

    class Meta:
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")
        ordering = ["order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="position_code_unique"),
            models.UniqueConstraint(fields=["name"], name="position_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    """One of the power categories (权力类型); the set is data, not an enum."""

    code = models.CharField(_("类别编码"), max_length=8)
    name = models.CharField(_("类别名称"), max_length=50)
    order = models.PositiveSmallIntegerField(_("排序"))
    flow = models.CharField(_("流程类别"), max_length=20, choices=Flow)
    description = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("权力类别")
        verbose_name_plural = _("权力类别")
        ordering = ["order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="category_code_unique"),
            models.UniqueConstraint(fields=["name"], name="category_name_unique"),
            models.CheckConstraint(condition=_in_choices("flow", Flow), name="category_flow_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Responsibility(models.Model):
    """An item of the responsibility list (责任清单), linked many-to-many to powers."""

    code = models.CharField(_("责任事项编码"), max_length=16)
    name = models.CharField(_("责任事项名称"), max_length=200)
    sequence = models.PositiveSmallIntegerField(_("序号"))
    responsible_unit = models.CharField(_("责任主体/责任科室"), max_length=200)
    legal_basis = models.JSONField(_("职责依据"), default=list, blank=True)
    main_duties = models.JSONField(_("主要职责"), default=list)
    boundaries = models.JSONField(_("与相关部门的职责边界"), default=list, blank=True)
    supervision_measures = models.JSONField(_("事中事后监管措施"), default=list, blank=True)
    public_services = models.JSONField(_("公共服务事项"), default=list, blank=True)
    accountability_cases = models.JSONField(_("追责情形"), default=list)
    accountability_basis = models.JSONField(_("追责依据"), default=list)
    supervision_phone_setting = models.ForeignKey(
        TownshipSetting,
        verbose_name=_("监督电话（设置项）"),
        to_field="key",
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("责任事项")
        verbose_name_plural = _("责任清单")
        ordering = ["sequence", "code"]
        constraints = [models.UniqueConstraint(fields=["code"], name="responsibility_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class PowerQuerySet(models.QuerySet):
    def active(self) -> "PowerQuerySet":
        """Powers on the current list; nothing else may be started (清单之外无权力)."""
        return self.filter(is_active=True)


class Power(models.Model):
    """One power of the list: every column of the 行政权力总表 plus its 分表 columns."""

    # 总表
    code = models.CharField(_("权力编码"), max_length=16)
    sequence = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("权力名称"), max_length=300)
    category = models.ForeignKey(
        Category, verbose_name=_("权力类型"), to_field="code", on_delete=models.PROTECT, related_name="powers"
    )
    flow = models.CharField(_("流程类别"), max_length=20, choices=Flow)
    process_id = models.CharField(_("办理流程（BPMN 流程编号）"), max_length=64)
    legal_role = models.CharField(
        _("乡镇职责"), max_length=300, help_text=_("审批、审核转报、受理初审、执行、处理或调解")
    )
    authority_source = models.CharField(_("权力来源"), max_length=16, choices=AuthoritySource)
    implementing_subject = models.CharField(_("实施主体"), max_length=100)
    handling_unit = models.CharField(_("承办机构"), max_length=200)
    supervising_leader = models.CharField(_("分管领导"), max_length=100, help_text=_("职务名称，乡镇自定"))
    legal_limit_value = models.PositiveSmallIntegerField(_("法定时限"), null=True, blank=True)
    legal_limit_unit = models.CharField(_("法定时限单位"), max_length=16, choices=TimeUnit, blank=True)
    legal_limit_note = models.TextField(_("法定时限说明"), blank=True)
    promised_limit_value = models.PositiveSmallIntegerField(_("承诺时限"))
    promised_limit_unit = models.CharField(_("承诺时限单位"), max_length=16, choices=TimeUnit)
    promised_limit_note = models.TextField(_("承诺时限说明"), blank=True)
    item_class = models.CharField(_("办件类型"), max_length=16, choices=ItemClass)
    ends_in_transfer = models.BooleanField(_("审核转报"), help_text=_("乡镇提出意见后转报县级决定"))
    fee_basis = models.CharField(_("收费依据及标准"), max_length=300)
    supervision_phone_setting = models.ForeignKey(
        TownshipSetting,
        verbose_name=_("监督电话（设置项）"),
        to_field="key",
        on_delete=models.PROTECT,
        related_name="+",
    )
    materials = models.JSONField(_("申请材料"), default=list, blank=True)
    collective_decisions = models.JSONField(_("集体决策"), default=list)
    collective_note = models.TextField(_("集体决策说明"), blank=True)
    notice = models.JSONField(
        _("公示要求"),
        null=True,
        blank=True,
        help_text=_("地点、内容、期限（或乡镇设置项）、未成年人不公示、公开时限；空表示不公示"),
    )
    risk_level = models.CharField(_("风险等级"), max_length=2, choices=RiskLevel)
    separation_of_duties = models.JSONField(_("职责分离规则"), default=list, blank=True)
    five_areas = models.JSONField(_("涉及“五不直接分管”领域"), default=list, blank=True)
    responsibilities = models.ManyToManyField(
        Responsibility, verbose_name=_("对应责任事项"), related_name="powers", blank=True
    )
    remarks = models.TextField(_("备注"), blank=True)

    # 分表: 许可/确认/给付/其他 (conditions also serve as 裁决 受理条件)
    conditions = models.JSONField(_("申请（受理）条件"), default=list, blank=True)
    result_document = models.CharField(_("办理结果（证件名称）"), max_length=200, blank=True)
    remedies = models.TextField(_("救济途径"), blank=True)
    # 分表: 处罚
    violation = models.TextField(_("违法行为"), blank=True)
    penalty_kinds = models.JSONField(_("处罚种类"), default=list, blank=True)
    discretion_benchmarks = models.JSONField(_("自由裁量基准"), default=list, blank=True)
    procedures = models.JSONField(_("适用程序"), default=list, blank=True)
    # 分表: 强制
    coercion_measures = models.JSONField(_("强制措施/强制执行种类"), default=list, blank=True)
    demand_notice = models.TextField(_("催告"), blank=True)
    execution_method = models.TextField(_("执行方式"), blank=True)
    # 分表: 裁决
    adjudication_scope = models.TextField(_("受理范围"), blank=True)
    suit_period = models.JSONField(_("起诉期限"), null=True, blank=True)

    is_active = models.BooleanField(_("现行有效"), default=True)
    removed_at = models.DateTimeField(_("移出清单时间"), null=True, blank=True)

    objects = PowerQuerySet.as_manager()

    class Meta:
        verbose_name = _("行政权力")
        verbose_name_plural = _("权力清单")
        ordering = ["sequence", "code"]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="power_code_unique"),
            models.UniqueConstraint(fields=["process_id"], name="power_process_id_unique"),
            models.CheckConstraint(condition=_in_choices("flow", Flow), name="power_flow_valid"),
            models.CheckConstraint(
                condition=_in_choices("item_class", ItemClass), name="power_item_class_valid"
            ),
            models.CheckConstraint(
                condition=_in_choices("risk_level", RiskLevel), name="power_risk_level_valid"
            ),
            models.CheckConstraint(
                condition=_in_choices("authority_source", AuthoritySource),
                name="power_authority_source_valid",
            ),
            models.CheckConstraint(
                condition=_in_choices("legal_limit_unit", TimeUnit, blank=True), name="power_legal_unit_valid"
            ),
            models.CheckConstraint(
                condition=_in_choices("promised_limit_unit", TimeUnit), name="power_promised_unit_valid"
            ),
            # a legal limit has both a value and a unit, or neither and then a note says why
            models.CheckConstraint(
                condition=(Q(legal_limit_value__isnull=False) & ~Q(legal_limit_unit=""))
                | (Q(legal_limit_value__isnull=True) & Q(legal_limit_unit="") & ~Q(legal_limit_note="")),
                name="power_legal_limit_complete",
            ),
            # 承诺时限 ≤ 法定时限 whenever the two can be compared
            models.CheckConstraint(
                condition=Q(legal_limit_value__isnull=True)
                | ~Q(legal_limit_unit=F("promised_limit_unit"))
                | Q(promised_limit_value__lte=F("legal_limit_value")),
                name="power_promised_within_legal",
            ),
            models.CheckConstraint(
                condition=Q(is_active=True, removed_at__isnull=True)
                | Q(is_active=False, removed_at__isnull=False),
                name="power_removed_at_iff_inactive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class LegalBasis(models.Model):
    """One version of a legal basis (实施依据); old and new article numbers are separate rows."""

    power = models.ForeignKey(
        Power, verbose_name=_("行政权力"), on_delete=models.CASCADE, related_name="legal_bases"
    )
    position = models.PositiveSmallIntegerField(_("序号"))
    law = models.CharField(_("法律法规名称"), max_length=300)
    article = models.CharField(_("条款"), max_length=200)
    text = models.TextField(_("条款内容"))
    effective_from = models.DateField(_("施行日期"), null=True, blank=True)
    effective_to = models.DateField(_("失效日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("实施依据")
        verbose_name_plural = _("实施依据")
        ordering = ["power", "position"]
        constraints = [
            models.UniqueConstraint(fields=["power", "position"], name="legal_basis_position_unique"),
            models.CheckConstraint(
                condition=Q(effective_from__isnull=True)
                | Q(effective_to__isnull=True)
                | Q(effective_to__gte=F("effective_from")),
                name="legal_basis_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.law} {self.article}"


class RiskPoint(models.Model):
    """A 廉政风险点 at one top-level BPMN step of a power."""

    power = models.ForeignKey(
        Power, verbose_name=_("行政权力"), on_delete=models.CASCADE, related_name="risk_points"
    )
    position = models.PositiveSmallIntegerField(_("序号"))
    node = models.CharField(_("环节"), max_length=32, choices=ProcessNode)
    description = models.TextField(_("风险点描述"))
    level = models.CharField(_("风险等级"), max_length=2, choices=RiskLevel)
    measures = models.JSONField(_("防控措施"), default=list)
    responsible = models.ForeignKey(
        Position, verbose_name=_("责任岗位"), to_field="code", on_delete=models.PROTECT, related_name="+"
    )
    supervisor = models.ForeignKey(
        Position, verbose_name=_("监督岗位"), to_field="code", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("廉政风险点")
        verbose_name_plural = _("廉政风险点")
        ordering = ["power", "position"]
        constraints = [
            models.UniqueConstraint(fields=["power", "position"], name="risk_point_position_unique"),
            models.CheckConstraint(condition=_in_choices("node", ProcessNode), name="risk_point_node_valid"),
            models.CheckConstraint(condition=_in_choices("level", RiskLevel), name="risk_point_level_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.power.code} {self.get_node_display()}：{self.description[:30]}"


# --------------------------------------------------------------------------- the list as a living document


class CatalogChangeSet(models.Model):
    """A proposed change to the power list: the field-level difference and the catalog as it would
    be. It takes effect only when a second, different person with a leader's position approves it
    (两阅); the approval publishes a new `CatalogVersion`.

    A per-township list can hang a township on this row and on `CatalogVersion` later; nothing
    here assumes there is only one list except the default (None) scope.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("待审批")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("已驳回")

    class Source(models.TextChoices):
        FILES = "files", _("清单文件（load_catalog）")
        SPREADSHEET = "spreadsheet", _("表格导入")
        ADMIN = "admin", _("后台编辑")

    source = models.CharField(_("来源"), max_length=16, choices=Source)
    status = models.CharField(_("状态"), max_length=16, choices=Status, default=Status.PROPOSED, db_index=True)
    reason = models.TextField(_("变更理由"))
    changes = models.JSONField(_("变更明细"), help_text=_("逐字段：哪项、哪一栏、原值 → 新值"))
    proposed = models.JSONField(_("变更后的清单"))
    base_hash = models.CharField(_("基于的清单摘要"), max_length=64)
    proposed_hash = models.CharField(_("变更后清单摘要"), max_length=64)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提出人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")  # fmt: skip
    proposed_by_name = models.CharField(_("提出人账号"), max_length=150)
    proposed_at = models.DateTimeField(_("提出时间"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审批人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")  # fmt: skip
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)

    class Meta:
        verbose_name = _("清单变更")
        verbose_name_plural = _("清单变更")
        ordering = ["-proposed_at", "-pk"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_source_display()} {self.get_status_display()}"


class CatalogVersion(models.Model):
    """A published version of the power list: the whole catalog as approved, with its effective date.
    Cases record the version they started under and keep its rules."""

    number = models.PositiveIntegerField(_("版本号"), unique=True)
    effective_from = models.DateField(_("生效日期"))
    published_at = models.DateTimeField(_("发布时间"))
    published_by_name = models.CharField(_("发布人账号"), max_length=150)
    change_set = models.OneToOneField(CatalogChangeSet, verbose_name=_("清单变更"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="version")  # fmt: skip
    snapshot = models.JSONField(_("清单内容"))
    snapshot_hash = models.CharField(_("清单摘要"), max_length=64)

    class Meta:
        verbose_name = _("清单版本")
        verbose_name_plural = _("清单版本")
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"v{self.number}（{self.effective_from}）"

    @classmethod
    def current(cls) -> "CatalogVersion | None":
        return cls.objects.order_by("-number").first()
