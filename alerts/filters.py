import django_filters
from django import forms
from django.db.models import Q

from alerts.models import Alert
from common.forms import FilterForm
from common.parsing import MAX_ID, SEARCH_LENGTH

STATUS_ALL = "all"
SORTS = {
    "newest": ("Newest first", ["-first_seen_at", "-pk"]),
    "oldest": ("Oldest first", ["first_seen_at", "pk"]),
    "level": ("Highest level first", ["-level", "-first_seen_at", "-pk"]),
    "last_seen": ("Last seen", ["-last_seen_at", "-pk"]),
}


class AlertFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search", label="Project or client", max_length=SEARCH_LENGTH
    )
    kind = django_filters.ChoiceFilter(choices=Alert.Kind.choices, empty_label="Any kind")
    # Blank means what still needs someone: open or acknowledged.
    status = django_filters.ChoiceFilter(
        choices=[*Alert.Status.choices, (STATUS_ALL, "Any status")],
        # Short enough to be read whole in the filter bar.
        empty_label="Not resolved",
        method="filter_status",
    )
    level = django_filters.ChoiceFilter(choices=Alert.Level.choices, empty_label="Any level")
    project = django_filters.NumberFilter(
        field_name="project_id", widget=forms.HiddenInput, min_value=1, max_value=MAX_ID
    )
    sort = django_filters.ChoiceFilter(
        choices=[(key, label) for key, (label, _) in SORTS.items()],
        empty_label=None,
        method="sort_by",
        label="Sort by",
    )

    class Meta:
        form = FilterForm
        model = Alert
        fields = ["q", "kind", "status", "level", "project", "sort"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(project__name__icontains=value) | Q(project__client__name__icontains=value)
        )

    def filter_status(self, queryset, name, value):
        return queryset if value == STATUS_ALL else queryset.filter(status=value)

    def sort_by(self, queryset, name, value):
        return queryset.order_by(*SORTS[value][1])

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.unresolved()
        return queryset
