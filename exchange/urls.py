from django.urls import path

from exchange import views

app_name = "exchange"

urlpatterns = [
    path("imports/", views.import_page, name="import"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/start/", views.import_start, name="import_start"),
    path("projects/<int:pk>/export/plan/", views.plan_export, name="plan_export"),
    path("projects/<int:pk>/export/raid/", views.raid_export, name="raid_export"),
    path("projects/export/", views.portfolio_export, name="portfolio_export"),
]
