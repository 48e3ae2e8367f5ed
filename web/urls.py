"""Web pages: the home page, login, the staff workbench, the inspector's pages and the public site."""

from django.urls import path

from web.views import documents, home, inspect, institutions, petitions, public, public_side, public_staff, tasks, work

app_name = "web"

case = "work/cases/<uuid:case_id>/"
task = case + "tasks/<uuid:task_id>/"

urlpatterns = [
    path("", home.home, name="home"),
    path("login/", home.LoginPage.as_view(), name="login"),
    path("logout/", home.LogoutPage.as_view(), name="logout"),
    # staff workbench
    path("work/", work.inbox, name="inbox"),
    path("work/start/", work.start_list, name="start-list"),
    path("work/followups/", public_staff.followups, name="followups"),
    path("work/complaints/new/", public_staff.register_complaint, name="register-complaint"),
    path("work/petitions/", petitions.petition_list, name="petitions"),
    path("work/publications/", public_staff.publication_register, name="publications"),
    path("work/start/<str:code>/", work.start_case, name="start-case"),
    path(case, work.case_page, name="case"),
    path(case + "chart.svg", work.case_chart, name="case-chart"),
    path(case + "documents/<str:kind>/", documents.document, name="document"),
    path(case + "files/<int:file_id>/", documents.download, name="download"),
    path(task, tasks.task_page, name="task"),
    path(task + "upload/", documents.upload, name="upload"),
    path(task + "quorum/", tasks.quorum_check, name="quorum"),
    path(task + "claim/", work.claim, name="claim"),
    path(task + "unclaim/", work.unclaim, name="unclaim"),
    # inspectors
    path("inspect/", inspect.search, name="inspect"),
    path("inspect/cases/<uuid:case_id>/", inspect.step_through, name="step-through"),
    path("inspect/cases/<uuid:case_id>/chart.svg", inspect.step_chart, name="step-chart"),
    path("inspect/accountability/", inspect.accountability, name="accountability"),
    path("inspect/complaints/", inspect.complaints, name="complaints"),
    path("inspect/outcomes/", institutions.outcomes, name="outcomes"),
    path("inspect/talks/", institutions.talk_records, name="talks"),
    path("inspect/talks/new/", institutions.start_talk, name="start-talk"),
    path("inspect/outcomes/new/", institutions.start_accountability, name="start-accountability"),
    path("work/mine/", institutions.mine, name="mine"),
    path("work/procedures/", institutions.procedure_list, name="procedures"),
    path("work/procedures/<str:code>/", institutions.start_procedure_page, name="start-procedure"),
    # the public, without login
    path("public/", public.power_list, name="powers"),
    path("public/powers/<str:code>/", public.power_guide, name="power-guide"),
    path("public/powers/<str:code>/<str:kind>.<str:fmt>", public.power_chart, name="power-chart"),
    path("public/notices/", public.notices, name="notices"),
    path("public/notices/<uuid:case_id>/", public.notice, name="notice"),
    path("public/complaint/", public.complaint, name="complaint"),
    path("public/receipts/", public.receipt, name="receipt"),
    path("public/receipts/rate/", public_side.rate_reply, name="rate-reply"),
    path("public/rate/", public_side.rate, name="rate"),
    path("public/ratings/", public_side.rating_figures, name="ratings"),
    path("public/standing/", public_side.standing, name="standing"),
    path("public/open-affairs/", public_side.open_affairs, name="open-affairs"),
    path("public/petitions/", public_side.petition, name="petition"),
]
