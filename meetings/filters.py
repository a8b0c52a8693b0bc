import django_filters
from django.utils import timezone

from common.forms import FilterForm
from meetings.models import Meeting


class MeetingFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Meeting.Kind.choices, label="Kind")
    when = django_filters.ChoiceFilter(
        choices=[("upcoming", "Upcoming"), ("past", "Past")], method="filter_when", label="When"
    )

    class Meta:
        form = FilterForm
        model = Meeting
        fields = ["kind"]

    def filter_when(self, queryset, name, value):
        now = timezone.now()
        if value == "upcoming":
            return queryset.filter(starts_at__gte=now).order_by("starts_at", "pk")
        return queryset.filter(starts_at__lt=now)
