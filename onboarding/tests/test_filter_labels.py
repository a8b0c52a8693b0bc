"""Every list filter says "Any" for "no choice", never Django's "---------"."""

import pytest

from alerts.filters import AlertFilter
from clients.filters import ClientFilter
from outbox.filters import OutgoingEmailFilter
from projects.filters import ProjectFilter
from projects.item_filters import TaskFilter
from projects.tests.factories import ProjectFactory
from reports.filters import ReportFilter

pytestmark = pytest.mark.django_db


def filtersets():
    project = ProjectFactory()
    yield ClientFilter({}, show_sales_rep=True)
    yield ProjectFilter({})
    yield TaskFilter({}, project=project, owner_choices=[("", "Unassigned")])
    yield AlertFilter({})
    yield OutgoingEmailFilter({}, kinds=["alert", "status_report"])
    yield ReportFilter({})


def test_no_filter_shows_dashes_and_each_choice_list_starts_with_any():
    for filterset in filtersets():
        form = str(filterset.form)
        name = type(filterset).__name__
        assert "---------" not in form, name
        for field in filterset.form:
            choices = getattr(field.field, "choices", None)
            if choices is None or field.name == "sort":
                continue
            first_label = str(next(iter(choices))[1])
            assert first_label.startswith(("Any", "Anyone", "Not resolved")), (name, field.name)
