"""The dashboard's filters: which period, whose projects, of which segment and product."""

from collections.abc import Callable
from datetime import date

import django_filters
from django import forms
from django.http import QueryDict

from clients.models import Client, Product
from common.forms import FilterForm
from projects.filters import PersonFilter
from projects.models import ImplementationProject

MONTH_FORMAT = "%Y-%m"
DEFAULT_MONTHS_BACK = 6
DEFAULT_MONTHS_AHEAD = 3
# Months outside these are typing mistakes: a period is held to them.
EARLIEST_MONTH = date(1970, 1, 1)
LATEST_MONTH = date(2200, 12, 1)


def default_period(query: QueryDict, today: date) -> QueryDict:
    """The query with the default period's months where none is given, so that the month
    fields show the period the figures cover."""
    data = query.copy()
    first = today.replace(day=1)
    if not data.get("start"):
        data["start"] = f"{_add_months(first, -DEFAULT_MONTHS_BACK):{MONTH_FORMAT}}"
    if not data.get("end"):
        data["end"] = f"{_add_months(first, DEFAULT_MONTHS_AHEAD):{MONTH_FORMAT}}"
    return data


class MonthFilter(django_filters.DateFilter):
    """A month ("2026-03") picked with the browser's month input; it bounds the period and
    filters nothing by itself (each figure reads the period its own way)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "month"}, format=MONTH_FORMAT))
        kwargs.setdefault("input_formats", [MONTH_FORMAT])
        kwargs.setdefault("method", "leave_alone")
        super().__init__(**kwargs)


def _product_choices() -> Callable[[], list[tuple[int, str]]]:
    """The products to choose from, read when first asked for and kept: a panel that draws
    no form and was given no product to check never reads them."""
    read: list[list[tuple[int, str]]] = []

    def choices() -> list[tuple[int, str]]:
        if not read:
            read.append(list(Product.objects.order_by("name").values_list("pk", "name")))
        return read[0]

    return choices


class PortfolioFilter(django_filters.FilterSet):
    start = MonthFilter(label="From month", help_text="")
    end = MonthFilter(label="To month", help_text="")
    pm = PersonFilter(label="PM")
    segment = django_filters.ChoiceFilter(
        field_name="client__segment",
        choices=Client.Segment.choices,
        label="Segment",
        empty_label="Any segment",
    )
    # Choices read at most once per page (see __init__), for the form both to draw and to
    # check: a ModelChoiceFilter would read the chosen product again to check it.
    product = django_filters.ChoiceFilter(
        field_name="products",
        choices=(),
        label="Product",
        empty_label="Any product",
    )

    class Meta:
        form = FilterForm
        model = ImplementationProject
        fields = ["pm", "segment", "product"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["product"].extra["choices"] = _product_choices()

    def leave_alone(self, queryset, name, value):
        return queryset

    def period(self, today: date) -> tuple[date, date]:
        """The first and last day of the months chosen: by default six months back and three
        ahead, so that done and planned go-lives both show (and when a month is unreadable)."""
        data = self.form.cleaned_data if self.is_bound and self.form.is_valid() else {}
        start = data.get("start") or _add_months(today.replace(day=1), -DEFAULT_MONTHS_BACK)
        end = data.get("end") or _add_months(today.replace(day=1), DEFAULT_MONTHS_AHEAD)
        start, end = sorted(
            min(max(day.replace(day=1), EARLIEST_MONTH), LATEST_MONTH) for day in (start, end)
        )
        # At most three years, so that a typo in a year draws no chart of a thousand months.
        start = max(start, _add_months(end, -35))
        return start, _add_months(end, 1).replace(day=1) - _ONE_DAY

    def link_params(self) -> dict[str, str]:
        """The filters the figures' links carry to the project list, as the user typed them."""
        data = self.form.cleaned_data if self.is_bound and self.form.is_valid() else {}
        params = {}
        if data.get("pm"):
            params["pm"] = data["pm"]
        if data.get("segment"):
            params["segment"] = data["segment"]
        if data.get("product"):
            params["product"] = str(data["product"])
        return params


_ONE_DAY = date(2000, 1, 2) - date(2000, 1, 1)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return day.replace(year=index // 12, month=index % 12 + 1, day=1)
