"""The transparency log, published: checkpoints, proofs, the county's daily file and the printable
digest. Public: nothing here reveals a case's content (only hashes, sizes and ids)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from api import access
from api.views.base import PublicView, StaffView
from engine.evidence import bundle, digest, keys, log, verify
from engine.evidence.models import Checkpoint, LogLeaf


def _int(request, name: str) -> int:
    try:
        return int(request.query_params[name])
    except (KeyError, ValueError) as error:
        raise ValidationError({name: [_("需要非负整数")]}) from error


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise ValidationError({"day": [_("日期格式应为 YYYY-MM-DD")]}) from error


def _checkpoint(size: int) -> Checkpoint:
    found = Checkpoint.objects.filter(tree_size=size).order_by("time").first()
    if found is None:
        raise NotFound(_("没有日志大小为 %(size)s 的检查点") % {"size": size})
    return found


class TransparencyView(PublicView):
    """透明日志概况：公钥、最新检查点、检查点数。"""

    @extend_schema(responses=dict)
    def get(self, request):
        latest = Checkpoint.objects.order_by("-tree_size", "-time").first()
        try:
            public_key = log.public_key_info()
        except keys.SigningKeyMissing:
            public_key = None
        return Response({"public_key": public_key, "leaves": LogLeaf.objects.count(),
                         "checkpoints": Checkpoint.objects.count(),
                         "latest": log.checkpoint_dict(latest) if latest else None})  # fmt: skip


class CheckpointOut(serializers.Serializer):
    origin = serializers.CharField()
    tree_size = serializers.IntegerField(help_text="日志大小（叶数）")
    root_hash = serializers.CharField(help_text="根哈希（十六进制）")
    time = serializers.CharField(help_text="签署时间（UTC，ISO 8601）")
    key_id = serializers.CharField()
    signature = serializers.CharField(help_text="Ed25519 签名（Base64），签名内容 origin\\ntree_size\\nroot_hash\\ntime\\n")


class CheckpointListView(PublicView):
    """全部签名检查点（按日志大小）。"""

    @extend_schema(responses=CheckpointOut(many=True))
    def get(self, request):
        return Response([log.checkpoint_dict(c) for c in Checkpoint.objects.order_by("tree_size", "time")])


class ConsistencyProofView(PublicView):
    """两个检查点之间的一致性证明（RFC 9162）：?first=大小&second=大小。"""

    @extend_schema(parameters=[OpenApiParameter("first", int), OpenApiParameter("second", int)], responses=dict)
    def get(self, request):
        first, second = _checkpoint(_int(request, "first")), _checkpoint(_int(request, "second"))
        if first.tree_size > second.tree_size:
            raise ValidationError({"first": [_("first 不能大于 second")]})
        return Response({"first": log.checkpoint_dict(first), "second": log.checkpoint_dict(second),
                         "proof": log.consistency(first.tree_size, second.tree_size)})  # fmt: skip


class InclusionProofView(PublicView):
    """一条审计事件在最新检查点中的包含证明：?case=UUID&sequence=序号。"""

    @extend_schema(parameters=[OpenApiParameter("case", str), OpenApiParameter("sequence", int)], responses=dict)
    def get(self, request):
        leaf = LogLeaf.objects.filter(chain=log.CASE_CHAIN, case_id=request.query_params.get("case"),
                                      sequence=_int(request, "sequence")).first() if _is_uuid(request) else None  # fmt: skip
        latest = Checkpoint.objects.order_by("-tree_size", "-time").first()
        if leaf is None or latest is None or leaf.index >= latest.tree_size:
            raise NotFound(_("该事件尚未被签名检查点覆盖"))
        return Response({"leaf": log.leaf_dict(leaf), "checkpoint": log.checkpoint_dict(latest),
                         "proof": log.inclusion(leaf.index, latest.tree_size)})  # fmt: skip


def _is_uuid(request) -> bool:
    import uuid

    try:
        uuid.UUID(request.query_params.get("case", ""))
    except ValueError:
        return False
    return True


class DayExportView(PublicView):
    """县里留存的日文件：当日检查点、新增叶与一致性证明（JSON 下载）。"""

    @extend_schema(responses=dict)
    def get(self, request, day: str):
        data = log.day_export(_day(day))
        response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 1})
        response["Content-Disposition"] = f'attachment; filename="transparency-{day}.json"'
        return response


class DigestView(PublicView):
    """可打印的每日摘要（张贴公示栏）：根哈希文字与二维码。"""

    @extend_schema(responses={(200, "text/html"): str})
    def get(self, request, day: str):
        html = render_to_string("api/transparency_digest.html", digest.day_digest(_day(day)))
        return HttpResponse(html, content_type="text/html; charset=utf-8")


class CaseEvidenceView(StaffView):
    """核查（监督员）：本案审计链、透明日志与签名检查点、流程定义与快照的校验结果，逐项指明类别、序号与证明的检查点。"""

    required_positions = {"GET": access.REPLAYERS}

    @extend_schema(responses=dict)
    def get(self, request, case_id: UUID):
        case = access.get_visible_case(request.user, case_id)
        report = verify.case_findings(case.pk)
        return Response(report.as_dict() | {"case": str(case.pk), "reference": case.reference})


class CaseBundleView(StaffView):
    """离线核查包下载（监督员）：事件、流程源文件、包含证明、检查点、公钥与独立核查程序（zip）。"""

    required_positions = {"GET": access.REPLAYERS}

    @extend_schema(responses={(200, "application/zip"): bytes})
    def get(self, request, case_id: UUID):
        case = access.get_visible_case(request.user, case_id)
        try:
            data = bundle.build_bundle(case)
        except keys.SigningKeyMissing as error:
            raise NotFound(_("本系统尚未生成签名密钥，无法导出核查包")) from error
        response = HttpResponse(data, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{case.reference}-bundle.zip"'
        return response


class CaseDossierView(StaffView):
    """案件档案（有记录）PDF：封面、办理过程、会议（表态、不同意见、纪要、签字）、公示与异议、决定、流程图、链头与检查点。"""

    @extend_schema(responses={(200, "application/pdf"): bytes})
    def get(self, request, case_id: UUID):
        from engine.evidence.dossier import render_pdf

        case = access.get_visible_case(request.user, case_id)
        response = HttpResponse(render_pdf(case), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{case.reference}-dossier.pdf"'
        return response
