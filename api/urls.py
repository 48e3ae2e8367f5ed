"""API routes. Every path under /api/ answers errors in the one JSON shape, unknown paths included."""

from django.urls import include, path, re_path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from api.views import cases, catalog, charts, institutions, oversight, public, public_side, public_staff, tasks, transparency
from api.views.auth import RevokeTokenView, TokenView
from ops.health import health


class CodeConverter:
    """Catalog codes and receipt numbers: letters, digits, '-' and '_' (never anything a database rejects)."""

    regex = r"[A-Za-z0-9_-]{1,40}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class IdConverter:
    """Integer ids that fit every database's integer column."""

    regex = r"[0-9]{1,9}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(CodeConverter, "code")
register_converter(IdConverter, "id")


class SchemaView(SpectacularAPIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []


class DocsView(SpectacularSwaggerView):
    permission_classes = [AllowAny]
    authentication_classes: list = []


class UnknownPathView(APIView):
    """Any other path under /api/: the one error shape instead of Django's HTML 404."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    schema = None

    def http_method_not_allowed(self, request, *args, **kwargs):
        raise NotFound()

    get = post = put = patch = delete = http_method_not_allowed


case = "cases/<uuid:case_id>/"
task = case + "tasks/<uuid:task_id>/"

urlpatterns = [
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(url_name="schema"), name="docs"),
    path("health/", health, name="health"),
    path("auth/token/", TokenView.as_view(), name="token"),
    path("auth/token/revoke/", RevokeTokenView.as_view(), name="revoke-token"),
    path("auth/", include("rest_framework.urls")),
    path("me/", catalog.MeView.as_view(), name="me"),
    # the lists, public by law
    path("categories/", catalog.CategoryListView.as_view(), name="categories"),
    path("powers/", catalog.PowerListView.as_view(), name="powers"),
    path("list-version/", catalog.ListVersionView.as_view(), name="list-version"),
    path("powers/<code:code>/", catalog.PowerDetailView.as_view(), name="power"),
    re_path(
        r"^powers/(?P<code>[A-Za-z0-9_-]{1,40})/poster\.(?P<fmt>svg|pdf|png)$",
        charts.PowerPosterView.as_view(),
        name="power-poster",
    ),
    re_path(
        r"^powers/(?P<code>[A-Za-z0-9_-]{1,40})/risk-map\.(?P<fmt>svg|pdf|png)$",
        charts.PowerRiskMapView.as_view(),
        name="power-risk-map",
    ),
    path("responsibilities/", catalog.ResponsibilityListView.as_view(), name="responsibilities"),
    path("responsibilities/<code:code>/", catalog.ResponsibilityDetailView.as_view(), name="responsibility"),
    # staff
    path("organizations/", catalog.OrganizationListView.as_view(), name="organizations"),
    path("definitions/", catalog.DefinitionListView.as_view(), name="definitions"),
    path("definitions/<id:definition_id>/", catalog.DefinitionDetailView.as_view(), name="definition"),
    path("definitions/<id:definition_id>/bpmn/", catalog.DefinitionBpmnView.as_view(), name="definition-bpmn"),
    path("cases/", cases.CaseListView.as_view(), name="cases"),
    path(case, cases.CaseDetailView.as_view(), name="case"),
    path(case + "cancel/", cases.CancelCaseView.as_view(), name="cancel-case"),
    path(case + "conflicts/", cases.DeclareConflictView.as_view(), name="declare-conflict"),
    path(case + "chart.svg", charts.CaseChartView.as_view(), name="case-chart"),
    path(case + "history/", cases.CaseHistoryView.as_view(), name="case-history"),
    path(case + "replay/", cases.ReplayCaseView.as_view(), name="replay-case"),
    path(case + "verify/", cases.VerifyCaseView.as_view(), name="verify-case"),
    path(case + "evidence/", transparency.CaseEvidenceView.as_view(), name="case-evidence"),
    path(case + "bundle.zip", transparency.CaseBundleView.as_view(), name="case-bundle"),
    path(case + "dossier.pdf", transparency.CaseDossierView.as_view(), name="case-dossier"),
    path("tasks/", tasks.InboxView.as_view(), name="inbox"),
    path(task + "form/", tasks.TaskFormView.as_view(), name="task-form"),
    path(task + "claim/", tasks.ClaimTaskView.as_view(), name="claim-task"),
    path(task + "unclaim/", tasks.UnclaimTaskView.as_view(), name="unclaim-task"),
    path(task + "complete/", tasks.CompleteTaskView.as_view(), name="complete-task"),
    path("complaints/", oversight.ComplaintListView.as_view(), name="complaints"),
    path("complaints/<id:complaint_id>/", oversight.ComplaintDetailView.as_view(), name="complaint"),
    path("complaints/<id:complaint_id>/reply/", oversight.ReplyComplaintView.as_view(), name="reply-complaint"),
    path("complaints/register/", public_staff.RegisterComplaintView.as_view(), name="register-complaint"),
    path(case + "rating-code/", public_staff.CaseRatingCodeView.as_view(), name="case-rating-code"),
    path("ratings/report/", public_staff.RatingReportView.as_view(), name="rating-report"),
    path("ratings/followups/", public_staff.FollowUpListView.as_view(), name="rating-followups"),
    path("ratings/followups/<id:followup_id>/close/", public_staff.CloseFollowUpView.as_view(), name="close-followup"),
    path("publications/", public_staff.PublicationsView.as_view(), name="publications"),
    path("publications/<id:publication_id>/approve/", public_staff.ApprovePublicationView.as_view(),
         name="approve-publication"),
    path("standing-lists/<id:entry_id>/end/", public_staff.EndStandingEntryView.as_view(), name="end-standing-entry"),
    path("petitions/", public_staff.PetitionsView.as_view(), name="petitions"),
    *[path(f"petitions/<id:petition_id>/{action}/", public_staff.petition_action(action), name=f"{action}-petition")
      for action in ("decide", "route", "extend", "conclude")],
    path("objections/", oversight.ObjectionListView.as_view(), name="objections"),
    path("accountability/", oversight.AccountabilityListView.as_view(), name="accountability"),
    path("accountability/outcomes/", institutions.AccountabilityOutcomeListView.as_view(), name="outcomes"),
    path("accountability/mine/", institutions.MyRecordsView.as_view(), name="my-records"),
    path("talks/", institutions.TalkListView.as_view(), name="talks"),
    path("procedures/", institutions.ProcedureListView.as_view(), name="procedures"),
    path("procedures/<code:code>/", institutions.ProcedureDetailView.as_view(), name="procedure"),
    path("procedures/<code:code>/cases/", institutions.StartProcedureView.as_view(), name="start-procedure"),
    re_path(r"^procedures/(?P<code>[A-Za-z0-9_-]{1,40})/poster\.(?P<fmt>svg|pdf|png)$",
            charts.ProcedurePosterView.as_view(), name="procedure-poster"),
    re_path(r"^procedures/(?P<code>[A-Za-z0-9_-]{1,40})/risk-map\.(?P<fmt>svg|pdf|png)$",
            charts.ProcedureRiskMapView.as_view(), name="procedure-risk-map"),
    # the public, without login
    path("public/notices/", public.NoticeListView.as_view(), name="notices"),
    path("public/notices/<uuid:case_id>/", public.NoticeDetailView.as_view(), name="notice"),
    path("public/notices/<uuid:case_id>/objections/", public.FileObjectionView.as_view(), name="file-objection"),
    path("public/complaints/", public.FileComplaintView.as_view(), name="file-complaint"),
    path("public/receipts/<code:number>/", public.ReceiptView.as_view(), name="receipt"),
    path("public/complaints/<code:number>/rating/", public_side.RateComplaintReplyView.as_view(),
         name="rate-complaint-reply"),
    path("public/ratings/", public_side.RatingsView.as_view(), name="ratings"),
    path("public/ratings/<code:code>/", public_side.RatingView.as_view(), name="rating"),
    path("public/standing-lists/", public_side.StandingListView.as_view(), name="standing-lists"),
    path("public/publications/", public_side.PublicationListView.as_view(), name="public-publications"),
    path("public/petitions/<code:number>/", public_side.PetitionProgressView.as_view(), name="petition-progress"),
    path("public/transparency/", transparency.TransparencyView.as_view(), name="transparency"),
    path("public/transparency/checkpoints/", transparency.CheckpointListView.as_view(), name="checkpoints"),
    path("public/transparency/consistency/", transparency.ConsistencyProofView.as_view(), name="consistency-proof"),
    path("public/transparency/inclusion/", transparency.InclusionProofView.as_view(), name="inclusion-proof"),
    path("public/transparency/days/<str:day>.json", transparency.DayExportView.as_view(), name="transparency-day"),
    path("public/transparency/days/<str:day>/digest/", transparency.DigestView.as_view(), name="transparency-digest"),
    re_path(r"^.*$", UnknownPathView.as_view()),
]
