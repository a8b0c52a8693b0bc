"""Reads the project pages share."""

import pytest

from projects import selectors
from projects.history import history_entries
from projects.models import Task
from projects.tests.factories import ProjectFactory, RiskFactory, TaskFactory

pytestmark = pytest.mark.django_db


def test_a_page_of_history_shows_the_same_changes_as_the_whole_history(pm):
    project = ProjectFactory(pm=pm)
    census, payroll = TaskFactory(project=project), TaskFactory(project=project)
    risk = RiskFactory(project=project)
    # Interleaved changes, so that an object's previous version is often pages further on.
    for step in range(6):
        census.status = [Task.Status.IN_PROGRESS, Task.Status.BLOCKED][step % 2]
        census.save()
        payroll.title = f"Run payroll, attempt {step}"
        payroll.save()
        if step % 3 == 0:
            risk.impact = 1 + step % 5
            risk.save()
        project.budget_hours += 10
        project.save()

    records = selectors.project_history_records(project, per_kind=100)
    everything = history_entries(records)
    assert len(records) > 20 and any(entry["changes"] for entry in everything)

    for size in (1, 4, 7):
        for start in range(0, len(records), size):
            page = selectors.history_entries_of(
                records[start : start + size], records[start + size :]
            )
            assert page == everything[start : start + size]


def test_a_page_of_history_leaves_out_a_save_that_changed_nothing(pm):
    project = ProjectFactory(pm=pm)
    task = TaskFactory(project=project, title="A")
    for title in ("B", "C"):
        task.title = title
        task.save()
    task.save()  # nothing changed but the version

    records = selectors.project_history_records(project, per_kind=100)
    newest_two = selectors.history_entries_of(records[:2], records[2:])
    assert [entry["changes"] for entry in newest_two] == [[("Title", "B", "C")]]
    assert [entry["changes"] for entry in history_entries(records)][:3] == [
        [("Title", "B", "C")],
        [("Title", "A", "B")],
        [],  # the task's creation
    ]


@pytest.mark.parametrize(
    ("project", "client", "shown"),
    [
        ("Acme — Payroll", "Acme", "Acme — Payroll"),
        ("Acme", "Acme", "Acme"),
        ("Acmeville rollout", "Acme", "Acme · Acmeville rollout"),
        ("Payroll", "Acme", "Acme · Payroll"),
    ],
)
def test_a_waiting_handoff_names_its_client_once(project, client, shown):
    assert selectors._project_with_client(project, client) == shown
