"""The write layer for what lives inside a project: rules a user would run into."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from clients.tests.factories import ContactFactory
from projects import services
from projects.models import (
    Comment,
    HandoffReport,
    Health,
    Issue,
    Phase,
    Risk,
    Task,
    TimeEntry,
)
from projects.tests.factories import (
    HandoffReportFactory,
    IssueFactory,
    MilestoneFactory,
    ProjectFactory,
    RiskFactory,
    TaskFactory,
)

pytestmark = pytest.mark.django_db
TODAY: datetime.date  # set for each test by `_today`


@pytest.fixture(autouse=True)
def _today():
    """Today as each test runs: read once at import, it is yesterday's for a test after midnight."""
    global TODAY
    TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture
def project(pm):
    return ProjectFactory(pm=pm)


# Milestones


def test_a_new_milestone_takes_its_due_date_as_baseline(pm, project):
    milestone = services.milestone_save(
        project=project, user=pm, milestone=None, data={"name": "UAT", "due_date": days(30)}
    )
    assert milestone.baseline_date == days(30)
    assert milestone.history.get().history_user == pm


def test_moving_a_milestone_keeps_its_baseline(pm, project):
    milestone = MilestoneFactory(project=project, due_date=days(10))
    services.milestone_save(
        project=project, user=pm, milestone=milestone, data={"due_date": days(20)}
    )
    milestone.refresh_from_db()
    assert (milestone.baseline_date, milestone.due_date) == (days(10), days(20))


def test_an_overdue_key_milestone_turns_the_project_amber_and_completing_it_clears_it(pm, project):
    milestone = services.milestone_save(
        project=project,
        user=pm,
        milestone=None,
        data={"name": "Config done", "due_date": days(-3), "is_key": True},
    )
    project.refresh_from_db()
    assert project.health == Health.AMBER
    services.milestone_complete(milestone=milestone, user=pm)
    project.refresh_from_db()
    assert project.health == Health.GREEN


def test_sign_off_needs_a_completed_milestone_and_a_contact_of_the_client(pm, project):
    milestone = MilestoneFactory(project=project)
    contact = ContactFactory(client=project.client)
    with pytest.raises(ValidationError, match="Complete the milestone"):
        services.milestone_sign_off(milestone=milestone, user=pm, contact=contact)
    services.milestone_complete(milestone=milestone, user=pm, on=days(-1))
    with pytest.raises(ValidationError) as refused:
        services.milestone_sign_off(milestone=milestone, user=pm, contact=ContactFactory())
    assert refused.value.message_dict == {"contact": ["Choose a contact of this project's client."]}
    services.milestone_sign_off(milestone=milestone, user=pm, contact=contact)
    milestone.refresh_from_db()
    assert milestone.completed_on == days(-1) and milestone.signed_off_by == contact


def test_reopening_a_milestone_clears_its_sign_off(pm, project):
    contact = ContactFactory(client=project.client)
    milestone = MilestoneFactory(
        project=project, completed_on=TODAY, signed_off_by=contact, signed_off_at=timezone.now()
    )
    services.milestone_reopen(milestone=milestone, user=pm)
    milestone.refresh_from_db()
    assert (milestone.completed_on, milestone.signed_off_by, milestone.signed_off_at) == (
        None,
        None,
        None,
    )


# Tasks: finish-to-start dependencies


def test_a_task_cannot_start_or_finish_before_its_predecessors_are_done(pm, project):
    census = TaskFactory(project=project, title="Collect census")
    balances = TaskFactory(project=project, title="Collect balances")
    load = TaskFactory(project=project, title="Load employees", depends_on=[census, balances])
    for status in (Task.Status.IN_PROGRESS, Task.Status.DONE):
        with pytest.raises(ValidationError) as refused:
            services.task_set_status(task=load, user=pm, status=status)
        assert refused.value.message_dict == {
            "status": ["Waiting on unfinished tasks: Collect balances, Collect census."]
        }
    load.refresh_from_db()
    assert load.status == Task.Status.NOT_STARTED


