from django.urls import path

from calendars import views

app_name = "calendars"

urlpatterns = [
    path("calendar/", views.feed_settings, name="settings"),
    path("calendar/reset/", views.feed_reset, name="reset"),
    path("calendar/revoke/", views.feed_revoke, name="revoke"),
    path("calendar/<str:token>/calendar.ics", views.user_feed, name="user_feed"),
    path(
        "calendar/<str:token>/projects/<int:pk>/calendar.ics",
        views.project_feed,
        name="project_feed",
    ),
]
