from django.urls import path

from clients import views

app_name = "clients"
urlpatterns = [
    path("", views.client_list, name="list"),
    path("new/", views.client_create, name="create"),
    path("options/", views.client_options, name="options"),
    path("time-zones/", views.time_zone_names, name="time_zones"),
    path("<int:pk>/", views.client_detail, name="detail"),
    path("<int:pk>/edit/", views.client_edit, name="edit"),
    path("<int:pk>/contacts/new/", views.contact_create, name="contact_create"),
    path("<int:pk>/contacts/<int:contact_pk>/edit/", views.contact_edit, name="contact_edit"),
    path("<int:pk>/handoffs/new/", views.handoff_create, name="handoff_create"),
    path("handoffs/<int:pk>/", views.handoff_detail, name="handoff_detail"),
    path("handoffs/<int:pk>/edit/", views.handoff_edit, name="handoff_edit"),
    path("handoffs/<int:pk>/acknowledge/", views.handoff_acknowledge, name="handoff_acknowledge"),
]
