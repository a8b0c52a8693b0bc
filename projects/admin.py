"""The Django admin for projects.

State that a service guards (phase and go-live, sign-offs, statuses, dependencies, the handoff
report's decision) is read-only here and changes through admin actions that call the service,
so the admin meets the same gates, and leaves the same records, as the pages do. The audit
trail (phase changes, historical records) is read-only.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from simple_history.admin import SimpleHistoryAdmin

from projects import services
from projects.models import (
    Baseline,
    Comment,
    HandoffReport,
    Holiday,
    ImplementationProject,
    Issue,
    Milestone,
    Phase,
    PhaseChange,
    ProjectMembership,
    Risk,
    RoleRate,
    Task,
    TimeEntry,
)


def _refusal(error: ValidationError) -> str:
    return " ".join(error.messages)


def run_service_action(modeladmin, request, queryset, *, done: str, call) -> None:
    """Call `call(obj)` for each selected object; report successes and each refusal by name."""
    succeeded = 0
    for obj in queryset:
        try:
            call(obj)
        except (ValidationError, PermissionDenied) as error:
            reason = (
                _refusal(error) if isinstance(error, ValidationError) else str(error) or "refused"
            )
            modeladmin.message_user(request, f"{obj}: {reason}", messages.ERROR)
        else:
            succeeded += 1
    if succeeded:
        modeladmin.message_user(request, f"{succeeded} {done}.", messages.SUCCESS)


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """History is shown, never reverted: a revert would write past every service."""

    def revert_disabled(self, request, obj=None) -> bool:
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied("History is a record; it cannot be reverted here.")
        return super().history_form_view(request, object_id, version_id, extra_context)


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
    readonly_fields = ["completed_on"]


PROJECT_STATE_FIELDS = [
    "phase",
    "actual_go_live",
    "uat_signed_off_at",
    "uat_signed_off_by",
    "sales_handoff",
    "health_override",
    "health_override_reason",
    "health_override_until",
    "health_override_by",
    "computed_health",
    "health",
    "health_reasons",
    "health_computed_at",
    "last_activity_at",
]


@admin.register(ImplementationProject)
class ImplementationProjectAdmin(ReadOnlyHistoryAdmin):
    list_display = ["name", "client", "pm", "phase", "status", "health", "forecast_go_live"]
    list_filter = ["phase", "status", "health", "products"]
    search_fields = ["name", "client__name"]
    list_select_related = ["client", "pm"]
    autocomplete_fields = ["client", "pm"]
    readonly_fields = [*PROJECT_STATE_FIELDS, "uat_signoff_recorded_by"]
    inlines = [MembershipInline, MilestoneInline]
    actions = ["move_to_next_phase"]

    @admin.action(description="Move to the next phase (gates apply)")
    def move_to_next_phase(self, request, queryset):
        phases = Phase.ordered()

        def move(project):
            current = Phase(project.phase)
            if current.index + 1 >= len(phases):
                raise ValidationError(f"The project is already in {current.label}, the last phase.")
            services.project_change_phase(
                project=project,
                to_phase=phases[current.index + 1],
                user=request.user,
                note="Moved in the Django admin.",
            )

        run_service_action(self, request, queryset, done="project(s) moved on", call=move)


@admin.register(Milestone)
class MilestoneAdmin(ReadOnlyHistoryAdmin):
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
    raw_id_fields = ["project"]
    readonly_fields = ["completed_on", "completed_by", "signed_off_by", "signed_off_at"]
    actions = ["complete", "reopen"]

    @admin.action(description="Mark complete")
    def complete(self, request, queryset):
        run_service_action(
            self,
            request,
            queryset.select_related("project"),
            done="milestone(s) completed",
            call=lambda m: services.milestone_complete(milestone=m, user=request.user),
        )

    @admin.action(description="Reopen (clears the client's sign-off)")
    def reopen(self, request, queryset):
        run_service_action(
            self,
            request,
            queryset.select_related("project"),
            done="milestone(s) reopened",
            call=lambda m: services.milestone_reopen(milestone=m, user=request.user),
        )


@admin.register(Task)
class TaskAdmin(ReadOnlyHistoryAdmin):
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
    raw_id_fields = ["project", "milestone", "owner_user", "owner_contact"]
    # Dependencies are checked for loops, and status for finished predecessors, by the services.
    readonly_fields = ["status", "completed_at", "depends_on"]
    actions = ["mark_done"]

    @admin.action(description="Mark done (predecessors must be done)")
    def mark_done(self, request, queryset):
        run_service_action(
            self,
            request,
            queryset.select_related("project"),
            done="task(s) marked done",
            call=lambda task: services.task_set_status(
                task=task, user=request.user, status=Task.Status.DONE
            ),
        )


@admin.register(Risk)
class RiskAdmin(ReadOnlyHistoryAdmin):
    list_display = ["title", "project", "probability", "impact", "score", "status", "owner"]
    list_filter = ["status"]
    search_fields = ["title", "project__name"]
    list_select_related = ["project", "owner"]
    raw_id_fields = ["project", "owner"]
    # An occurred risk raises an issue of its own: status moves through risk_set_status.
    readonly_fields = ["status", "closed_at"]
    actions = ["close"]

    @admin.action(description="Close")
    def close(self, request, queryset):
        run_service_action(
            self,
            request,
            queryset.select_related("project"),
            done="risk(s) closed",
            call=lambda risk: services.risk_set_status(
                risk=risk, user=request.user, status=Risk.Status.CLOSED
            ),
        )


@admin.register(Issue)
class IssueAdmin(ReadOnlyHistoryAdmin):
    list_display = ["title", "project", "severity", "status", "owner", "raised_at"]
    list_filter = ["severity", "status"]
    search_fields = ["title", "project__name"]
    list_select_related = ["project", "owner"]
    raw_id_fields = ["project", "owner"]
    readonly_fields = ["status", "resolved_at", "from_risk", "escalation_level"]
    actions = ["resolve"]

    @admin.action(description="Mark resolved")
    def resolve(self, request, queryset):
        run_service_action(
            self,
            request,
            queryset.select_related("project"),
            done="issue(s) resolved",
            call=lambda issue: services.issue_set_status(
                issue=issue, user=request.user, status=Issue.Status.RESOLVED
            ),
        )


@admin.register(PhaseChange)
class PhaseChangeAdmin(admin.ModelAdmin):
    """The audit trail of phase changes: written by project_change_phase only, never edited."""

    list_display = [
        "project",
        "from_phase",
        "to_phase",
        "changed_by",
        "changed_at",
        "gate_overridden",
    ]
    list_select_related = ["project", "changed_by"]
    list_filter = ["to_phase", "gate_overridden"]
    search_fields = ["project__name"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


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
class HandoffReportAdmin(ReadOnlyHistoryAdmin):
    list_display = ["project", "status", "sent_at", "decided_at"]
    list_filter = ["status"]
    list_select_related = ["project"]
    raw_id_fields = ["project"]
    readonly_fields = [
        "status",
        "sent_by",
        "sent_at",
        "decided_by",
        "decided_at",
        "support_comment",
        "accepted_open_issues",
        "built_at",
        "built_for_change",
        "built_data",
        "sent_html",
        "reminder_sent_at",
    ]
    actions = ["send_to_support", "accept"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is None:
            return fields
        if obj.status == HandoffReport.Status.ACCEPTED:
            # handoff_report_save refuses any change once support has accepted.
            return [field.name for field in obj._meta.fields]
        return [*fields, "project"]

    @admin.action(description="Send the handoff report to support")
    def send_to_support(self, request, queryset):
        run_service_action(
            self,
            request,
            queryset.select_related("project"),
            done="report(s) sent to support",
            call=lambda report: services.handoff_report_send(report=report, user=request.user),
        )

    @admin.action(description="Accept on behalf of support")
    def accept(self, request, queryset):
        run_service_action(
            self,
            request,
            queryset.select_related("project"),
            done="report(s) accepted",
            call=lambda report: services.handoff_report_decide(
                report=report, user=request.user, accept=True
            ),
        )


@admin.register(ProjectMembership)
class ProjectMembershipAdmin(admin.ModelAdmin):
    list_display = ["project", "user", "role"]
    list_select_related = ["project", "user"]
    raw_id_fields = ["project", "user"]


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    """The company's days off: plans made from templates are scheduled around them."""

    list_display = ["date", "name"]
    search_fields = ["name"]
    date_hierarchy = "date"


@admin.register(RoleRate)
class RoleRateAdmin(admin.ModelAdmin):
    list_display = ["role", "hourly_rate"]
    list_editable = ["hourly_rate"]


@admin.register(Baseline)
class BaselineAdmin(admin.ModelAdmin):
    """The plan's agreed dates: taken at kick-off or re-baselined with a reason, never edited."""

    list_display = ["project", "taken_at", "taken_by", "go_live", "reason"]
    list_select_related = ["project", "taken_by"]
    search_fields = ["project__name", "reason"]
    raw_id_fields = ["project", "taken_by"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
