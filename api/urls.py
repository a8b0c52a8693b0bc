from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from api import views, views_tokens

app_name = "api"

router = SimpleRouter(use_regex_path=False)
router.register("clients", views.ClientViewSet, basename="client")
router.register("contacts", views.ContactViewSet, basename="contact")
router.register("projects", views.ProjectViewSet, basename="project")
router.register("milestones", views.MilestoneViewSet, basename="milestone")
router.register("tasks", views.TaskViewSet, basename="task")
router.register("risks", views.RiskViewSet, basename="risk")
router.register("issues", views.IssueViewSet, basename="issue")
router.register("alerts", views.AlertViewSet, basename="alert")

urlpatterns = [
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI, for people: one who is not logged in is sent to log in. The split view loads
    # its settings as a script from this same address (?script=), so the Content-Security-Policy
    # needs no inline script.
    path(
        "api/docs/",
        login_required(SpectacularSwaggerSplitView.as_view(url_name="api:schema")),
        name="docs",
    ),
    path("account/api-tokens/", views_tokens.api_tokens, name="tokens"),
    path("account/api-tokens/revoke/", views_tokens.api_token_revoke, name="token_revoke"),
]