def test_a_task_may_be_blocked_while_waiting_and_starts_once_predecessors_are_done(pm, project):
    census = TaskFactory(project=project, title="Collect census")
    load = TaskFactory(project=project, depends_on=[census])
    services.task_set_status(task=load, user=pm, status=Task.Status.BLOCKED)
    services.task_set_status(task=census, user=pm, status=Task.Status.DONE)
    services.task_set_status(task=load, user=pm, status=Task.Status.IN_PROGRESS)
    load.refresh_from_db()
    assert load.status == Task.Status.IN_PROGRESS


def test_done_records_when_and_reopening_forgets_it(pm, project):
    task = TaskFactory(project=project)
    services.task_set_status(task=task, user=pm, status=Task.Status.DONE)
    assert task.completed_at is not None
    services.task_set_status(task=task, user=pm, status=Task.Status.IN_PROGRESS)
    task.refresh_from_db()
    assert task.completed_at is None


def test_a_dependency_loop_is_refused(pm, project):
    first = TaskFactory(project=project, title="First")
    second = TaskFactory(project=project, title="Second", depends_on=[first])
    third = TaskFactory(project=project, title="Third", depends_on=[second])
    with pytest.raises(ValidationError) as refused:
        services.task_save(project=project, user=pm, task=first, data={"depends_on": [third]})
    assert refused.value.message_dict == {"depends_on": ["These dependencies would make a loop."]}
    assert not first.depends_on.exists()


def test_a_task_cannot_depend_on_itself(pm, project):
    task = TaskFactory(project=project)
    with pytest.raises(ValidationError, match="loop"):
        services.task_save(project=project, user=pm, task=task, data={"depends_on": [task]})


def test_a_task_depends_only_on_tasks_of_its_own_project(pm, project):
    elsewhere = TaskFactory()
    with pytest.raises(ValidationError) as refused:
        services.task_save(
            project=project, user=pm, task=None, data={"title": "X", "depends_on": [elsewhere]}
        )
    assert "same project" in refused.value.message_dict["depends_on"][0]
    assert not project.tasks.exists()


def test_a_task_due_before_it_starts_is_refused(pm, project):
    with pytest.raises(ValidationError) as refused:
        services.task_save(
            project=project,
            user=pm,
            task=None,
            data={"title": "Backwards", "start_date": days(3), "due_date": days(1)},
        )
    assert refused.value.message_dict == {
        "due_date": ["The due date cannot be before the start date."]
    }


def test_a_refused_status_on_save_rolls_back_the_whole_edit(pm, project):
    census = TaskFactory(project=project)
    load = TaskFactory(project=project, title="Load", depends_on=[census])
    with pytest.raises(ValidationError):
        services.task_save(
            project=project, user=pm, task=load, data={"title": "Load all", "status": "done"}
        )
    load.refresh_from_db()
    assert (load.title, load.status) == ("Load", Task.Status.NOT_STARTED)


def test_a_task_has_one_owner_a_team_member_or_a_client_contact(pm, project):
    task = TaskFactory(project=project)
    contact = ContactFactory(client=project.client)
    with pytest.raises(ValidationError):
        services.task_set_owner(task=task, user=pm, owner_user=pm, owner_contact=contact)
    with pytest.raises(ValidationError):
        services.task_set_owner(task=task, user=pm, owner_user=None, owner_contact=ContactFactory())
    services.task_set_owner(task=task, user=pm, owner_user=None, owner_contact=contact)
    task.refresh_from_db()
    assert task.owner_contact == contact and task.owner_user is None


def test_task_changes_are_recorded_with_who_made_them(pm, project):
    task = TaskFactory(project=project)
    services.task_set_status(task=task, user=pm, status=Task.Status.IN_PROGRESS)
    latest, before = task.history.all()[:2]
    assert latest.history_user == pm
    assert latest.diff_against(before).changed_fields == ["status"]


