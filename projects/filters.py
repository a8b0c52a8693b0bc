import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from clients.models import Client, Product
from common.forms import FilterForm, Select
from common.parsing import SEARCH_LENGTH, parse_id, search_text
from projects.models import Health, ImplementationProject, Phase, Task

YES_NO = (("yes", "Yes"), ("no", "No"))


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
    # Labels given rather than looked up: django-filter finds a label through the model's
    # field and a translation on every view of the list.
    phase = django_filters.ChoiceFilter(
        choices=Phase.choices, label="Phase", empty_label="Any phase"
    )
    status = django_filters.ChoiceFilter(
        choices=ImplementationProject.Status.choices, label="Status", empty_label="Any status"
    )
    health = django_filters.ChoiceFilter(
        choices=Health.choices, label="Health", empty_label="Any health"
    )
    product = django_filters.ModelChoiceFilter(
        field_name="products",
        queryset=Product.objects.only("name"),
        label="Product",
        empty_label="Any product",
    )
    segment = django_filters.ChoiceFilter(
        field_name="client__segment",
        choices=Client.Segment.choices,
        label="Segment",
        empty_label="Any segment",
    )
    # The sets behind the portfolio dashboard's figures, which its links write: hidden fields,
    # kept by the form so that a further filter narrows the same set.
    in_flight = django_filters.ChoiceFilter(
        choices=YES_NO, method="filter_in_flight", empty_label="Any", widget=forms.HiddenInput
    )
    live = django_filters.ChoiceFilter(
        choices=YES_NO, method="filter_live", empty_label="Any", widget=forms.HiddenInput
    )
    live_from = django_filters.DateFilter(
        field_name="actual_go_live", lookup_expr="gte", widget=forms.HiddenInput
    )
    live_to = django_filters.DateFilter(
        field_name="actual_go_live", lookup_expr="lte", widget=forms.HiddenInput
    )
    forecast_from = django_filters.DateFilter(
        field_name="forecast_go_live", lookup_expr="gte", widget=forms.HiddenInput
    )
    forecast_to = django_filters.DateFilter(
        field_name="forecast_go_live", lookup_expr="lte", widget=forms.HiddenInput
    )
    on_time = django_filters.ChoiceFilter(
        choices=YES_NO, method="filter_on_time", empty_label="Any", widget=forms.HiddenInput
    )
    kicked_off = django_filters.ChoiceFilter(
        choices=YES_NO, method="filter_kicked_off", empty_label="Any", widget=forms.HiddenInput
    )
    overdue = django_filters.ChoiceFilter(
        choices=YES_NO, method="filter_overdue", empty_label="Any", widget=forms.HiddenInput
    )
    forecast_passed = django_filters.ChoiceFilter(
        choices=YES_NO, method="filter_forecast_passed", empty_label="Any", widget=forms.HiddenInput
    )
    escalation = django_filters.NumberFilter(
        method="filter_escalation", min_value=0, max_value=9, widget=forms.HiddenInput
    )
    surveyed_in = django_filters.DateFilter(
        method="filter_surveyed_in", input_formats=["%Y-%m"], widget=forms.HiddenInput
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
        field_labels={"forecast_go_live": "Forecast go-live", "updated_at": "Last updated"},
        label="Sort by",
        empty_label="Default order",
        # Its options joined in Python, as the other drop-downs' are (common.forms.Select).
        widget=Select,
    )

    class Meta:
        form = FilterForm
        model = ImplementationProject
        fields = ["q", "pm", "phase", "status", "health", "product", "segment"]

    def __init__(self, data=None, *args, **kwargs):
        # A dashboard's hidden filter is made only when its link set it: each filter costs a
        # copy, a form field and a label on every view of the list, and most views set none.
        self.base_filters = {
            name: f
            for name, f in type(self).base_filters.items()
            if name not in FIGURE_FILTER_LABELS or (data and data.get(name) not in (None, ""))
        }
        super().__init__(data, *args, **kwargs)

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(client__name__icontains=value))

    def filter_in_flight(self, queryset, name, value):
        in_flight = Q(status=ImplementationProject.Status.ACTIVE) & ~Q(phase=Phase.HANDED_OFF)
        return queryset.filter(in_flight if value == "yes" else ~in_flight)

    def filter_live(self, queryset, name, value):
        return queryset.filter(actual_go_live__isnull=value != "yes")

    def filter_on_time(self, queryset, name, value):
        """Live against the baseline's go-live: on time is on or before that day."""
        measured = queryset.filter(actual_go_live__isnull=False, baseline_go_live__isnull=False)
        on_time = Q(actual_go_live__lte=F("baseline_go_live"))
        return measured.filter(on_time if value == "yes" else ~on_time)

    def filter_kicked_off(self, queryset, name, value):
        return queryset.filter(kickoff_date__isnull=value != "yes")

    def filter_overdue(self, queryset, name, value):
        late = Exists(
            Task.objects.open().overdue(timezone.localdate()).filter(project=OuterRef("pk"))
        )
        return queryset.filter(late if value == "yes" else ~late)

    def filter_forecast_passed(self, queryset, name, value):
        passed = Q(forecast_go_live__lt=timezone.localdate(), actual_go_live__isnull=True) & ~Q(
            status=ImplementationProject.Status.CANCELLED
        )
        return queryset.filter(passed if value == "yes" else ~passed)

    # Alerts and surveys are other apps' rows; `projects` reads them by their relation's name
    # only, never importing the apps, to show the projects behind a dashboard figure.
    def filter_escalation(self, queryset, name, value):
        """Projects with a live, unresolved alert at this rung of the escalation ladder."""
        escalated = ImplementationProject.objects.filter(
            alerts__level=int(value),
            alerts__cleared_at__isnull=True,
            alerts__status__in=["open", "acknowledged"],
        )
        return queryset.filter(pk__in=escalated.values("pk"))

    def filter_surveyed_in(self, queryset, name, value):
        """Projects whose client answered a satisfaction survey in this month ("2026-03")."""
        answered = ImplementationProject.objects.filter(
            surveys__answered_at__date__year=value.year,
            surveys__answered_at__date__month=value.month,
        )
        return queryset.filter(pk__in=answered.values("pk"))


