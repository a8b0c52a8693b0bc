import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from clients.models import Client
from clients.services import sales_handoff_acknowledge
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
    services.project_uat_signoff_by_contact(project=project, contact=contact)
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
    # Support's acceptance is the gate: the project is handed off by it, as support's change.
    project.refresh_from_db()
    assert project.phase == Phase.HANDED_OFF
    assert project.phase_changes.get().changed_by == support


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


# Every phase's gate: its key milestones, the PM's acknowledgement, a manager's override


def test_leaving_any_phase_needs_that_phases_key_milestones_complete(pm):
    project = ProjectFactory(phase=Phase.CONFIGURATION, pm=pm)
    key = MilestoneFactory(
        project=project, name="Configuration complete", phase=Phase.CONFIGURATION, is_key=True
    )
    MilestoneFactory(project=project, name="Workbook review", phase=Phase.CONFIGURATION)
    MilestoneFactory(project=project, name="UAT sign-off", phase=Phase.TESTING, is_key=True)
    assert refused(project, Phase.DATA_CONVERSION, pm) == [
        "Key milestone “Configuration complete” of Configuration is not complete."
    ]
    services.milestone_complete(milestone=key, user=pm)
    move(project, Phase.DATA_CONVERSION, pm)
    project.refresh_from_db()
    assert project.phase == Phase.DATA_CONVERSION


def test_a_red_project_with_its_key_milestone_open_does_not_reach_testing(pm):
    project = ProjectFactory(phase=Phase.DATA_CONVERSION, pm=pm)
    MilestoneFactory(
        project=project, name="Data conversion pass 2", phase=Phase.DATA_CONVERSION, is_key=True
    )
    IssueFactory(project=project, severity=Issue.Severity.CRITICAL)
    services.project_touch(project=project)
    project.refresh_from_db()
    assert project.health == "red"
    assert refused(project, Phase.TESTING, pm) == [
        "Key milestone “Data conversion pass 2” of Data conversion & integrations is not complete."
    ]
    project.refresh_from_db()
    assert project.phase == Phase.DATA_CONVERSION
    assert not PhaseChange.objects.exists()


def test_a_sales_handoff_acknowledged_by_another_pm_does_not_open_the_gate(pm, other_pm):
    other_pm.first_name, other_pm.last_name = "Olga", "Other"
    other_pm.save()
    handoff = SalesHandoffFactory(acknowledged_by=other_pm, acknowledged_at=timezone.now())
    project = ProjectFactory(
        phase=Phase.SALES_HANDOFF, pm=pm, client=handoff.client, sales_handoff=handoff
    )
    assert refused(project, Phase.KICKOFF, pm) == [
        "The sales handoff was acknowledged by Olga Other, who is neither this project's PM "
        "nor a manager: the PM must acknowledge it."
    ]
    sales_handoff_acknowledge(handoff=handoff, user=pm)
    move(project, Phase.KICKOFF, pm)
    project.refresh_from_db()
    assert project.phase == Phase.KICKOFF


def test_a_managers_acknowledgement_opens_the_sales_handoff_gate(pm, manager):
    handoff = SalesHandoffFactory(acknowledged_by=manager, acknowledged_at=timezone.now())
    project = ProjectFactory(
        phase=Phase.SALES_HANDOFF, pm=pm, client=handoff.client, sales_handoff=handoff
    )
    assert services.phase_gate_problems(project, Phase.KICKOFF) == []


def test_a_manager_overrides_a_gate_with_a_written_reason_kept_with_the_change(manager):
    project = ProjectFactory(phase=Phase.CONFIGURATION)
    MilestoneFactory(
        project=project, name="Configuration complete", phase=Phase.CONFIGURATION, is_key=True
    )
    with pytest.raises(ValidationError):
        services.project_change_phase(
            project=project, to_phase=Phase.DATA_CONVERSION, user=manager, override_reason="  "
        )
    change = services.project_change_phase(
        project=project,
        to_phase=Phase.DATA_CONVERSION,
        user=manager,
        override_reason="The client signed the workbook by email; the task follows.",
    )
    project.refresh_from_db()
    assert project.phase == Phase.DATA_CONVERSION
    change.refresh_from_db()
    assert change.gate_overridden and change.changed_by == manager
    assert change.override_reason == "The client signed the workbook by email; the task follows."
    assert change.overridden_problems == [
        "Key milestone “Configuration complete” of Configuration is not complete."
    ]


def test_a_pm_cannot_override_a_gate(pm):
    project = ProjectFactory(phase=Phase.CONFIGURATION, pm=pm)
    MilestoneFactory(
        project=project, name="Configuration complete", phase=Phase.CONFIGURATION, is_key=True
    )
    with pytest.raises(ValidationError) as error:
        services.project_change_phase(
            project=project, to_phase=Phase.DATA_CONVERSION, user=pm, override_reason="Trust me."
        )
    assert error.value.messages == [
        "Key milestone “Configuration complete” of Configuration is not complete.",
        "Only an implementation manager can override a gate.",
    ]
    project.refresh_from_db()
    assert project.phase == Phase.CONFIGURATION
    assert not PhaseChange.objects.exists()


