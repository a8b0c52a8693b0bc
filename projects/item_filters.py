"""Filters and sort orders of a project's task list."""

import django_filters
from django import forms
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from common.forms import FilterForm, Select
from common.parsing import SEARCH_LENGTH
from projects.forms import NamedChoiceField
from projects.models import ImplementationProject, Milestone, Task

PRIORITY_RANK = Case(
    When(priority=Task.Priority.URGENT, then=Value(0)),
    When(priority=Task.Priority.HIGH, then=Value(1)),
    When(priority=Task.Priority.NORMAL, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)

STATUS_RANK = Case(
    When(status=Task.Status.NOT_STARTED, then=Value(0)),
    When(status=Task.Status.IN_PROGRESS, then=Value(1)),
    When(status=Task.Status.BLOCKED, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)

# Sort keys as they appear in the URL (a leading "-" reverses), and what each sorts by.
SORT_FIELDS = {
    "due": F("due_date"),
    "priority": PRIORITY_RANK,
    "status": STATUS_RANK,
    "title": F("title"),
}


class MilestoneFilter(django_filters.ModelChoiceFilter):
    """The project's milestones, listed by name without a Milestone made for each."""

    field_class = NamedChoiceField


class TaskFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search",
        max_length=SEARCH_LENGTH,
        label="Search",
        widget=forms.TextInput(attrs={"placeholder": "Title or description", "type": "search"}),
    )
    status = django_filters.ChoiceFilter(
        choices=Task.Status.choices, label="Status", empty_label="Any status", widget=Select
    )
    owner = django_filters.ChoiceFilter(
        method="filter_owner", label="Owner", empty_label="Anyone", choices=[], widget=Select
    )
    milestone = MilestoneFilter(
        queryset=Milestone.objects.none(),
        label="Milestone",
        empty_label="Any milestone",
        widget=Select,
    )
    overdue = django_filters.BooleanFilter(
        method="filter_overdue",
        label="Overdue only",
        widget=forms.CheckboxInput,
    )
    sort = django_filters.ChoiceFilter(
        widget=Select,
        method="order",
        label="Sort by",
        empty_label=None,
        choices=[
            ("due", "Due date (soonest first)"),
            ("-due", "Due date (latest first)"),
            ("priority", "Priority (urgent first)"),
            ("status", "Status (not started first)"),
            ("title", "Title (A–Z)"),
        ],
    )

    class Meta:
        form = FilterForm
        model = Task
        fields = ["q", "status", "owner", "milestone", "overdue", "sort"]

    def __init__(
        self,
        *args,
        project: ImplementationProject,
        owner_choices: list[tuple[str, object]],
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.filters["milestone"].queryset = project.milestones.all()
        # owner_choices starts with ("", "Unassigned"); "" already means "anyone" in a filter.
        self.filters["owner"].extra["choices"] = [("none", "Unassigned"), *owner_choices[1:]]

    @property
    def qs(self) -> QuerySet:
        queryset = super().qs
        if not (self.form.is_valid() and self.form.cleaned_data.get("sort")):
            queryset = self.order(queryset, "sort", "due")
        return queryset

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))

    def filter_owner(self, queryset, name, value):
        kind, _, pk = value.partition(":")
        if kind == "none":
            return queryset.filter(owner_user__isnull=True, owner_contact__isnull=True)
        if kind == "user":
            return queryset.filter(owner_user_id=pk)
        if kind == "contact":
            return queryset.filter(owner_contact_id=pk)
        return queryset

    def filter_overdue(self, queryset, name, value):
        if value:
            return queryset.overdue(timezone.localdate())
        return queryset

    def order(self, queryset, name, value):
        key = value.removeprefix("-")
        expression = SORT_FIELDS.get(key)
        if expression is None:
            return queryset
        if value.startswith("-"):
            primary = expression.desc(nulls_last=True)
        else:
            primary = expression.asc(nulls_last=True)
        # pk last so the order is total and pages never overlap.
        return queryset.order_by(primary, "due_date", "pk")
