"""Search, filters and sort orders of the client list."""

import django_filters
from django import forms
from django.db.models import F, Q

from clients.forms import UserChoiceField, sales_rep_queryset
from clients.models import Client
from common.forms import FilterForm
from common.parsing import SEARCH_LENGTH


class SalesRepFilter(django_filters.ModelChoiceFilter):
    field_class = UserChoiceField


# Sort keys as they appear in the URL (a leading "-" reverses), and the field each sorts by.
SORT_FIELDS = {
    "name": "name",
    "status": "account_status",
    "segment": "segment",
    "value": "contract_value",
}


class ClientFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search",
        max_length=SEARCH_LENGTH,
        label="Search",
        widget=forms.TextInput(attrs={"placeholder": "Name or industry", "type": "search"}),
    )
    account_status = django_filters.ChoiceFilter(
        choices=Client.AccountStatus.choices, label="Status", empty_label="Any status"
    )
    segment = django_filters.ChoiceFilter(
        choices=Client.Segment.choices, label="Segment", empty_label="Any segment"
    )
    sales_rep = SalesRepFilter(
        queryset=sales_rep_queryset(), label="Sales rep", empty_label="Any sales rep"
    )
    sort = django_filters.ChoiceFilter(
        method="order",
        label="Sort by",
        empty_label=None,
        choices=[
            ("name", "Name (A–Z)"),
            ("-name", "Name (Z–A)"),
            ("status", "Status"),
            ("-status", "Status (reversed)"),
            ("segment", "Segment"),
            ("-segment", "Segment (reversed)"),
            ("value", "Contract value (low to high)"),
            ("-value", "Contract value (high to low)"),
        ],
    )

    class Meta:
        form = FilterForm
        model = Client
        fields = ["q", "account_status", "segment", "sales_rep", "sort"]

    def __init__(self, *args, show_sales_rep: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not show_sales_rep:
            # A sales rep only ever sees their own accounts; the filter would be noise.
            del self.filters["sales_rep"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(industry__icontains=value))

    def order(self, queryset, name, value):
        field = SORT_FIELDS.get(value.removeprefix("-"))
        if field is None:
            return queryset
        if value.startswith("-"):
            primary = F(field).desc(nulls_last=True)
        else:
            primary = F(field).asc(nulls_last=True)
        # Name is unique, so the order is total and pages never overlap.
        return queryset.order_by(primary, "name")

    @property
    def current_sort(self) -> str:
        if self.form.is_valid():
            return self.form.cleaned_data.get("sort") or "name"
        return "name"
