"""The project history page: one date-ordered history, paged through without a gap."""

import math
from decimal import Decimal

import pytest
from django.urls import reverse

from projects.tests.factories import ProjectFactory, TaskFactory

pytestmark = pytest.mark.django_db

CHANGES_OF_EACH_KIND = 120


@pytest.fixture
def long_history(pm, settings):
    """A project and one task, each changed 120 times, alternately: 242 records in all."""
    settings.PAGE_SIZE = 25
    project = ProjectFactory(pm=pm, name="Acme payroll", budget_hours=Decimal("100"))
    task = TaskFactory(project=project, title="Load step 0")
    for step in range(1, CHANGES_OF_EACH_KIND + 1):
        task.title = f"Load step {step}"
        task.save()
        project.budget_hours = Decimal(100 + step)
        project.save()
    return project


def history_page(client, project, number):
    url = reverse("projects:history", args=[project.pk])
    return client.get(url, {"page": number})


def test_every_change_shows_once_in_date_order_across_the_pages(client_as, pm, long_history):
    client = client_as(pm)
    total = 2 + 2 * CHANGES_OF_EACH_KIND
    pages = math.ceil(total / 25)
    entries = []
    for number in range(1, pages + 1):
        entries += history_page(client, long_history, number).context["history"]

    assert len(entries) == total
    times = [entry["when"] for entry in entries]
    assert times == sorted(times, reverse=True)
    task_changes = [entry["changes"] for entry in entries if entry["subject"].startswith("Task")]
    budget_changes = [
        entry["changes"] for entry in entries if entry["subject"].startswith("Implementation")
    ]
    # Newest first, each change diffed against the version before it, the oldest included.
    assert task_changes == [
        [("Title", f"Load step {step - 1}", f"Load step {step}")]
        for step in range(CHANGES_OF_EACH_KIND, 0, -1)
    ] + [[]]
    assert budget_changes == [
        [("Budget hours", f"{99 + step}", f"{100 + step}")]
        for step in range(CHANGES_OF_EACH_KIND, 0, -1)
    ] + [[]]
    assert [entry["kind"] for entry in entries[-2:]] == ["created", "created"]

    last = history_page(client, long_history, pages).content.decode()
    assert "Load step 1" in last and f"Page {pages} of {pages}" in last


def test_each_page_of_history_costs_the_same_queries(
    client_as, pm, long_history, django_assert_num_queries
):
    client = client_as(pm)
    history_page(client, long_history, 1)
    # Session, user and roles, the project, the count and the page of the index, the records
    # of each kind on the page with their previous versions (projects, tasks), the open
    # alerts badge and the phase changes.
    for number in (1, 4, 9, 10):
        with django_assert_num_queries(10):
            response = history_page(client, long_history, number)
        assert len(response.context["history"]) > 0
