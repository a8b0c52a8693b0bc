from django.urls import path

from golive import views

app_name = "golive"

urlpatterns = [
    path("projects/<int:pk>/go-live/", views.readiness, name="readiness"),
    path("projects/<int:pk>/go-live/move/", views.go_live, name="go_live"),
    path("projects/<int:pk>/go-live/steps/new/", views.step_create, name="step_create"),
    path("go-live-steps/<int:pk>/edit/", views.step_edit, name="step_edit"),
    path("go-live-steps/<int:pk>/state/", views.step_state, name="step_state"),
    path("go-live-steps/<int:pk>/move/", views.step_move, name="step_move"),
    path(
        "projects/<int:pk>/handoff-report/rebuild/",
        views.handoff_rebuild,
        name="handoff_rebuild",
    ),
    path(
        "projects/<int:pk>/handoff-report/messages/",
        views.handoff_message,
        name="handoff_message",
    ),
    path("support/handoffs/", views.incoming, name="incoming"),
]
