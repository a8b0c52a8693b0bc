from django.urls import path

from playbooks import views

app_name = "playbooks"

urlpatterns = [
    path("templates/", views.template_list, name="list"),
    path("templates/new/", views.template_create, name="create"),
    path("templates/<int:pk>/", views.template_detail, name="detail"),
    path("templates/<int:pk>/edit/", views.template_edit, name="edit"),
    path("templates/<int:pk>/milestones/new/", views.milestone_create, name="milestone_create"),
    path("template-milestones/<int:pk>/edit/", views.milestone_edit, name="milestone_edit"),
    path("template-milestones/<int:pk>/delete/", views.milestone_delete, name="milestone_delete"),
    path("templates/<int:pk>/tasks/new/", views.task_create, name="task_create"),
    path("template-tasks/<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("template-tasks/<int:pk>/delete/", views.task_delete, name="task_delete"),
    path("projects/<int:pk>/templates/", views.project_templates, name="project_templates"),
    path(
        "projects/<int:pk>/templates/apply/",
        views.project_apply_templates,
        name="apply",
    ),
    path(
        "projects/<int:pk>/templates/save/",
        views.project_save_as_template,
        name="save_as_template",
    ),
]
