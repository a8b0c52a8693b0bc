from django.urls import path

from projects import (
    views,
    views_baselines,
    views_handoff,
    views_milestones,
    views_raid,
    views_tasks,
    views_timeline,
    views_work,
)

app_name = "projects"

urlpatterns = [
    path("clients/<int:pk>/status/", views.account_status, name="account_status"),
    path("projects/", views.project_list, name="list"),
    path("my-work/", views_work.my_work, name="my_work"),
    path("timesheet/", views_work.timesheet, name="timesheet"),
    path("projects/new/", views.project_create, name="create"),
    path("projects/pm-options/", views.pm_options, name="pm_options"),
    path("projects/<int:pk>/", views.project_detail, name="detail"),
    path("projects/<int:pk>/edit/", views.project_edit, name="edit"),
    path("projects/<int:pk>/phase/", views.project_phase, name="phase"),
    path("projects/<int:pk>/health/", views.project_health_override, name="health_override"),
    path(
        "projects/<int:pk>/health/clear/",
        views.project_health_override_clear,
        name="health_override_clear",
    ),
    path("projects/<int:pk>/uat-signoff/", views.project_uat_signoff, name="uat_signoff"),
    path("projects/<int:pk>/team/", views.project_member_add, name="member_add"),
    path(
        "projects/<int:pk>/team/<int:user_pk>/remove/",
        views.project_member_remove,
        name="member_remove",
    ),
    path("projects/<int:pk>/comments/", views.project_comment, name="comment"),
    path("projects/timeline/", views_timeline.portfolio_timeline_page, name="portfolio_timeline"),
    path("projects/<int:pk>/baselines/", views_timeline.project_baseline, name="baseline"),
    path("projects/<int:pk>/history/", views.project_history, name="history"),
    # Baselines kept, and two versions of the plan side by side
    path("projects/<int:pk>/baselines/list/", views_baselines.baseline_list, name="baseline_list"),
    path(
        "projects/<int:pk>/baselines/compare/",
        views_baselines.baseline_compare,
        name="baseline_compare",
    ),
    path("projects/<int:pk>/timeline/", views_timeline.project_timeline_page, name="timeline"),
    # Milestones
    path(
        "projects/<int:pk>/milestones/new/",
        views_milestones.milestone_create,
        name="milestone_create",
    ),
    path("milestones/<int:pk>/edit/", views_milestones.milestone_edit, name="milestone_edit"),
    path(
        "milestones/<int:pk>/complete/",
        views_milestones.milestone_complete,
        name="milestone_complete",
    ),
    path("milestones/<int:pk>/reopen/", views_milestones.milestone_reopen, name="milestone_reopen"),
    path(
        "milestones/<int:pk>/sign-off/",
        views_milestones.milestone_sign_off,
        name="milestone_sign_off",
    ),
    # Tasks
    path("projects/<int:pk>/tasks/", views_tasks.task_list, name="task_list"),
    path("projects/<int:pk>/tasks/new/", views_tasks.task_create, name="task_create"),
    path("tasks/<int:pk>/", views_tasks.task_detail, name="task_detail"),
    path("tasks/<int:pk>/edit/", views_tasks.task_edit, name="task_edit"),
    path("tasks/<int:pk>/reschedule/", views_tasks.task_reschedule, name="task_reschedule"),
    path("tasks/<int:pk>/status/", views_tasks.task_status, name="task_status"),
    path("tasks/<int:pk>/owner/", views_tasks.task_owner, name="task_owner"),
    path("tasks/<int:pk>/comments/", views_tasks.task_comment, name="task_comment"),
    path("tasks/<int:pk>/baseline/", views_baselines.task_baseline, name="task_baseline"),
    # Risks
    path("projects/<int:pk>/risks/new/", views_raid.risk_create, name="risk_create"),
    path("risks/<int:pk>/", views_raid.risk_detail, name="risk_detail"),
    path("risks/<int:pk>/edit/", views_raid.risk_edit, name="risk_edit"),
    path("risks/<int:pk>/status/", views_raid.risk_status, name="risk_status"),
    path("risks/<int:pk>/comments/", views_raid.risk_comment, name="risk_comment"),
    # Issues
    path("projects/<int:pk>/issues/new/", views_raid.issue_create, name="issue_create"),
    path("issues/<int:pk>/", views_raid.issue_detail, name="issue_detail"),
    path("issues/<int:pk>/edit/", views_raid.issue_edit, name="issue_edit"),
    path("issues/<int:pk>/status/", views_raid.issue_status, name="issue_status"),
    path("issues/<int:pk>/comments/", views_raid.issue_comment, name="issue_comment"),
    # Time and the handoff report
    path("projects/<int:pk>/time/", views_handoff.time_entry_create, name="time_entry_create"),
    path("projects/<int:pk>/handoff-report/", views_handoff.handoff_report, name="handoff_report"),
    path(
        "projects/<int:pk>/handoff-report/pdf/",
        views_handoff.handoff_report_pdf,
        name="handoff_report_pdf",
    ),
    path(
        "projects/<int:pk>/handoff-report/edit/",
        views_handoff.handoff_report_edit,
        name="handoff_report_edit",
    ),
    path(
        "projects/<int:pk>/handoff-report/send/",
        views_handoff.handoff_report_send,
        name="handoff_report_send",
    ),
    path(
        "projects/<int:pk>/handoff-report/decide/",
        views_handoff.handoff_report_decide,
        name="handoff_report_decide",
    ),
]
