"""The portal's records in the Django admin: read to answer questions, changed through the app.

Links, sessions and answers are records of what happened; access is granted and revoked from
the project's Client portal page (or the admin action, which calls the same service).
"""

from django.contrib import admin

from portal import services
from portal.models import (
    PortalAccess,
    PortalActivity,
    PortalLink,
    PortalSession,
    SignOffRequest,
    Survey,
    TaskUpload,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PortalAccess)
class PortalAccessAdmin(ReadOnlyAdmin):
    list_display = ["contact", "project", "granted_at", "revoked_at"]
    list_select_related = ["contact", "project"]
    search_fields = ["contact__name", "project__name"]
    actions = ["revoke"]

    def has_change_permission(self, request, obj=None) -> bool:
        # The revoke action needs it; every field stays read-only.
        return request.user.is_superuser

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    @admin.action(description="Revoke portal access (ends the contact's sessions)")
    def revoke(self, request, queryset):
        for access in queryset.select_related("contact", "project"):
            services.portal_access_revoke(
                contact=access.contact, project=access.project, user=request.user
            )


@admin.register(PortalLink)
class PortalLinkAdmin(ReadOnlyAdmin):
    list_display = ["contact", "project", "purpose", "created_at", "expires_at", "used_at"]
    list_select_related = ["contact", "project"]
    exclude = ["token_hash"]


@admin.register(PortalSession)
class PortalSessionAdmin(ReadOnlyAdmin):
    list_display = ["contact", "started_at", "ended_at"]
    list_select_related = ["contact"]


@admin.register(TaskUpload)
class TaskUploadAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "task", "uploaded_by", "size", "uploaded_at"]
    list_select_related = ["task", "uploaded_by"]
    exclude = ["file", "token"]


@admin.register(SignOffRequest)
class SignOffRequestAdmin(ReadOnlyAdmin):
    list_display = ["milestone", "contact", "requested_at", "signed_at"]
    list_select_related = ["milestone", "contact"]


@admin.register(Survey)
class SurveyAdmin(ReadOnlyAdmin):
    list_display = [
        "project",
        "contact",
        "reason",
        "sent_at",
        "withheld_at",
        "answered_at",
        "csat",
        "nps",
    ]
    list_select_related = ["project", "contact"]


@admin.register(PortalActivity)
class PortalActivityAdmin(ReadOnlyAdmin):
    list_display = ["kind", "task", "contact", "at", "seen_at"]
    list_select_related = ["task", "contact"]
