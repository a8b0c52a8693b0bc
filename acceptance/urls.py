from django.urls import path

from acceptance import views

app_name = "acceptance"

urlpatterns = [
    path("projects/<int:pk>/testing/", views.testing, name="testing"),
    path("projects/<int:pk>/testing/new/", views.case_create, name="case_create"),
    path("test-cases/<int:pk>/run/", views.run_create, name="run_create"),
    path("test-runs/<int:pk>/attachment/", views.run_attachment, name="run_attachment"),
]
