"""Serializers of the catalog (categories, powers, responsibilities, risk points), the organizations
and the process definitions."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from engine.models import (
    Organization,
    ProcessDefinition,
)
from processes.catalog_data import ALL_DETAIL_FIELDS
from processes.models import Category, LegalBasis, Power, Responsibility, RiskPoint

# ------------------------------------------------------------------------------------------
# Catalog
# ------------------------------------------------------------------------------------------


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["code", "name", "order", "flow", "description"]


class LimitSerializer(serializers.Serializer):
    value = serializers.IntegerField(allow_null=True)
    unit = serializers.CharField()
    unit_display = serializers.CharField()
    note = serializers.CharField()


def _limit(value: int | None, unit: str, note: str, display: str) -> dict[str, Any]:
    return {"value": value, "unit": unit, "unit_display": display, "note": note}


class LegalBasisSerializer(serializers.ModelSerializer):
    class Meta:
        model = LegalBasis
        fields = ["position", "law", "article", "text", "effective_from", "effective_to"]


class RiskPointSerializer(serializers.ModelSerializer):
    level = serializers.CharField(help_text="风险等级：高、中、低")
    node_display = serializers.CharField(source="get_node_display")
    responsible = serializers.CharField(source="responsible_id")
    responsible_name = serializers.CharField(source="responsible.name")
    supervisor = serializers.CharField(source="supervisor_id")
    supervisor_name = serializers.CharField(source="supervisor.name")

    class Meta:
        model = RiskPoint
        fields = [
            "position",
            "node",
            "node_display",
            "description",
            "level",
            "measures",
            "responsible",
            "responsible_name",
            "supervisor",
            "supervisor_name",
        ]


class ResponsibilityBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Responsibility
        fields = ["code", "name"]


class PowerSerializer(serializers.ModelSerializer):
    category_name = serializers.CharField(source="category.name")
    promised_limit = serializers.SerializerMethodField()
    legal_limit = serializers.SerializerMethodField()

    class Meta:
        model = Power
        fields = [
            "code",
            "sequence",
            "name",
            "category",
            "category_name",
            "flow",
            "process_id",
            "legal_role",
            "handling_unit",
            "supervising_leader",
            "promised_limit",
            "legal_limit",
            "item_class",
            "ends_in_transfer",
            "collective_decisions",
            "risk_level",
            "is_active",
        ]

    @extend_schema_field(LimitSerializer)
    def get_promised_limit(self, power: Power) -> dict[str, Any]:
        return _limit(
            power.promised_limit_value,
            power.promised_limit_unit,
            power.promised_limit_note,
            power.get_promised_limit_unit_display(),
        )

    @extend_schema_field(LimitSerializer)
    def get_legal_limit(self, power: Power) -> dict[str, Any]:
        return _limit(
            power.legal_limit_value,
            power.legal_limit_unit,
            power.legal_limit_note,
            power.get_legal_limit_unit_display() if power.legal_limit_unit else "",
        )


class PowerDetailSerializer(PowerSerializer):
    supervision_phone = serializers.JSONField(source="supervision_phone_setting.value")
    legal_bases = LegalBasisSerializer(many=True)
    risk_points = RiskPointSerializer(many=True)
    responsibilities = ResponsibilityBriefSerializer(many=True)

    class Meta(PowerSerializer.Meta):
        fields = PowerSerializer.Meta.fields + [
            "implementing_subject",
            "authority_source",
            "fee_basis",
            "supervision_phone",
            "materials",
            "collective_note",
            "notice",
            "separation_of_duties",
            "five_areas",
            "remarks",
            *ALL_DETAIL_FIELDS,
            "legal_bases",
            "risk_points",
            "responsibilities",
        ]


class ResponsibilitySerializer(serializers.ModelSerializer):
    supervision_phone = serializers.JSONField(source="supervision_phone_setting.value")
    powers = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Responsibility
        fields = [
            "code",
            "sequence",
            "name",
            "responsible_unit",
            "legal_basis",
            "main_duties",
            "boundaries",
            "supervision_measures",
            "public_services",
            "accountability_cases",
            "accountability_basis",
            "supervision_phone",
            "powers",
        ]


# ------------------------------------------------------------------------------------------
# Organizations and process definitions
# ------------------------------------------------------------------------------------------


class OrganizationSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(help_text="county 县、township 乡、station 站所、village 村")
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Organization
        fields = ["code", "name", "kind", "parent"]


class DefinitionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProcessDefinition
        fields = [
            "id",
            "process_id",
            "version",
            "name",
            "sha256",
            "spiff_version",
            "serializer_version",
            "is_current",
            "created_at",
        ]


class DefinitionTaskSerializer(serializers.Serializer):
    bpmn_id = serializers.CharField()
    name = serializers.CharField()
    lane = serializers.CharField(allow_null=True)
    form = serializers.CharField(allow_null=True)
    process_id = serializers.CharField()


class DefinitionDetailSerializer(DefinitionSerializer):
    files = serializers.SerializerMethodField()
    user_tasks = serializers.SerializerMethodField()

    class Meta(DefinitionSerializer.Meta):
        fields = DefinitionSerializer.Meta.fields + ["files", "user_tasks"]

    def get_files(self, definition: ProcessDefinition) -> list[str]:
        return sorted(definition.sources)

    @extend_schema_field(DefinitionTaskSerializer(many=True))
    def get_user_tasks(self, definition: ProcessDefinition) -> list[dict[str, Any]]:
        parsed = self.context["parsed"]
        return [
            {"bpmn_id": t.bpmn_id, "name": t.name, "lane": t.lane, "form": t.form, "process_id": t.process_id}
            for t in parsed.user_tasks.values()
        ]