# Risks and issues


@pytest.mark.parametrize(
    ("impact", "severity"),
    [(5, Issue.Severity.CRITICAL), (4, Issue.Severity.HIGH), (2, Issue.Severity.MEDIUM)],
)
def test_a_risk_that_occurs_raises_one_issue(pm, project, impact, severity):
    risk = RiskFactory(project=project, title="Census late", impact=impact, owner=pm)
    services.risk_set_status(risk=risk, user=pm, status=Risk.Status.OCCURRED)
    issue = Issue.objects.get(from_risk=risk)
    assert (issue.title, issue.severity, issue.owner, issue.project) == (
        "Census late",
        severity,
        pm,
        project,
    )
    assert risk.closed_at is not None
    services.risk_set_status(risk=risk, user=pm, status=Risk.Status.OPEN)
    services.risk_set_status(risk=risk, user=pm, status=Risk.Status.OCCURRED)
    assert Issue.objects.filter(from_risk=risk).count() == 1


def test_risk_score_follows_probability_and_impact(pm, project):
    risk = services.risk_save(
        project=project,
        user=pm,
        risk=None,
        data={"title": "Census late", "probability": 2, "impact": 3},
    )
    risk.refresh_from_db()
    assert risk.score == 6
    services.risk_save(project=project, user=pm, risk=risk, data={"impact": 5})
    assert risk.score == 10


def test_a_high_risk_without_mitigation_turns_the_project_amber(pm, project):
    services.risk_save(
        project=project,
        user=pm,
        risk=None,
        data={"title": "Vendor API", "probability": 5, "impact": 5, "mitigation_plan": ""},
    )
    project.refresh_from_db()
    assert project.health == Health.AMBER


def test_an_impossible_probability_is_refused(pm, project):
    with pytest.raises(ValidationError) as refused:
        services.risk_save(
            project=project, user=pm, risk=None, data={"title": "X", "probability": 7, "impact": 1}
        )
    assert "probability" in refused.value.message_dict
    assert not Risk.objects.exists()


def test_resolving_an_issue_records_when_and_how(pm, project):
    issue = IssueFactory(project=project)
    services.issue_set_status(
        issue=issue, user=pm, status=Issue.Status.RESOLVED, resolution="Patched."
    )
    issue.refresh_from_db()
    assert issue.resolved_at is not None and issue.resolution == "Patched."
    services.issue_set_status(issue=issue, user=pm, status=Issue.Status.IN_PROGRESS)
    issue.refresh_from_db()
    assert issue.resolved_at is None


def test_a_critical_issue_turns_the_project_red_until_it_is_closed(pm, project):
    issue = services.issue_save(
        project=project, user=pm, issue=None, data={"title": "Payroll down", "severity": "critical"}
    )
    project.refresh_from_db()
    assert project.health == Health.RED
    services.issue_set_status(issue=issue, user=pm, status=Issue.Status.CLOSED)
    project.refresh_from_db()
    assert project.health == Health.GREEN


# Comments and time


def test_an_empty_comment_is_refused(pm, project):
    with pytest.raises(ValidationError) as refused:
        services.comment_add(project=project, user=pm, body="  \n ")
    assert refused.value.message_dict == {"body": ["Write something before posting."]}
    assert not Comment.objects.exists()


def test_a_comment_belongs_to_the_items_project(pm, project):
    with pytest.raises(ValidationError, match="another project"):
        services.comment_add(project=project, user=pm, body="Hi", task=TaskFactory())
    comment = services.comment_add(
        project=project, user=pm, body="Hi", task=TaskFactory(project=project)
    )
    assert comment.project == project


def test_time_burns_the_budget(pm, project):
    project.budget_hours = Decimal("10")
    project.save(update_fields=["budget_hours"])
    services.time_entry_add(project=project, user=pm, data={"hours": Decimal("11")})
    project.refresh_from_db()
    assert project.health == Health.RED
    assert any(r["dimension"] == "budget" and r["level"] == "red" for r in project.health_reasons)


