from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from onboarding.views import favicon, floor, healthz
from projects.views import home

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("floor", floor, name="floor"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("clients/", include("clients.urls")),
    path("alerts/", include("alerts.urls")),
    path("outbox/", include("outbox.urls")),
    path("webhooks/", include("webhooks.urls")),
    path("", include("projects.urls")),
    path("", include("reports.urls")),
    path("", include("meetings.urls")),
    path("", include("calendars.urls")),
    path("", include("playbooks.urls")),
    path("", include("golive.urls")),
    path("", include("acceptance.urls")),
    path("portal/", include("portal.urls")),
    path("", include("portal.staff_urls")),
    path("", include("portfolio.urls")),
    path("", include("exchange.urls")),
    path("", include("api.urls")),
]
