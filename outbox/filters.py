"""Filters of the outbox list: status, kind and a search on recipient or subject."""

import django_filters
from django import forms
from django.db.models import Q

from common.forms import FilterForm
from common.parsing import SEARCH_LENGTH
from outbox.models import OutgoingEmail, kind_label


class OutgoingEmailFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search",
        max_length=SEARCH_LENGTH,
        label="Recipient or subject",
        widget=forms.TextInput(attrs={"placeholder": "name@example.com", "type": "search"}),
    )
    status = django_filters.ChoiceFilter(
        choices=OutgoingEmail.Status.choices, label="Status", empty_label="Any status"
    )
    kind = django_filters.ChoiceFilter(choices=[], label="Kind", empty_label="Any kind")

    class Meta:
        form = FilterForm
        model = OutgoingEmail
        fields = ["q", "status", "kind"]

    def __init__(self, *args, kinds: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        # Kinds are whatever the jobs send ("status_report", "escalation"…), not a fixed list.
        self.filters["kind"].extra["choices"] = [(kind, kind_label(kind)) for kind in kinds]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(to_email__icontains=value) | Q(subject__icontains=value))

    @property
    def is_filtered(self) -> bool:
        return any(self.data.get(name) for name in self.Meta.fields)
