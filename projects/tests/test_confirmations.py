"""Irreversible steps taken while something is open ask first, on a page listing what is open,
and record who confirmed."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from clients.tests.factories import ContactFactory
from projects import services
from projects.models import HandoffReport, Issue, Milestone, Phase, Task
from projects.tests.factories import (
    HandoffReportFactory,
    IssueFactory,
    MilestoneFactory,
    ProjectFactory,
    TaskFactory,
)

pytestmark = pytest.mark.django_db


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def text(response) -> str:
    return response.content.decode()


# UAT sign-off


@pytest.fixture
def testing_project(pm):
    project = ProjectFactory(pm=pm, phase=Phase.TESTING, name="Acme payroll")
    uat = MilestoneFactory(project=project, name="UAT sign-off", phase=Phase.TESTING)
    config = MilestoneFactory(project=project, name="Config", phase=Phase.CONFIGURATION)
    TaskFactory(project=project, milestone=uat, title="Execute UAT test scripts")
    TaskFactory(project=project, milestone=uat, title="Train testers", status=Task.Status.DONE)
    TaskFactory(project=project, milestone=config, title="Build earning codes")
    IssueFactory(project=project, title="Overtime rounds wrong", severity=Issue.Severity.HIGH)
    ContactFactory(client=project.client, name="Dana Ortiz")
    return project


def test_uat_sign_off_is_not_offered_before_testing(client_as, pm):
    project = ProjectFactory(pm=pm, phase=Phase.CONFIGURATION)
    ContactFactory(client=project.client)
    browser = client_as(pm)
    url = reverse("projects:uat_signoff", args=[project.pk])
    assert url not in text(browser.get(project.get_absolute_url()))

    response = browser.get(url)
    assert response.url == project.get_absolute_url()
    assert messages_of(response) == [
        "UAT is signed off in the Testing phase; this project is in Configuration."
    ]
    with pytest.raises(ValidationError):
        services.project_record_uat_signoff(
            project=project, user=pm, contact=project.client.contacts.get(), reason="Away"
        )
    project.refresh_from_db()
    assert project.uat_signed_off_at is None


def test_uat_sign_off_page_lists_open_testing_tasks_and_issues(client_as, pm, testing_project):
    browser = client_as(pm)
    url = reverse("projects:uat_signoff", args=[testing_project.pk])
    assert url in text(browser.get(testing_project.get_absolute_url()))

    page = text(browser.get(url))
    assert "Execute UAT test scripts" in page
    assert "Train testers" not in page  # done
    assert "Build earning codes" not in page  # not a testing task
    assert "Overtime rounds wrong" in page
    assert 'name="confirm"' in page


def test_uat_sign_off_needs_the_confirmation_and_records_who_recorded_it(
    client_as, pm, testing_project
):
    contact = testing_project.client.contacts.get()
    browser = client_as(pm)
    url = reverse("projects:uat_signoff", args=[testing_project.pk])

    assert "Tick the box to confirm the sign-off." in text(browser.post(url, {}))
    unconfirmed = browser.post(url, {"contact": contact.pk})
    assert unconfirmed.status_code == 200
    assert "Tick the box to confirm the sign-off." in text(unconfirmed)
    testing_project.refresh_from_db()
    assert testing_project.uat_signed_off_at is None

    unexplained = browser.post(url, {"contact": contact.pk, "confirm": "on"})
    assert "Say why the client cannot sign off UAT themselves." in text(unexplained)
    testing_project.refresh_from_db()
    assert testing_project.uat_signed_off_at is None

    reason = "Dana is on leave until after go-live; she approved by phone."
    response = browser.post(
        url, {"contact": contact.pk, "confirm": "on", "reason": reason}, follow=True
    )
    testing_project.refresh_from_db()
    assert testing_project.uat_signed_off_by == contact
    assert testing_project.uat_signoff_recorded_by == pm
    assert testing_project.uat_signoff_exception_reason == reason
    assert "UAT sign-off by Dana Ortiz recorded as an exception." in text(response)
    assert url not in text(response)  # no second sign-off offered

    again = browser.get(url)
    assert messages_of(again) == ["UAT has already been signed off."]


# Completing a milestone


def test_completing_a_milestone_with_open_tasks_asks_first(client_as, pm):
    project = ProjectFactory(pm=pm)
    milestone = MilestoneFactory(project=project, name="Configuration complete")
    TaskFactory(project=project, milestone=milestone, title="Build earning codes")
    TaskFactory(project=project, milestone=milestone, title="Done one", status=Task.Status.DONE)
    browser = client_as(pm)
    url = reverse("projects:milestone_complete", args=[milestone.pk])

    page = browser.post(url)
    assert page.status_code == 200
    assert "Complete “Configuration complete” with open tasks?" in text(page)
    assert "Build earning codes" in text(page) and "Done one" not in text(page)
    milestone.refresh_from_db()
    assert milestone.completed_on is None

    unticked = browser.post(url, {"confirm_page": "1"})
    assert "Tick the box to confirm." in text(unticked)
    milestone.refresh_from_db()
    assert milestone.completed_on is None

    done = browser.post(url, {"confirm_page": "1", "confirm": "on"})
    assert done.status_code == 302
    milestone.refresh_from_db()
    assert milestone.completed_on == timezone.localdate()
    assert milestone.completed_by == pm


def test_a_milestone_with_no_open_task_completes_at_once_and_records_who(client_as, pm):
    project = ProjectFactory(pm=pm)
    milestone = MilestoneFactory(project=project)
    TaskFactory(project=project, milestone=milestone, status=Task.Status.DONE)
    response = client_as(pm).post(reverse("projects:milestone_complete", args=[milestone.pk]))
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.completed_by == pm
    services.milestone_reopen(milestone=milestone, user=pm)
    milestone.refresh_from_db()
    assert milestone.completed_on is None and milestone.completed_by is None


def test_the_service_refuses_an_unconfirmed_completion_with_open_tasks(pm):
    milestone = MilestoneFactory()
    TaskFactory(project=milestone.project, milestone=milestone)
    with pytest.raises(services.OpenTasksNotConfirmed, match="1 task is still open"):
        services.milestone_complete(milestone=milestone, user=pm)
    assert Milestone.objects.get(pk=milestone.pk).completed_on is None
    services.milestone_complete(milestone=milestone, user=pm, confirm_open_tasks=True)
    assert Milestone.objects.get(pk=milestone.pk).completed_by == pm


# Support accepting the handoff


@pytest.fixture
def sent_report(pm):
    project = ProjectFactory(pm=pm, phase=Phase.GO_LIVE, actual_go_live=timezone.localdate())
    return HandoffReportFactory(project=project, status=HandoffReport.Status.SENT)


def test_accepting_with_serious_issues_open_asks_first_and_keeps_them(
    client_as, support, sent_report
):
    project = sent_report.project
    IssueFactory(project=project, title="Tax filing fails", severity=Issue.Severity.CRITICAL)
    IssueFactory(project=project, title="Slow report", severity=Issue.Severity.HIGH)
    IssueFactory(project=project, title="Typo in payslip", severity=Issue.Severity.LOW)
    IssueFactory(
        project=project,
        title="Fixed already",
        severity=Issue.Severity.CRITICAL,
        status=Issue.Status.RESOLVED,
    )
    browser = client_as(support)
    url = reverse("projects:handoff_report_decide", args=[project.pk])

    page = browser.post(url, {"decision": "accept", "support_comment": "Fine by us."})
    assert page.status_code == 200
    assert "Tax filing fails" in text(page) and "Slow report" in text(page)
    assert "Typo in payslip" not in text(page) and "Fixed already" not in text(page)
    sent_report.refresh_from_db()
    assert sent_report.status == HandoffReport.Status.SENT

    unticked = browser.post(url, {"decision": "accept", "confirm_page": "1"})
    assert "Tick the box to confirm." in text(unticked)
    sent_report.refresh_from_db()
    assert sent_report.status == HandoffReport.Status.SENT

    response = browser.post(
        url,
        {
            "decision": "accept",
            "support_comment": "Fine by us.",
            "confirm_page": "1",
            "confirm": "on",
        },
        follow=True,
    )
    sent_report.refresh_from_db()
    assert (sent_report.status, sent_report.decided_by) == (HandoffReport.Status.ACCEPTED, support)
    assert sent_report.support_comment == "Fine by us."
    assert sent_report.accepted_open_issues == ["Critical: Tax filing fails", "High: Slow report"]
    assert "Accepted with open" in text(response) and "Critical: Tax filing fails" in text(response)


def test_accepting_with_only_minor_issues_open_needs_no_confirmation(support, sent_report):
    IssueFactory(project=sent_report.project, severity=Issue.Severity.MEDIUM)
    services.handoff_report_decide(report=sent_report, user=support, accept=True)
    assert sent_report.status == HandoffReport.Status.ACCEPTED
    assert sent_report.accepted_open_issues == []


def test_the_service_refuses_an_unconfirmed_acceptance_and_returning_needs_none(
    support, sent_report
):
    IssueFactory(project=sent_report.project, severity=Issue.Severity.HIGH)
    with pytest.raises(services.OpenIssuesNotConfirmed, match="1 high or critical issue is"):
        services.handoff_report_decide(report=sent_report, user=support, accept=True)
    sent_report.refresh_from_db()
    assert sent_report.status == HandoffReport.Status.SENT
    services.handoff_report_decide(
        report=sent_report, user=support, accept=False, comment="Who owns the open issue?"
    )
    assert sent_report.status == HandoffReport.Status.RETURNED


def test_uat_sign_off_page_reads_a_fixed_number_of_queries(
    client_as, pm, testing_project, django_assert_num_queries
):
    uat = testing_project.milestones.get(name="UAT sign-off")
    contact = testing_project.client.contacts.get()

    def add(n):
        for _ in range(n):
            TaskFactory(project=testing_project, milestone=uat, owner_user=pm)
            TaskFactory(project=testing_project, milestone=uat, owner_contact=contact)
            IssueFactory(project=testing_project, owner=pm)

    browser = client_as(pm)
    url = reverse("projects:uat_signoff", args=[testing_project.pk])
    add(1)
    browser.get(url)
    # 9: the page, and one query for what testing has open (the acceptance app's check).
    with django_assert_num_queries(9) as first:
        browser.get(url)
    add(5)
    with django_assert_num_queries(len(first.captured_queries)):
        browser.get(url)
