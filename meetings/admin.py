from django.contrib import admin

from meetings.models import ActionItem, Decision, Meeting


class DecisionInline(admin.TabularInline):
    model = Decision
    extra = 0
    fields = ["text", "decided_on", "decided_by", "recorded_by", "recorded_at"]
    readonly_fields = ["recorded_by", "recorded_at"]


class ActionItemInline(admin.TabularInline):
    model = ActionItem
    extra = 0
    can_delete = False
    fields = ["task", "created_by", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        # An action item is made with its task by meetings.services.action_item_create.
        return False


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "project", "starts_at"]
    list_filter = ["kind"]
    search_fields = ["title", "project__name"]
    list_select_related = ["project"]
    raw_id_fields = ["project", "attendee_users", "attendee_contacts"]
    readonly_fields = ["version", "created_by", "created_at", "updated_by", "updated_at"]
    inlines = [ActionItemInline, DecisionInline]


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "decided_on", "decided_by", "meeting"]
    search_fields = ["text", "decided_by", "meeting__title"]
    list_select_related = ["meeting"]
    raw_id_fields = ["meeting"]
    readonly_fields = ["recorded_by", "recorded_at"]


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ["__str__", "meeting", "task", "created_at"]
    list_select_related = ["meeting", "task"]
    raw_id_fields = ["meeting", "task"]
    readonly_fields = ["created_by", "created_at"]

    def has_add_permission(self, request):
        return False
