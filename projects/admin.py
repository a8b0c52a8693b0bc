from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from projects.models import (
    Comment,
    HandoffReport,
    ImplementationProject,
    Issue,
    Milestone,
    PhaseChange,
    ProjectMembership,
    Risk,
    Task,
    TimeEntry,
)


class MembershipInline(admin.TabularInline):
    model = ProjectMembership
    extra = 0
    autocomplete_fields = ["user"]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    fields = [
        "name",
        "order",
        "phase",
        "baseline_date",
        "due_date",
        "completed_on",
        "is_key",
        "is_golive_critical",
    ]


@admin.register(ImplementationProject)
class ImplementationProjectAdmin(SimpleHistoryAdmin):
    list_display = ["name", "client", "pm", "phase", "status", "health", "forecast_go_live"]
    list_filter = ["phase", "status", "health", "products"]
    search_fields = ["name", "client__name"]
    list_select_related = ["client", "pm"]
    autocomplete_fields = ["client", "pm", "sales_handoff"]
    readonly_fields = [
        "computed_health",
        "health",
        "health_reasons",
        "health_computed_at",
        "uat_signoff_recorded_by",
    ]
    inlines = [MembershipInline, MilestoneInline]


@admin.register(Milestone)
class MilestoneAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "project",
        "phase",
        "due_date",
        "completed_on",
        "is_key",
        "is_golive_critical",
    ]
    list_filter = ["phase", "is_key", "is_golive_critical"]
    search_fields = ["name", "project__name"]
    list_select_related = ["project"]
    raw_id_fields = ["project", "signed_off_by"]
    readonly_fields = ["completed_by"]


@admin.register(Task)
class TaskAdmin(SimpleHistoryAdmin):
    list_display = [
        "title",
        "project",
        "status",
        "priority",
        "owner_user",
        "owner_contact",
        "due_date",
    ]
    list_filter = ["status", "priority", "visible_to_client"]
    search_fields = ["title", "project__name"]
    list_select_related = ["project", "owner_user", "owner_contact"]
    raw_id_fields = ["project", "milestone", "owner_user", "owner_contact", "depends_on"]


@admin.register(Risk)
class RiskAdmin(SimpleHistoryAdmin):
    list_display = ["title", "project", "probability", "impact", "score", "status", "owner"]
    list_filter = ["status"]
    search_fields = ["title", "project__name"]
    list_select_related = ["project", "owner"]
    raw_id_fields = ["project", "owner"]


@admin.register(Issue)
class IssueAdmin(SimpleHistoryAdmin):
    list_display = ["title", "project", "severity", "status", "owner", "raised_at"]
    list_filter = ["severity", "status"]
    search_fields = ["title", "project__name"]
    list_select_related = ["project", "owner"]
    raw_id_fields = ["project", "owner", "from_risk"]


@admin.register(PhaseChange)
class PhaseChangeAdmin(admin.ModelAdmin):
    list_display = [
        "project",
        "from_phase",
        "to_phase",
        "changed_by",
        "changed_at",
        "gate_overridden",
    ]
    list_filter = ["gate_overridden"]
    list_select_related = ["project", "changed_by"]
    raw_id_fields = ["project", "changed_by"]
    # What a manager overrode is a record of that moment, not something to edit later.
    readonly_fields = ["gate_overridden", "override_reason", "overridden_problems"]


@admin.register(TimeEntry)
class TimeEntryAdmin(admin.ModelAdmin):
    list_display = ["project", "user", "spent_on", "hours", "billable"]
    list_select_related = ["project", "user"]
    raw_id_fields = ["project", "task", "user"]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["project", "author", "created_at"]
    list_select_related = ["project", "author"]
    raw_id_fields = ["project", "task", "risk", "issue", "author"]


@admin.register(HandoffReport)
class HandoffReportAdmin(SimpleHistoryAdmin):
    list_display = ["project", "status", "sent_at", "decided_at"]
    list_filter = ["status"]
    list_select_related = ["project"]
    raw_id_fields = ["project", "sent_by", "decided_by"]
    readonly_fields = ["accepted_open_issues"]


@admin.register(ProjectMembership)
class ProjectMembershipAdmin(admin.ModelAdmin):
    list_display = ["project", "user", "role"]
    list_select_related = ["project", "user"]
    raw_id_fields = ["project", "user"]
