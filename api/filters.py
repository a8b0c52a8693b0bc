"""What each API list may be filtered by (`?phase=testing&health=red`)."""

import django_filters

from alerts.models import Alert
from clients.models import Client, Contact
from projects.models import ImplementationProject, Issue, Milestone, Risk, Task


class ClientFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains", help_text="Part of the name.")

    class Meta:
        model = Client
        fields = ["name", "account_status", "segment", "sales_rep"]


class ContactFilter(django_filters.FilterSet):
    class Meta:
        model = Contact
        fields = ["client", "role", "is_primary"]


class ProjectFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains", help_text="Part of the name.")
    forecast_go_live_after = django_filters.DateFilter(
        field_name="forecast_go_live", lookup_expr="gte"
    )
    forecast_go_live_before = django_filters.DateFilter(
        field_name="forecast_go_live", lookup_expr="lte"
    )

    class Meta:
        model = ImplementationProject
        fields = ["name", "client", "pm", "phase", "status", "health"]


class MilestoneFilter(django_filters.FilterSet):
    completed = django_filters.BooleanFilter(
        field_name="completed_on", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = Milestone
        fields = ["project", "phase", "is_key", "is_golive_critical", "completed"]


class TaskFilter(django_filters.FilterSet):
    due_after = django_filters.DateFilter(field_name="due_date", lookup_expr="gte")
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte")

    class Meta:
        model = Task
        fields = ["project", "milestone", "status", "priority", "owner_user", "owner_contact"]


class RiskFilter(django_filters.FilterSet):
    class Meta:
        model = Risk
        fields = ["project", "status", "owner"]


class IssueFilter(django_filters.FilterSet):
    class Meta:
        model = Issue
        fields = ["project", "status", "severity", "owner"]


class AlertFilter(django_filters.FilterSet):
    class Meta:
        model = Alert
        fields = ["project", "kind", "level", "status", "owner"]
