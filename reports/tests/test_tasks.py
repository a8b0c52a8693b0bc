"""The beat tick and `manage.py send_status_reports`, which do the same by hand."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from onboarding.celery import app
from onboarding.schedules import beat_schedule
from outbox.models import OutgoingEmail
from projects.models import ImplementationProject
from reports import services
from reports.models import Cadence, StatusReport, StatusReportSettings
from reports.tasks import tick

pytestmark = pytest.mark.django_db


@pytest.fixture
def monday_noon(monkeypatch):
    """Run the tick and the command on a Monday at noon, when weekly reports are due."""
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    moment = timezone.make_aware(datetime.datetime.combine(monday, datetime.time(12)))
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment


def run(*args) -> str:
    out = StringIO()
    call_command("send_status_reports", *args, stdout=out)
    return out.getvalue()


def test_the_tick_is_registered_under_its_beat_name_and_scheduled():
    assert tick.name == "reports.tick"
    assert app.tasks["reports.tick"].run.__module__ == "reports.tasks"
    assert beat_schedule()["status-reports-tick"]["task"] == "reports.tick"


def test_the_tick_sends_due_reports_once(make_project, monday_noon):
    make_project("First")
    make_project("Second")
    assert tick() == 2
    assert tick() == 0
    assert StatusReport.objects.count() == 2
    assert OutgoingEmail.objects.count() == 8


def test_the_command_does_what_the_tick_does_and_never_twice(make_project, monday_noon):
    project = make_project()
    assert "1 status report(s) queued" in run()
    assert "No status report to send." in run()
    assert tick() == 0
    assert project.status_reports.count() == 1
    assert OutgoingEmail.objects.count() == 4


def test_the_command_for_one_project_leaves_the_others_alone(make_project, monday_noon):
    chosen, other = make_project("Chosen"), make_project("Other")
    output = run("--project", str(chosen.pk))
    assert "Chosen: report" in output and "4 recipient(s)" in output
    assert not other.status_reports.exists()


def test_now_sends_a_report_by_hand_even_when_none_is_due(make_project, monday_noon):
    project = make_project()
    StatusReportSettings.objects.create(project=project, cadence=Cadence.OFF)
    assert "No status report to send." in run("--project", str(project.pk))
    run("--project", str(project.pk), "--now")
    run("--project", str(project.pk), "--now")  # the same minute: nothing new
    report = project.status_reports.get()
    assert report.kind == StatusReport.Kind.MANUAL and report.created_by is None
    assert OutgoingEmail.objects.count() == 4


def test_now_for_every_project_skips_those_not_reporting(make_project, monday_noon):
    make_project("Running")
    make_project("Paused", status=ImplementationProject.Status.ON_HOLD)
    assert "Running: report" in run("--now")
    assert [r.project.name for r in StatusReport.objects.all()] == ["Running"]


def test_the_command_refuses_an_unknown_project(db):
    with pytest.raises(CommandError, match="no project with id 999"):
        run("--project", "999")


def test_the_command_fails_loudly_when_a_report_fails(make_project, monday_noon, monkeypatch):
    make_project()

    def broken(**kwargs):
        raise ValueError("broken data")

    monkeypatch.setattr(services, "report_build", broken)
    with pytest.raises(CommandError, match="Status reports failed for project"):
        run()