FIGURE_FILTER_LABELS = {
    "in_flight": "in flight",
    "live": "live",
    "live_from": "live from",
    "live_to": "live until",
    "forecast_from": "forecast go-live from",
    "forecast_to": "forecast go-live until",
    "on_time": "live on time",
    "kicked_off": "kicked off",
    "overdue": "with overdue tasks",
    "forecast_passed": "forecast passed",
    "escalation": "open alerts at escalation level",
    "surveyed_in": "survey answered in",
}


def figure_filters(project_filter: ProjectFilter) -> list[str]:
    """The hidden filters a dashboard link set, in words, for the list to say what it shows."""
    if not project_filter.is_bound or not project_filter.is_valid():
        return []
    said = []
    for name, label in FIGURE_FILTER_LABELS.items():
        value = project_filter.form.cleaned_data.get(name)
        if value in (None, ""):
            continue
        if hasattr(value, "strftime"):
            value = value.strftime("%b %Y") if name == "surveyed_in" else value.isoformat()
        said.append(f"{label}: {value}")
    return said


class PortfolioTimelineFilter(django_filters.FilterSet):
    """The portfolio timeline's filters: whose projects, of which product, in what health."""

    pm = PersonFilter(label="PM")
    product = django_filters.ModelChoiceFilter(
        field_name="products",
        queryset=Product.objects.only("name"),
        label="Product",
        empty_label="Any product",
    )
    health = django_filters.ChoiceFilter(choices=Health.choices, empty_label="Any health")

    class Meta:
        form = FilterForm
        model = ImplementationProject
        fields = ["pm", "product", "health"]
