from django.urls import path

from meetings import views

app_name = "meetings"

urlpatterns = [
    path("projects/<int:pk>/meetings/", views.meeting_list, name="meeting_list"),
    path("projects/<int:pk>/meetings/new/", views.meeting_create, name="meeting_create"),
    path("projects/<int:pk>/decisions/", views.decision_list, name="decision_list"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path(
        "meetings/<int:pk>/action-items/new/",
        views.action_item_create,
        name="action_item_create",
    ),
    path("meetings/<int:pk>/decisions/new/", views.decision_create, name="decision_create"),
]
