from django.urls import path

from portfolio import views

app_name = "portfolio"

urlpatterns = [
    path("portfolio/", views.dashboard, name="dashboard"),
    path("portfolio/now/", views.now, name="now"),
    path("portfolio/go-lives/", views.go_lives, name="go_lives"),
    path("portfolio/time-to-go-live/", views.time_to_go_live, name="time_to_go_live"),
    path("portfolio/satisfaction/", views.satisfaction, name="satisfaction"),
    path("portfolio/escalations/", views.escalations, name="escalations"),
    path("portfolio/pm-load/", views.pm_load, name="pm_load"),
]
