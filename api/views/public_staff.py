"""Staff's side of the public matters: 好差评 reports and 差评 follow-ups, complaints registered
from the phone, box and counter, the 三务公开 register, ending a standing 公示 line, and 信访.
Thin callers: the engine services check positions, townships and states."""

from __future__ import annotations

from uuid import UUID

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from api import access
from api.views.base import StaffView
from api.views.public_side import PublicationOut
from engine import complaint_channels, petitions, publications, ratings, standing_lists
from engine import exceptions as engine_errors
from engine.models import Complaint, Organization
from engine.public_models import Petition, Publication, RatingFollowUp


def _township(user, code: str | None) -> Organization:
    """The user's township (or the given one where he works). Raises: OrganizationNotFound."""
    organization = access.organization_for_new_case(user, code or None)
    return organization.township or organization


class TownshipParam(serializers.Serializer):
    township = serializers.SlugField(max_length=64, required=False, help_text="乡镇编码；缺省为本人所在的乡")

    def validate_township(self, code: str) -> Organization:
        try:
            return _township(self.context["request"].user, code)
        except engine_errors.OrganizationNotFound as error:
            raise serializers.ValidationError(_("乡镇不存在")) from error


class StaffFiguresOut(serializers.Serializer):
    key = serializers.CharField(help_text="站所编号、人员账号或权力编码")
    label = serializers.CharField()
    total = serializers.IntegerField()
    satisfaction = serializers.FloatField(allow_null=True)
    levels = serializers.DictField(child=serializers.IntegerField())
    bad = serializers.IntegerField()
    followups_open = serializers.IntegerField()
    followups_overdue = serializers.IntegerField()


class RatingReportOut(serializers.Serializer):
    station = StaffFiguresOut(many=True)
    person = StaffFiguresOut(many=True)
    power = StaffFiguresOut(many=True)


class RatingReportView(StaffView):
    """好差评统计：按站所、经办人员和权力事项（领导、纪检委员）。"""

    required_positions = {"GET": access.LEADERS_AND_INSPECTOR}

    @extend_schema(parameters=[TownshipParam], responses=RatingReportOut)
    def get(self, request):
        params = TownshipParam(data=request.query_params, context={"request": request})
        params.is_valid(raise_exception=True)
        township = params.validated_data.get("township") or _township(request.user, None)
        return Response(ratings.report(actor=request.user, township_id=township.pk, now=self.now))


class FollowUpOut(serializers.Serializer):
    id = serializers.IntegerField()
    case_reference = serializers.CharField()
    power_code = serializers.CharField()
    level = serializers.IntegerField()
    reasons = serializers.ListField(child=serializers.CharField())
    comment = serializers.CharField()
    owners = serializers.ListField(child=serializers.CharField())
    due_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)
    founded = serializers.BooleanField(allow_null=True)
    rectification = serializers.CharField()
    reply = serializers.CharField()
    escalation_level = serializers.IntegerField()


class FollowUpListView(StaffView):
    """本乡的差评整改（未办结的在前）。"""

    @extend_schema(responses=FollowUpOut(many=True))
    def get(self, request):
        rows = (RatingFollowUp.objects.filter(township_id__in=access.scope_of(request.user).township_ids)
                .select_related("rating__case").order_by("closed_at", "due_at"))  # fmt: skip
        return Response(FollowUpOut([ratings.followup_view(f) for f in rows[:200]], many=True).data)


class CloseFollowUpInput(serializers.Serializer):
    founded = serializers.BooleanField(help_text="差评是否属实")
    rectification = serializers.CharField(max_length=4000, required=False, default="", allow_blank=True)
    reply = serializers.CharField(max_length=4000, help_text="反馈评价人的内容")


class CloseFollowUpView(StaffView):
    """站所负责人办结差评整改：核实、整改并反馈评价人。"""

    required_positions = {"POST": None}

    @extend_schema(request=CloseFollowUpInput, responses=FollowUpOut)
    def post(self, request, followup_id: int):
        payload = CloseFollowUpInput(data=request.data)
        payload.is_valid(raise_exception=True)
        followup = ratings.close_followup(followup_id, actor=request.user, now=self.now, **payload.validated_data)
        return Response(FollowUpOut(ratings.followup_view(followup)).data)


class CaseRatingCodeOut(serializers.Serializer):
    code = serializers.CharField(help_text="评价码；制度程序的案件没有")
    rated = serializers.BooleanField()


