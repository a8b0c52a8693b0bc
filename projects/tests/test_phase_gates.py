import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clients.models import Client
from clients.tests.factories import ContactFactory, SalesHandoffFactory
from projects import services
from projects.models import HandoffReport, ImplementationProject, Issue, Phase, PhaseChange
from projects.tests.factories import (
    HandoffReportFactory,
    IssueFactory,
    MilestoneFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db


def move(project, to_phase, user):
    return services.project_change_phase(project=project, to_phase=to_phase, user=user)


def refused(project, to_phase, user) -> list[str]:
    with pytest.raises(ValidationError) as error:
        move(project, to_phase, user)
    return error.value.messages


def test_leaving_sales_handoff_needs_a_pm_and_an_acknowledged_handoff(pm):
    project = ProjectFactory(phase=Phase.SALES_HANDOFF)
    assert refused(project, Phase.KICKOFF, pm) == [
        "Assign a PM to the project.",
        "Link the sales handoff from the sales rep.",
    ]
    handoff = SalesHandoffFactory(client=project.client)
    project.pm = pm
    project.sales_handoff = handoff
    project.save()
    assert refused(project, Phase.KICKOFF, pm) == [
        "The PM has not acknowledged the sales handoff yet."
    ]
    handoff.acknowledged_by = pm
    handoff.acknowledged_at = timezone.now()
    handoff.save()
    change = move(project, Phase.KICKOFF, pm)
    project.refresh_from_db()
    assert project.phase == Phase.KICKOFF
    assert (change.from_phase, change.to_phase, change.changed_by) == (
        Phase.SALES_HANDOFF,
        Phase.KICKOFF,
        pm,
    )


def test_reaching_go_live_needs_critical_milestones_signed_off_no_critical_issue_and_uat(pm):
    project = ProjectFactory(phase=Phase.TESTING, pm=pm)
    milestone = MilestoneFactory(project=project, name="Parallel payroll", is_golive_critical=True)
    issue = IssueFactory(project=project, severity=Issue.Severity.CRITICAL)
    assert refused(project, Phase.GO_LIVE, pm) == [
        "Go-live critical milestone “Parallel payroll” is not complete.",
        "1 critical issue is still open.",
        "UAT has not been signed off by the client.",
    ]
    contact = ContactFactory(client=project.client)
    services.milestone_complete(milestone=milestone, user=pm)
    assert "Go-live critical milestone “Parallel payroll” has no client sign-off." in refused(
        project, Phase.GO_LIVE, pm
    )
    services.milestone_sign_off(milestone=milestone, user=pm, contact=contact)
    services.issue_set_status(issue=issue, user=pm, status=Issue.Status.RESOLVED)
    services.project_record_uat_signoff(project=project, user=pm, contact=contact)
    move(project, Phase.GO_LIVE, pm)
    project.refresh_from_db()
    assert project.phase == Phase.GO_LIVE
    assert project.actual_go_live == timezone.localdate()
    assert project.client.account_status == Client.AccountStatus.LIVE


def test_handed_off_needs_the_report_accepted_by_support(pm, support):
    project = ProjectFactory(phase=Phase.HYPERCARE, pm=pm)
    assert refused(project, Phase.HANDED_OFF, pm) == [
        "Support has not accepted the handoff report."
    ]
    report = HandoffReportFactory(project=project, status=HandoffReport.Status.SENT)
    services.handoff_report_decide(report=report, user=support, accept=True)
    move(project, Phase.HANDED_OFF, pm)
    project.refresh_from_db()
    assert project.phase == Phase.HANDED_OFF


def test_phases_cannot_be_skipped_but_can_go_back(pm):
    project = ProjectFactory(phase=Phase.CONFIGURATION, pm=pm)
    assert "Phases go in order" in refused(project, Phase.TESTING, pm)[0]
    move(project, Phase.DISCOVERY, pm)
    project.refresh_from_db()
    assert project.phase == Phase.DISCOVERY


def test_a_project_on_hold_does_not_change_phase(pm):
    project = ProjectFactory(
        phase=Phase.CONFIGURATION, pm=pm, status=ImplementationProject.Status.ON_HOLD
    )
    assert refused(project, Phase.DATA_CONVERSION, pm) == [
        "The project is on hold; reactivate it first."
    ]
    assert not PhaseChange.objects.exists()