def test_a_change_through_a_met_gate_records_no_override(manager):
    project = ProjectFactory(phase=Phase.CONFIGURATION)
    change = services.project_change_phase(
        project=project, to_phase=Phase.DATA_CONVERSION, user=manager, override_reason="In case"
    )
    assert not change.gate_overridden and change.override_reason == ""


# The pages


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_pm_is_told_what_is_missing_and_offered_no_override(client_as, pm):
    project = ProjectFactory(phase=Phase.CONFIGURATION, pm=pm)
    MilestoneFactory(
        project=project, name="Configuration complete", phase=Phase.CONFIGURATION, is_key=True
    )
    browser = client_as(pm)
    page = browser.get(project.get_absolute_url()).content.decode()
    assert "Key milestone “Configuration complete” of Configuration is not complete." in page
    assert 'name="override_reason"' not in page

    response = browser.post(
        reverse("projects:phase", args=[project.pk]),
        {"to_phase": Phase.DATA_CONVERSION, "override_reason": "Trust me."},
    )
    assert messages_of(response) == [
        "The project cannot move to Data conversion & integrations yet: Key milestone "
        "“Configuration complete” of Configuration is not complete. Only an implementation "
        "manager can override a gate."
    ]
    project.refresh_from_db()
    assert project.phase == Phase.CONFIGURATION


def test_manager_overrides_on_the_project_page_and_the_history_shows_it(client_as, manager):
    project = ProjectFactory(phase=Phase.CONFIGURATION)
    MilestoneFactory(
        project=project, name="Configuration complete", phase=Phase.CONFIGURATION, is_key=True
    )
    browser = client_as(manager)
    assert 'name="override_reason"' in browser.get(project.get_absolute_url()).content.decode()

    refused = browser.post(
        reverse("projects:phase", args=[project.pk]), {"to_phase": Phase.DATA_CONVERSION}
    )
    assert "you may override the gate with a written reason" in messages_of(refused)[0]
    response = browser.post(
        reverse("projects:phase", args=[project.pk]),
        {"to_phase": Phase.DATA_CONVERSION, "override_reason": "Workbook signed by email."},
        follow=True,
    )
    project.refresh_from_db()
    assert project.phase == Phase.DATA_CONVERSION
    assert "Phase history" in response.content.decode()
    phases = browser.get(
        project.get_absolute_url(), {"fragment": "phases"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Gate overridden" in phases and "Workbook signed by email." in phases
    history = browser.get(reverse("projects:history", args=[project.pk])).content.decode()
    assert "Gate overridden" in history and "Workbook signed by email." in history
    assert "Key milestone “Configuration complete” of Configuration is not complete." in history


def test_move_back_starts_on_an_empty_required_choice(client_as, pm):
    project = ProjectFactory(phase=Phase.CONFIGURATION, pm=pm)
    browser = client_as(pm)
    page = browser.get(project.get_absolute_url()).content.decode()
    back = page[page.index('id="back-phase"') :]
    back = back[: back.index("</select>")]
    assert "required" in back.split(">")[0]
    assert back.split("<option")[1].startswith(' value="" selected>Choose a phase…')

    response = browser.post(reverse("projects:phase", args=[project.pk]), {"to_phase": ""})
    assert messages_of(response) == ["Choose a phase to move to."]
    project.refresh_from_db()
    assert project.phase == Phase.CONFIGURATION


def test_a_milestone_belongs_to_a_phase_chosen_on_its_form(client_as, pm):
    project = ProjectFactory(phase=Phase.DISCOVERY, pm=pm)
    browser = client_as(pm)
    url = reverse("projects:milestone_create", args=[project.pk])
    form = browser.get(url).content.decode()
    assert '<option value="discovery" selected>Discovery &amp; planning</option>' in form

    browser.post(url, {"name": "UAT sign-off", "order": 1, "phase": "testing", "is_key": "on"})
    browser.post(url, {"name": "Discovery sign-off", "order": 2})
    phases = dict(project.milestones.values_list("name", "phase"))
    assert phases == {"UAT sign-off": Phase.TESTING, "Discovery sign-off": Phase.DISCOVERY}
    page = browser.get(project.get_absolute_url()).content.decode()
    assert "Testing (ORT/UAT)" in page
    # The key milestone of Testing does not hold Discovery back.
    assert services.phase_gate_problems(project, Phase.CONFIGURATION) == []


def test_a_manager_is_offered_the_override_only_where_a_gate_stands(client_as, manager):
    project = ProjectFactory(phase=Phase.CONFIGURATION)
    response = client_as(manager).post(
        reverse("projects:phase", args=[project.pk]), {"to_phase": Phase.TESTING}
    )
    (message,) = messages_of(response)
    assert message.startswith("The project cannot move to Testing (ORT/UAT) yet: Phases go in")
    assert "override" not in message
