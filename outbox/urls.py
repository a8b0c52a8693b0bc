from django.urls import path

from outbox import views

app_name = "outbox"

urlpatterns = [
    path("", views.email_list, name="list"),
    path("<int:pk>/", views.email_detail, name="detail"),
    path("<int:pk>/retry/", views.email_retry, name="retry"),
]
