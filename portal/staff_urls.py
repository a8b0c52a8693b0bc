"""The team's pages about the portal, among the project's own pages (staff logins only)."""

from django.urls import path

from portal import staff_views

app_name = "portal_staff"

urlpatterns = [
    path("projects/<int:pk>/portal/", staff_views.project_portal, name="project"),
    path("projects/<int:pk>/portal/invite/", staff_views.invite, name="invite"),
    path("projects/<int:pk>/portal/revoke/", staff_views.revoke, name="revoke"),
    path(
        "projects/<int:pk>/portal/sign-off-request/",
        staff_views.signoff_request,
        name="signoff_request",
    ),
    path("projects/<int:pk>/portal/card/", staff_views.project_card, name="project_card"),
    path("tasks/<int:pk>/files/", staff_views.task_files, name="task_files"),
    path("tasks/<int:pk>/files/<int:file_pk>/", staff_views.task_file, name="task_file"),
    path("clients/<int:pk>/satisfaction/", staff_views.client_surveys, name="client_surveys"),
]
