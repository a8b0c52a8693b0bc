"""The go-live gate, the move into Go-live and what follows it, and the account status."""

from datetime import date
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from clients.models import Client
from golive import services
from golive.models import CutoverStep
from golive.tasks import build_handoff_report
from projects.account_status import account_status_refresh
from projects.health import refresh_health
from projects.models import Health, ImplementationProject, Phase
from projects.services import GateNotMet, go_live_gate
from projects.tests.factories import IssueFactory, MilestoneFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def test_the_gate_lists_every_check_and_passes_a_ready_project(ready_project):
    checks = go_live_gate(ready_project)
    assert [c.label for c in checks] == [
        "Go-live critical milestones complete and signed off",
        "No critical issue open",
        "UAT signed off by the client",
        "Every critical test case passed",
    ]
    assert all(check.passed for check in checks)


def test_the_gate_names_what_is_missing(ready_project):
    MilestoneFactory(project=ready_project, name="Bank file tested", is_golive_critical=True)
    IssueFactory(project=ready_project, severity="critical")
    ready_project.uat_signed_off_at = None
    ready_project.save()

    problems = [p for check in go_live_gate(ready_project) for p in check.problems]

    assert problems == [
        "Go-live critical milestone “Bank file tested” is not complete.",
        "1 critical issue is still open.",
        "UAT has not been signed off by the client.",
    ]
    with pytest.raises(GateNotMet):
        services.project_go_live(project=ready_project, user=ready_project.pm)
    ready_project.refresh_from_db()
    assert ready_project.phase == Phase.TESTING


def test_a_resolved_critical_issue_no_longer_blocks(ready_project):
    IssueFactory(project=ready_project, severity="critical", status="resolved")
    assert all(check.passed for check in go_live_gate(ready_project))


@override_settings(
    GOLIVE_HANDOFF={
        "SUPPORT_EMAIL": "support@vendor.example",
        "HYPERCARE_BUSINESS_DAYS": 10,
        "REMINDER_BUSINESS_DAYS": 2,
        "DIGEST_WEEKDAY": 0,
        "DIGEST_HOUR": 7,
    }
)
def test_going_live_records_the_date_makes_the_account_live_starts_hypercare_and_queues_the_build(
    ready_project, django_capture_on_commit_callbacks
):
    # A Wednesday: ten business days later is the Wednesday two weeks on.
    with (
        mock.patch("django.utils.timezone.localdate", return_value=date(2026, 3, 4)),
        mock.patch.object(build_handoff_report, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        change = services.project_go_live(project=ready_project, user=ready_project.pm)
        delay.assert_not_called()  # only once the move has committed
    assert callbacks
    delay.assert_called_once_with(ready_project.pk, change.pk)
    ready_project.refresh_from_db()
    assert ready_project.phase == Phase.GO_LIVE
    assert ready_project.actual_go_live == date(2026, 3, 4)
    assert ready_project.hypercare_ends_on == date(2026, 3, 18)
    assert Client.objects.get(pk=ready_project.client_id).account_status == "live"


def test_open_checklist_steps_need_a_confirmation(ready_project):
    CutoverStep.objects.create(project=ready_project, title="Freeze the old payroll", order=1)
    with pytest.raises(services.OpenStepsNotConfirmed):
        services.project_go_live(project=ready_project, user=ready_project.pm)
    services.project_go_live(project=ready_project, user=ready_project.pm, confirm_open_steps=True)
    ready_project.refresh_from_db()
    assert ready_project.phase == Phase.GO_LIVE


def test_only_a_project_in_testing_moves_to_go_live_from_the_readiness_page(ready_project):
    ready_project.phase = Phase.CONFIGURATION
    ready_project.save()
    with pytest.raises(ValidationError, match="from Testing"):
        services.project_go_live(project=ready_project, user=ready_project.pm)


def test_account_status_follows_kickoff_red_health_and_back(pm):
    project = ProjectFactory(
        phase=Phase.SALES_HANDOFF, pm=pm, client__account_status=Client.AccountStatus.PROSPECT
    )
    client = project.client

    def status() -> str:
        client.refresh_from_db()
        return client.account_status

    account_status_refresh(client_ids=[client.pk])
    assert status() == "prospect"
    ImplementationProject.objects.filter(pk=project.pk).update(phase=Phase.KICKOFF)
    refresh_health(project_ids=[project.pk])
    assert status() == "onboarding"
    # Twenty-five days of slip makes the project red; the account is at risk meanwhile.
    ImplementationProject.objects.filter(pk=project.pk).update(
        forecast_go_live=project.baseline_go_live + timezone.timedelta(days=25)
    )
    refresh_health(project_ids=[project.pk])
    project.refresh_from_db()
    assert project.health == Health.RED
    assert status() == "at_risk"
    ImplementationProject.objects.filter(pk=project.pk).update(
        forecast_go_live=project.baseline_go_live
    )
    refresh_health()
    assert status() == "onboarding"


def test_a_churned_account_is_left_alone(pm):
    project = ProjectFactory(phase=Phase.HYPERCARE, client__account_status="churned")
    refresh_health(project_ids=[project.pk])
    project.client.refresh_from_db()
    assert project.client.account_status == "churned"


def test_the_account_of_a_live_project_is_live_until_another_of_its_projects_turns_red(pm):
    live = ProjectFactory(phase=Phase.HYPERCARE, pm=pm)
    other = ProjectFactory(client=live.client, phase=Phase.CONFIGURATION, pm=pm)
    refresh_health(project_ids=[live.pk, other.pk])
    live.client.refresh_from_db()
    assert live.client.account_status == "live"
    ImplementationProject.objects.filter(pk=other.pk).update(
        forecast_go_live=other.baseline_go_live + timezone.timedelta(days=30)
    )
    refresh_health(project_ids=[other.pk])
    live.client.refresh_from_db()
    assert live.client.account_status == "at_risk"
