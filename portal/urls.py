"""The client portal, under /portal/: its own pages, for contacts with a portal session."""

from django.urls import path

from portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("in/<str:token>/", views.link, name="link"),
    path("signed-out/", views.signed_out, name="signed_out"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("projects/<int:pk>/", views.project, name="project"),
    path("tasks/<int:pk>/", views.task, name="task"),
    path("tasks/<int:pk>/done/", views.task_done, name="task_done"),
    path("files/<int:pk>/", views.download, name="download"),
    path("reports/<int:pk>/pdf/", views.report_pdf, name="report_pdf"),
    path("sign-offs/<int:pk>/", views.signoff, name="signoff"),
    path("surveys/<int:pk>/", views.survey, name="survey"),
    path("test-cases/<int:pk>/", views.case, name="case"),
    path("projects/<int:pk>/uat-sign-off/", views.uat_signoff, name="uat_signoff"),
]
