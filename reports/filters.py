import django_filters

from common.forms import FilterForm
from projects.models import Health
from reports.models import StatusReport


class ReportFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        choices=StatusReport.Kind.choices, label="Kind", empty_label="Any kind"
    )
    health = django_filters.ChoiceFilter(
        choices=Health.choices, label="Health", empty_label="Any health"
    )
    sort = django_filters.OrderingFilter(
        fields=(("created_at", "sent"),),
        field_labels={"sent": "Date sent"},
        label="Sort by",
        empty_label="Newest first",
    )

    class Meta:
        form = FilterForm
        model = StatusReport
        fields = ["kind", "health"]
