"""Templates are edited on their own pages, where the cycle check and versions apply; the
admin shows them and lists which projects were made from which template."""

from django.contrib import admin

from playbooks.models import ProjectTemplate, ProjectTemplateUse, TemplateMilestone, TemplateTask


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ProjectTemplate)
class ProjectTemplateAdmin(ReadOnlyAdmin):
    list_display = ["name", "product", "is_active", "version", "updated_at"]
    list_filter = ["is_active", "product"]
    search_fields = ["name"]


@admin.register(TemplateMilestone)
class TemplateMilestoneAdmin(ReadOnlyAdmin):
    list_display = ["name", "template", "order", "offset_days", "duration_days"]
    list_filter = ["template"]


@admin.register(TemplateTask)
class TemplateTaskAdmin(ReadOnlyAdmin):
    list_display = ["title", "template", "milestone", "owner_role", "offset_days"]
    list_filter = ["template", "owner_role"]
    list_select_related = ["template", "milestone"]


@admin.register(ProjectTemplateUse)
class ProjectTemplateUseAdmin(ReadOnlyAdmin):
    list_display = ["project", "template", "applied_by", "applied_at"]
    list_select_related = ["project", "template", "applied_by"]