def test_time_on_another_projects_task_or_impossible_hours_is_refused(pm, project):
    with pytest.raises(ValidationError):
        services.time_entry_add(
            project=project, user=pm, data={"hours": Decimal("1"), "task": TaskFactory()}
        )
    with pytest.raises(ValidationError):
        services.time_entry_add(project=project, user=pm, data={"hours": Decimal("30")})
    assert not TimeEntry.objects.exists()


# The handoff report


def test_writing_the_report_creates_it_as_a_draft(pm, project):
    report = services.handoff_report_save(
        project=project, user=pm, data={"training": "Two sessions."}
    )
    assert (report.status, report.training) == (HandoffReport.Status.DRAFT, "Two sessions.")


def test_the_report_goes_to_support_only_at_go_live_or_later(pm, project):
    report = HandoffReportFactory(project=project)
    with pytest.raises(ValidationError, match="at go-live"):
        services.handoff_report_send(report=report, user=pm)
    project.phase = Phase.HYPERCARE
    project.save(update_fields=["phase"])
    services.handoff_report_send(report=report, user=pm)
    assert (report.status, report.sent_by) == (HandoffReport.Status.SENT, pm)


@pytest.mark.parametrize("who", ["pm", "manager", "sales_rep", "no_role_user"])
def test_only_support_or_an_admin_decides(request, who):
    report = HandoffReportFactory(status=HandoffReport.Status.SENT)
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.handoff_report_decide(report=report, user=user, accept=True)
    report.refresh_from_db()
    assert report.status == HandoffReport.Status.SENT


def test_support_accepts_a_sent_report_and_it_is_then_frozen(support, pm):
    report = HandoffReportFactory(status=HandoffReport.Status.SENT)
    services.handoff_report_decide(report=report, user=support, accept=True)
    report.refresh_from_db()
    assert (report.status, report.decided_by) == (HandoffReport.Status.ACCEPTED, support)
    with pytest.raises(ValidationError, match="no longer change"):
        services.handoff_report_save(project=report.project, user=pm, data={"training": "x"})
    with pytest.raises(ValidationError, match="already accepted"):
        services.handoff_report_send(report=report, user=pm)


def test_returning_needs_questions_and_a_returned_report_can_be_sent_again(support, admin_user, pm):
    report = HandoffReportFactory(status=HandoffReport.Status.SENT)
    with pytest.raises(ValidationError) as refused:
        services.handoff_report_decide(report=report, user=support, accept=False, comment=" ")
    assert "support_comment" in refused.value.message_dict
    services.handoff_report_decide(
        report=report, user=admin_user, accept=False, comment="Which pay groups?"
    )
    assert (report.status, report.support_comment) == (
        HandoffReport.Status.RETURNED,
        "Which pay groups?",
    )
    services.handoff_report_send(report=report, user=pm)
    assert report.status == HandoffReport.Status.SENT


@pytest.mark.parametrize(
    "status", [HandoffReport.Status.DRAFT, HandoffReport.Status.RETURNED, "accepted"]
)
def test_only_a_sent_report_can_be_decided(support, status):
    report = HandoffReportFactory(status=status)
    with pytest.raises(ValidationError, match="has been sent"):
        services.handoff_report_decide(report=report, user=support, accept=True)


def test_accepting_the_report_opens_the_gate_to_handed_off(support, pm):
    report = HandoffReportFactory(status=HandoffReport.Status.SENT, project__pm=pm)
    project = report.project
    project.phase = Phase.HYPERCARE
    project.save(update_fields=["phase"])
    assert services.phase_gate_problems(project, Phase.HANDED_OFF) == [
        "Support has not accepted the handoff report."
    ]
    services.handoff_report_decide(report=report, user=support, accept=True)
    assert services.phase_gate_problems(project, Phase.HANDED_OFF) == []