class CaseRatingCodeView(StaffView):
    """案件的评价码（打印在受理回执和决定书上，二维码指向评价页）。"""

    @extend_schema(responses=CaseRatingCodeOut)
    def get(self, request, case_id: UUID):
        case = access.get_visible_case(request.user, case_id)
        code = ratings.code_for(case)
        body = {"code": code, "rated": bool(code) and ratings.lookup_rating(code)["rated"]}
        return Response(CaseRatingCodeOut(body).data)


class RegisterComplaintInput(serializers.Serializer):
    channel = serializers.ChoiceField(choices=[c for c in Complaint.Channel.choices if c[0] != "online"])
    kind = serializers.ChoiceField(choices=Complaint.Kind.choices, default=Complaint.Kind.COMPLAINT)
    subject = serializers.CharField(max_length=200)
    content = serializers.CharField(max_length=4000)
    case_reference = serializers.CharField(max_length=40, required=False, default="", allow_blank=True)
    name = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
    contact = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
    township = serializers.SlugField(max_length=64, required=False)


class RegisteredComplaintOut(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    channel = serializers.CharField()
    received_at = serializers.DateTimeField()
    reply_due_at = serializers.DateTimeField()


class RegisterComplaintView(StaffView):
    """登记电话、举报箱、投诉台收到的投诉举报（记录渠道，投诉人身份保密）。"""

    required_positions = {"POST": None}

    @extend_schema(request=RegisterComplaintInput, responses={201: RegisteredComplaintOut})
    def post(self, request):
        payload = RegisterComplaintInput(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        complaint = complaint_channels.register_complaint(
            actor=request.user, township=_township(request.user, data.get("township")), channel=data["channel"],
            kind=data["kind"], subject=data["subject"], content=data["content"], case_reference=data["case_reference"],
            complainant_name=data["name"], complainant_contact=data["contact"], now=self.now,
        )  # fmt: skip
        return Response(RegisteredComplaintOut(complaint).data, status=status.HTTP_201_CREATED)


class RegisterPublicationInput(serializers.Serializer):
    category = serializers.ChoiceField(choices=Publication.Category.choices)
    title = serializers.CharField(max_length=200)
    content = serializers.CharField(max_length=20000)
    period = serializers.CharField(max_length=50)
    attachments = serializers.ListField(child=serializers.DictField(child=serializers.CharField(max_length=300)),
                                        required=False, default=list, max_length=20)  # fmt: skip
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True, default=None)
    sanzhong_reference = serializers.CharField(max_length=40, required=False, default="", allow_blank=True)
    display_until = serializers.DateField(required=False, allow_null=True, default=None)
    township = serializers.SlugField(max_length=64, required=False)


class StaffPublicationOut(PublicationOut):
    class Meta(PublicationOut.Meta):
        fields = [*PublicationOut.Meta.fields, "registered_at"]


class PublicationsView(StaffView):
    """三务公开登记（党政办、领导），另一位领导审核后发布。"""

    required_positions = {"GET": None, "POST": None}

    @extend_schema(responses=StaffPublicationOut(many=True))
    def get(self, request):
        rows = Publication.objects.filter(township_id__in=access.scope_of(request.user).township_ids)
        return Response(StaffPublicationOut(rows.select_related("sanzhong_case", "approved_by")[:200], many=True).data)

    @extend_schema(request=RegisterPublicationInput, responses={201: StaffPublicationOut})
    def post(self, request):
        payload = RegisterPublicationInput(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        township = _township(request.user, data.pop("township", None))
        item = publications.register_publication(actor=request.user, township=township, now=self.now, **data)
        return Response(StaffPublicationOut(item).data, status=status.HTTP_201_CREATED)


class ApprovePublicationView(StaffView):
    """领导审核发布三务公开事项（登记人不能审核自己登记的）。"""

    required_positions = {"POST": None}

    @extend_schema(request=None, responses=StaffPublicationOut)
    def post(self, request, publication_id: int):
        item = publications.approve_publication(publication_id, actor=request.user, now=self.now)
        return Response(StaffPublicationOut(item).data)


class EndEntryInput(serializers.Serializer):
    reason = serializers.CharField(max_length=200, help_text="待遇终止原因（停保、死亡、迁出等）")


class EndEntryOut(serializers.Serializer):
    id = serializers.IntegerField()
    ended_at = serializers.DateTimeField()
    ends_on = serializers.DateField()


class EndStandingEntryView(StaffView):
    """待遇终止：长期公示条目当日撤下。"""

    required_positions = {"POST": None}

    @extend_schema(request=EndEntryInput, responses=EndEntryOut)
    def post(self, request, entry_id: int):
        payload = EndEntryInput(data=request.data)
        payload.is_valid(raise_exception=True)
        entry = standing_lists.end_entry(entry_id, actor=request.user, reason=payload.validated_data["reason"],
                                         now=self.now)  # fmt: skip
        return Response(EndEntryOut({"id": entry.pk, "ended_at": entry.ended_at, "ends_on": entry.ends_on}).data)


class PetitionOut(serializers.ModelSerializer):
    status = serializers.CharField(help_text="registered 已登记、accepted 已受理、not_accepted 不予受理、concluded 已办结")
    case_reference = serializers.CharField(source="case.reference", default="", allow_null=True)

    class Meta:
        model = Petition
        fields = ["id", "number", "channel", "subject", "content", "status", "received_at", "accept_due_at",
                  "decided_at", "decision_note", "handle_due_at", "extended_days", "extension_reason", "route",
                  "case_reference", "case_outcome", "outcome", "concluded_at", "escalation_level"]  # fmt: skip


class PetitionWithIdentityOut(PetitionOut):
    class Meta(PetitionOut.Meta):
        fields = [*PetitionOut.Meta.fields, "petitioner_name", "petitioner_contact"]


def _petition_out(user, petition: Petition) -> dict:
    serializer = PetitionWithIdentityOut if access.INSPECTOR in access.positions_held(user) else PetitionOut
    return serializer(petition).data


class RegisterPetitionInput(serializers.Serializer):
    channel = serializers.ChoiceField(choices=petitions.CHANNELS)
    subject = serializers.CharField(max_length=200)
    content = serializers.CharField(max_length=8000)
    name = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
    contact = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
    township = serializers.SlugField(max_length=64, required=False)


class PetitionsView(StaffView):
    """信访登记和本乡信访事项（信访人身份仅纪检委员可见）。"""

    required_positions = {"GET": None, "POST": None}

    @extend_schema(responses=PetitionOut(many=True))
    def get(self, request):
        rows = Petition.objects.filter(township_id__in=access.scope_of(request.user).township_ids).select_related("case")
        return Response([_petition_out(request.user, p) for p in rows[:200]])

    @extend_schema(request=RegisterPetitionInput, responses={201: PetitionOut})
    def post(self, request):
        payload = RegisterPetitionInput(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        petition = petitions.register_petition(
            actor=request.user, township=_township(request.user, data.get("township")), channel=data["channel"],
            subject=data["subject"], content=data["content"], petitioner_name=data["name"],
            petitioner_contact=data["contact"], now=self.now,
        )  # fmt: skip
        return Response(_petition_out(request.user, petition), status=status.HTTP_201_CREATED)


class DecidePetitionInput(serializers.Serializer):
    accept = serializers.BooleanField()
    note = serializers.CharField(max_length=4000, help_text="书面告知信访人的内容")


class RoutePetitionInput(serializers.Serializer):
    route = serializers.ChoiceField(choices=petitions.ROUTES)
    power_code = serializers.CharField(max_length=20, required=False, default="", allow_blank=True)
    case_reference = serializers.CharField(max_length=40, required=False, default="", allow_blank=True)


class ExtendPetitionInput(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=365)
    reason = serializers.CharField(max_length=2000)


class ConcludePetitionInput(serializers.Serializer):
    outcome = serializers.CharField(max_length=8000, help_text="告知信访人的办理结果")


class PetitionActionView(StaffView):
    """信访的受理决定、转办、延期、办结告知。"""

    required_positions = {"POST": None}
    action = ""
    inputs = {"decide": DecidePetitionInput, "route": RoutePetitionInput, "extend": ExtendPetitionInput,
              "conclude": ConcludePetitionInput}  # fmt: skip
    services = {"decide": petitions.decide_acceptance, "route": petitions.route_petition,
                "extend": petitions.extend_petition, "conclude": petitions.conclude_petition}  # fmt: skip

    def post(self, request, petition_id: int):
        payload = self.inputs[self.action](data=request.data)
        payload.is_valid(raise_exception=True)
        petition = self.services[self.action](petition_id, actor=request.user, now=self.now, **payload.validated_data)
        return Response(_petition_out(request.user, petition))


def petition_action(action: str):
    def post(self, request, petition_id: int):
        return PetitionActionView.post(self, request, petition_id)

    post = extend_schema(request=PetitionActionView.inputs[action], responses=PetitionOut)(post)
    return type(f"{action.title()}PetitionView", (PetitionActionView,), {"action": action, "post": post}).as_view()
