"""The public's side without logging in: 好差评 (rate with the code, see one's rating and the
station's reply, aggregates per power), the standing 公示 lists, 三务公开 and its archive, rating a
complaint's reply, following a petition by its number. Thin callers of the engine."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from api.throttling import PublicPostThrottle
from api.views.base import PublicListView, PublicView
from engine import complaint_channels, petitions, publications, ratings, standing_lists
from engine import exceptions as engine_errors
from engine.models import Organization
from engine.public_models import Publication, ServiceRating


def township_by_code(code: str) -> Organization:
    """Raises: OrganizationNotFound."""
    township = Organization.objects.filter(code=code, kind=Organization.Kind.TOWNSHIP).first()
    if township is None:
        raise engine_errors.OrganizationNotFound(organization=code)
    return township


class TownshipQuery(serializers.Serializer):
    township = serializers.SlugField(max_length=64, help_text="乡镇编码")

    def validate_township(self, code: str) -> str:
        if not Organization.objects.filter(code=code, kind=Organization.Kind.TOWNSHIP).exists():
            raise serializers.ValidationError(_("乡镇不存在"))
        return code


class RateServiceInput(serializers.Serializer):
    code = serializers.CharField(max_length=16, help_text="受理回执或决定书上的评价码")
    level = serializers.IntegerField(help_text="5 非常满意、4 满意、3 基本满意、2 不满意、1 非常不满意")
    reasons = serializers.ListField(child=serializers.CharField(max_length=200), required=False, default=list,
                                    max_length=10, help_text="差评原因（不满意、非常不满意时必填）")  # fmt: skip
    comment = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)
    channel = serializers.ChoiceField(choices=ratings.CHANNELS, required=False, default="web")


class RatingOut(serializers.Serializer):
    case_reference = serializers.CharField()
    power_code = serializers.CharField()
    rated = serializers.BooleanField()
    level = serializers.IntegerField(allow_null=True)
    rated_at = serializers.DateTimeField(allow_null=True)
    followup_due_at = serializers.DateTimeField(allow_null=True)
    reply = serializers.CharField()
    replied_at = serializers.DateTimeField(allow_null=True)


class FiguresOut(serializers.Serializer):
    key = serializers.CharField(help_text="权力编码")
    label = serializers.CharField()
    total = serializers.IntegerField()
    satisfaction = serializers.FloatField(allow_null=True, help_text="满意率（非常满意、满意、基本满意）")
    levels = serializers.DictField(child=serializers.IntegerField())
    bad = serializers.IntegerField()
    followups_open = serializers.IntegerField()
    bad_answered = serializers.IntegerField()


class RatingsView(PublicView):
    """政务服务“好差评”：凭评价码评价一次（无需登录）；按权力事项公开汇总（不含姓名和意见）。"""

    throttle_classes = [PublicPostThrottle]

    def get_throttles(self):
        return super().get_throttles() if self.request.method == "POST" else []

    @extend_schema(parameters=[TownshipQuery], responses=FiguresOut(many=True))
    def get(self, request):
        params = TownshipQuery(data=request.query_params)
        params.is_valid(raise_exception=True)
        township = township_by_code(params.validated_data["township"])
        return Response(FiguresOut(ratings.public_figures(township_id=township.pk, now=self.now), many=True).data)

    @extend_schema(request=RateServiceInput, responses={201: RatingOut})
    def post(self, request):
        payload = RateServiceInput(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        rating = ratings.rate_service(code=data["code"], level=data["level"], reasons=data["reasons"],
                                      comment=data["comment"], channel=data["channel"], now=self.now)  # fmt: skip
        return Response(RatingOut(ratings.lookup_rating(rating.code)).data, status=status.HTTP_201_CREATED)


class RatingView(PublicView):
    """凭评价码查看自己的评价和差评整改反馈。"""

    @extend_schema(responses=RatingOut)
    def get(self, request, code: str):
        return Response(RatingOut(ratings.lookup_rating(code)).data)


class StandingEntryOut(serializers.Serializer):
    id = serializers.IntegerField()
    power_code = serializers.CharField()
    list_title = serializers.CharField()
    place = serializers.CharField()
    fields = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(allow_null=True)


class StandingQuery(TownshipQuery):
    power = serializers.CharField(max_length=20, required=False, default="", allow_blank=True, help_text="权力编码，如 JF-01")


class StandingListView(PublicListView):
    """长期公示名单（低保、特困、危房改造、计生奖扶等）：只公示规则列明的项目，号码遮蔽，未成年人不公示。分页。"""

    serializer_class = StandingEntryOut

    @extend_schema(parameters=[StandingQuery])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = StandingQuery(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        township = township_by_code(params.validated_data["township"])
        return standing_lists.current(township_id=township.pk, on=timezone.localdate(self.now),
                                      power_code=params.validated_data["power"])  # fmt: skip


class PublicationOut(serializers.ModelSerializer):
    category_display = serializers.CharField(source="get_category_display")
    approved_by = serializers.SerializerMethodField()
    sanzhong_reference = serializers.CharField(source="sanzhong_case.reference", default=None, allow_null=True)
    needs_sanzhong = serializers.SerializerMethodField(help_text="达到“三重一大”大额标准的财务事项")

    class Meta:
        model = Publication
        fields = ["id", "category", "category_display", "title", "content", "attachments", "period", "amount",
                  "sanzhong_reference", "needs_sanzhong", "approved_by", "approved_at", "display_until"]  # fmt: skip

    def get_approved_by(self, item: Publication) -> str:
        user = item.approved_by
        return (user.get_full_name() or user.get_username()) if user else ""

    def get_needs_sanzhong(self, item: Publication) -> bool:
        return publications.needs_sanzhong(item)


class PublicationQuery(TownshipQuery):
    category = serializers.ChoiceField(choices=Publication.Category.choices, required=False, allow_blank=True, default="")
    archive = serializers.BooleanField(required=False, default=False, help_text="true：查看已期满的公开档案")


class PublicationListView(PublicListView):
    """三务公开（党务、政务、财务）：正在公开的事项，或公开档案。分页。"""

    serializer_class = PublicationOut

    @extend_schema(parameters=[PublicationQuery])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = PublicationQuery(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        return publications.published(township_id=township_by_code(data["township"]).pk,
                                      on=timezone.localdate(self.now), archive=data["archive"],
                                      category=data["category"])  # fmt: skip


class RateReplyInput(serializers.Serializer):
    level = serializers.ChoiceField(choices=ServiceRating.Level.choices)
    comment = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)


class RateReplyOut(serializers.Serializer):
    number = serializers.CharField()
    reply_rating = serializers.IntegerField()
    reply_rated_at = serializers.DateTimeField()


class RateComplaintReplyView(PublicView):
    """投诉人凭受理编号评价答复（一次）。"""

    throttle_classes = [PublicPostThrottle]

    @extend_schema(request=RateReplyInput, responses={201: RateReplyOut})
    def post(self, request, number: str):
        payload = RateReplyInput(data=request.data)
        payload.is_valid(raise_exception=True)
        complaint = complaint_channels.rate_reply(number, level=payload.validated_data["level"],
                                                  comment=payload.validated_data["comment"], now=self.now)  # fmt: skip
        return Response(RateReplyOut(complaint).data, status=status.HTTP_201_CREATED)


class PetitionProgressOut(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.CharField()
    status_display = serializers.CharField()
    received_at = serializers.DateTimeField()
    accept_due_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_note = serializers.CharField()
    handle_due_at = serializers.DateTimeField(allow_null=True)
    extended_days = serializers.IntegerField()
    route = serializers.CharField()
    case_reference = serializers.CharField()
    outcome = serializers.CharField()
    concluded_at = serializers.DateTimeField(allow_null=True)


class PetitionProgressView(PublicView):
    """信访人凭信访编号查询受理、办理进度和结果（不含任何人的身份）。"""

    @extend_schema(responses=PetitionProgressOut)
    def get(self, request, number: str):
        return Response(PetitionProgressOut(petitions.progress(number)).data)


