import django_filters
from django.db.models import Q

from clients.models import Product
from common.forms import FilterForm
from common.parsing import SEARCH_LENGTH, parse_id, search_text
from projects.models import Health, ImplementationProject, Phase


class PersonFilter(django_filters.CharFilter):
    """A PM by any part of their name (or by id, as links write it): a search box rather than a
    list of every PM, which in a large team is hundreds of options on every page view."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", SEARCH_LENGTH)
        kwargs.setdefault("help_text", "")
        super().__init__(**kwargs)

    def filter(self, qs, value):
        text = search_text(value)
        if not text:
            return qs
        pk = parse_id(text)
        if pk is not None:
            return qs.filter(**{f"{self.field_name}_id": pk})
        for word in text.split():
            qs = qs.filter(
                Q(**{f"{self.field_name}__first_name__icontains": word})
                | Q(**{f"{self.field_name}__last_name__icontains": word})
                | Q(**{f"{self.field_name}__username__icontains": word})
            )
        return qs


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search", max_length=SEARCH_LENGTH)
    pm = PersonFilter(label="PM")
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
        form = FilterForm
        model = ImplementationProject
        fields = ["q", "pm", "phase", "status", "health", "product"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(client__name__icontains=value))


class PortfolioTimelineFilter(django_filters.FilterSet):
    """The portfolio timeline's filters: whose projects, of which product, in what health."""

    pm = PersonFilter(label="PM")
    product = django_filters.ModelChoiceFilter(
        field_name="products",
        queryset=Product.objects.all(),
        label="Product",
        empty_label="Any product",
    )
    health = django_filters.ChoiceFilter(choices=Health.choices, empty_label="Any health")

    class Meta:
        form = FilterForm
        model = ImplementationProject
        fields = ["pm", "product", "health"]
