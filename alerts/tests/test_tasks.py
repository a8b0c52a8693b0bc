"""The beat task and the management command run the same sweep."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from alerts.models import Alert
from alerts.tasks import sweep_alerts
from onboarding.schedules import beat_schedule
from projects.tests.factories import ProjectFactory, TaskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def overdue_task(pm):
    return TaskFactory(
        project=ProjectFactory(pm=pm),
        owner_user=pm,
        due_date=timezone.localdate() - timedelta(days=5),
    )


def test_the_beat_schedule_runs_this_task():
    schedule = {entry["task"] for entry in beat_schedule().values()}
    assert sweep_alerts.name == "alerts.sweep" and sweep_alerts.name in schedule


def test_the_task_sweeps_and_reports_what_it_did(overdue_task):
    result = sweep_alerts()
    assert result == {"found": 1, "opened": 1, "cleared": 0, "escalated": 0, "notified": 1}
    assert sweep_alerts()["opened"] == 0
    assert Alert.objects.count() == 1


def test_run_escalations_sweeps_by_hand(overdue_task):
    out = StringIO()
    call_command("run_escalations", stdout=out)
    assert "1 condition(s) found: 1 alert(s) opened" in out.getvalue()
    assert Alert.objects.get().task == overdue_task
