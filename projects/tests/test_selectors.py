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
