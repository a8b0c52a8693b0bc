from django.contrib import admin, messages

from clients import services
from clients.models import Client, Contact, Product, SalesHandoff


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "description"]


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ["name", "role", "email", "phone", "receives_status_reports", "is_primary"]


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "account_status",
        "segment",
        "industry",
        "sales_rep",
        "contract_value",
        "updated_at",
    ]
    list_filter = ["account_status", "segment", "products", "sales_rep"]
    list_select_related = ["sales_rep"]
    search_fields = ["name", "industry", "contacts__name", "contacts__email"]
    filter_horizontal = ["products"]
    inlines = [ContactInline]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["name", "client", "role", "email", "is_primary", "receives_status_reports"]
    list_filter = ["role", "is_primary", "receives_status_reports"]
    list_select_related = ["client"]
    search_fields = ["name", "email", "client__name"]
    autocomplete_fields = ["client"]


@admin.register(SalesHandoff)
class SalesHandoffAdmin(admin.ModelAdmin):
    list_display = [
        "client",
        "contract_signed_on",
        "target_go_live",
        "submitted_by",
        "submitted_at",
        "acknowledged_by",
        "acknowledged_at",
    ]
    list_filter = ["products", ("acknowledged_at", admin.EmptyFieldListFilter)]
    list_select_related = ["client", "submitted_by", "acknowledged_by"]
    search_fields = ["client__name", "commitments", "special_terms", "pain_points"]
    autocomplete_fields = ["client"]
    filter_horizontal = ["products"]
    date_hierarchy = "submitted_at"
    readonly_fields = ["submitted_at", "acknowledged_by", "acknowledged_at"]
    actions = ["acknowledge"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_acknowledged:
            # sales_handoff_update refuses changes once implementation has acknowledged it.
            return [field.name for field in obj._meta.fields] + ["products"]
        return super().get_readonly_fields(request, obj)

    @admin.action(description="Acknowledge the handoff")
    def acknowledge(self, request, queryset):
        waiting = list(queryset.filter(acknowledged_at__isnull=True))
        for handoff in waiting:
            services.sales_handoff_acknowledge(handoff=handoff, user=request.user)
        self.message_user(request, f"{len(waiting)} handoff(s) acknowledged.", messages.SUCCESS)
