import django_filters
from django.contrib.auth.models import User
from django.db.models import Q

from clients.models import Product
from clients.roles import Role
from common.parsing import SEARCH_LENGTH
from projects.forms import UserChoiceField
from projects.models import Health, ImplementationProject, Phase


class PersonFilter(django_filters.ModelChoiceFilter):
    """A choice of people by name: hundreds of PMs in a large team, listed cheaply."""

    field_class = UserChoiceField


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search", max_length=SEARCH_LENGTH)
    pm = PersonFilter(
        queryset=User.objects.filter(groups__name=Role.PM).order_by("first_name", "last_name"),
        label="PM",
        empty_label="Any PM",
    )
    phase = django_filters.ChoiceFilter(choices=Phase.choices, empty_label="Any phase")
    status = django_filters.ChoiceFilter(
        choices=ImplementationProject.Status.choices, empty_label="Any status"
    )
    health = django_filters.ChoiceFilter(choices=Health.choices, empty_label="Any health")
    product = django_filters.ModelChoiceFilter(
        field_name="products",
        queryset=Product.objects.all(),
        label="Product",
        empty_label="Any product",
    )
    sort = django_filters.OrderingFilter(
        fields=(
            ("name", "name"),
            ("client__name", "client"),
            ("phase", "phase"),
            ("health", "health"),
            ("forecast_go_live", "go_live"),
            ("updated_at", "updated"),
        ),
        field_labels={"go_live": "Forecast go-live", "updated": "Last updated"},
        label="Sort by",
        empty_label="Default order",
    )

    class Meta:
        model = ImplementationProject
        fields = ["q", "pm", "phase", "status", "health", "product"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(client__name__icontains=value))


class PortfolioTimelineFilter(django_filters.FilterSet):
    """The portfolio timeline's filters: whose projects, of which product, in what health."""

    pm = PersonFilter(
        queryset=User.objects.filter(groups__name=Role.PM).order_by("first_name", "last_name"),
        label="PM",
        empty_label="Any PM",
    )
    product = django_filters.ModelChoiceFilter(
        field_name="products",
        queryset=Product.objects.all(),
        label="Product",
        empty_label="Any product",
    )
    health = django_filters.ChoiceFilter(choices=Health.choices, empty_label="Any health")

    class Meta:
        model = ImplementationProject
        fields = ["pm", "product", "health"]
