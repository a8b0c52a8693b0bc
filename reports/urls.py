from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("projects/<int:pk>/reports/", views.project_reports, name="project_reports"),
    path("projects/<int:pk>/reports/preview/", views.report_preview, name="preview"),
    path("projects/<int:pk>/reports/send/", views.report_send_now, name="send_now"),
    path("projects/<int:pk>/reports/schedule/", views.report_schedule, name="schedule"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/pdf/", views.report_pdf, name="report_pdf"),
]
