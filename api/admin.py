from django.contrib import admin

from api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Admins see every token and may revoke (delete) one; only its owner makes tokens, on
    their API tokens page, where the secret is shown once."""

    list_display = ["name", "user", "token_key", "created", "expiry", "last_used_at"]
    list_select_related = ["user"]
    search_fields = ["name", "token_key", "user__username"]
    readonly_fields = ["name", "user", "token_key", "created", "expiry", "last_used_at"]
    exclude = ["digest"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
