"""The Django admin goes through the services: state is read-only, actions meet the gates."""

import pytest
from django.apps import apps
from django.contrib.messages import get_messages
from django.urls import reverse

from clients.models import SalesHandoff
from clients.tests.factories import SalesHandoffFactory
from projects.models import HandoffReport, Phase, PhaseChange, Task
from projects.tests.factories import (
    HandoffReportFactory,
    IssueFactory,
    MilestoneFactory,
    ProjectFactory,
    RiskFactory,
    TaskFactory,
)

pytestmark = pytest.mark.django_db


def change_form_data(response) -> dict:
    """What the admin change form would post back unchanged: its form and inline formsets."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        forms.extend(formset.forms)
        for name, field in formset.management_form.fields.items():
            value = formset.management_form.initial.get(name, field.initial)
            data[f"{formset.prefix}-{name}"] = value if value is not None else ""
    for form in forms:
        for name, field in form.fields.items():
            value = form.initial.get(name, field.initial)
            if callable(value):
                value = value()
            if value is None:
                continue
            if isinstance(value, list | tuple):
                data[form.add_prefix(name)] = [getattr(v, "pk", v) for v in value]
            elif isinstance(value, bool):
                if value:
                    data[form.add_prefix(name)] = "on"
            else:
                data[form.add_prefix(name)] = getattr(value, "pk", value)
    return data


def post_change(client, obj, **changes):
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    data = change_form_data(client.get(url))
    data.update(changes)
    return client.post(url, data)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_posting_a_phase_in_the_change_form_changes_nothing(client_as, admin_user):
    project = ProjectFactory(phase=Phase.TESTING, name="Acme payroll")
    response = post_change(
        client_as(admin_user),
        project,
        phase=Phase.HANDED_OFF,
        actual_go_live="2026-01-05",
        name="Acme payroll (renamed)",
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    project.refresh_from_db()
    assert project.name == "Acme payroll (renamed)"  # the form did save
    assert project.phase == Phase.TESTING
    assert project.actual_go_live is None
    assert not PhaseChange.objects.exists()


def test_move_to_next_phase_runs_the_gate_and_says_what_is_missing(client_as, admin_user):
    blocked = ProjectFactory(phase=Phase.SALES_HANDOFF, name="No PM yet")
    free = ProjectFactory(phase=Phase.CONFIGURATION, name="Ready to move")
    response = client_as(admin_user).post(
        reverse("admin:projects_implementationproject_changelist"),
        {"action": "move_to_next_phase", "_selected_action": [blocked.pk, free.pk]},
        follow=True,
    )
    said = messages_of(response)
    assert any("No PM yet" in m and "Assign a PM to the project." in m for m in said)
    blocked.refresh_from_db()
    free.refresh_from_db()
    assert blocked.phase == Phase.SALES_HANDOFF
    assert free.phase == Phase.DATA_CONVERSION
    change = PhaseChange.objects.get()
    assert (change.project, change.changed_by) == (free, admin_user)
    assert change.to_phase == Phase.DATA_CONVERSION


def test_the_phase_change_trail_cannot_be_added_changed_or_deleted(client_as, admin_user):
    project = ProjectFactory()
    change = PhaseChange.objects.create(
        project=project, from_phase=Phase.DISCOVERY, to_phase=Phase.CONFIGURATION
    )
    http = client_as(admin_user)
    changelist = http.get(reverse("admin:projects_phasechange_changelist"))
    assert changelist.status_code == 200
    assert "delete_selected" not in changelist.content.decode()
    assert http.get(reverse("admin:projects_phasechange_add")).status_code == 403
    delete_url = reverse("admin:projects_phasechange_delete", args=[change.pk])
    assert http.post(delete_url, {"post": "yes"}).status_code == 403
    change_url = reverse("admin:projects_phasechange_change", args=[change.pk])
    http.post(change_url, {"from_phase": Phase.KICKOFF, "to_phase": Phase.HANDED_OFF})
    http.post(
        reverse("admin:projects_phasechange_changelist"),
        {"action": "delete_selected", "_selected_action": [change.pk], "post": "yes"},
    )
    change.refresh_from_db()
    assert (change.from_phase, change.to_phase) == (Phase.DISCOVERY, Phase.CONFIGURATION)


def test_a_project_history_record_cannot_be_reverted(client_as, admin_user):
    project = ProjectFactory(name="Before")
    project.name = "After"
    project.save()
    old = project.history.earliest()
    url = reverse(
        "admin:projects_implementationproject_simple_history",
        args=[project.pk, old.history_id],
    )
    http = client_as(admin_user)
    assert http.get(url).status_code == 200
    assert http.post(url, {"name": "Before"}).status_code == 403
    project.refresh_from_db()
    assert project.name == "After"


def test_a_dependency_loop_cannot_be_posted_in_the_change_form(client_as, admin_user):
    first = TaskFactory(title="Extract data")
    second = TaskFactory(project=first.project, title="Load data", depends_on=[first])
    response = post_change(client_as(admin_user), first, depends_on=[second.pk], status="done")
    assert response.status_code == 302
    assert list(first.depends_on.all()) == []
    first.refresh_from_db()
    assert first.status == Task.Status.NOT_STARTED


def test_mark_done_refuses_a_task_whose_predecessor_is_open(client_as, admin_user):
    first = TaskFactory(title="Extract data")
    second = TaskFactory(project=first.project, title="Load data", depends_on=[first])
    response = client_as(admin_user).post(
        reverse("admin:projects_task_changelist"),
        {"action": "mark_done", "_selected_action": [second.pk]},
        follow=True,
    )
    assert any("Waiting on unfinished tasks: Extract data." in m for m in messages_of(response))
    second.refresh_from_db()
    assert second.status == Task.Status.NOT_STARTED


def test_a_handoff_report_status_is_only_changed_by_its_actions(client_as, admin_user):
    report = HandoffReportFactory(status=HandoffReport.Status.DRAFT)
    http = client_as(admin_user)
    response = post_change(http, report, status=HandoffReport.Status.ACCEPTED)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == HandoffReport.Status.DRAFT

    changelist = reverse("admin:projects_handoffreport_changelist")
    http.post(changelist, {"action": "send_to_support", "_selected_action": [report.pk]})
    report.refresh_from_db()
    assert (report.status, report.sent_by) == (HandoffReport.Status.SENT, admin_user)
    http.post(changelist, {"action": "accept", "_selected_action": [report.pk]})
    report.refresh_from_db()
    assert (report.status, report.decided_by) == (HandoffReport.Status.ACCEPTED, admin_user)


def test_a_sales_handoff_is_acknowledged_by_the_action_not_the_form(client_as, admin_user):
    handoff = SalesHandoffFactory()
    http = client_as(admin_user)
    response = post_change(
        http, handoff, acknowledged_by=admin_user.pk, acknowledged_at_0="2026-01-01"
    )
    assert response.status_code == 302
    handoff.refresh_from_db()
    assert not handoff.is_acknowledged
    http.post(
        reverse("admin:clients_saleshandoff_changelist"),
        {"action": "acknowledge", "_selected_action": [handoff.pk]},
    )
    handoff = SalesHandoff.objects.get(pk=handoff.pk)
    assert handoff.acknowledged_by == admin_user


@pytest.mark.parametrize(
    "model_name",
    [
        "projects.implementationproject",
        "projects.milestone",
        "projects.task",
        "projects.risk",
        "projects.issue",
        "projects.handoffreport",
        "clients.saleshandoff",
        "alerts.alert",
    ],
)
def test_the_add_and_change_forms_with_read_only_state_open(client_as, admin_user, model_name):
    made = {
        "projects.implementationproject": ProjectFactory,
        "projects.milestone": MilestoneFactory,
        "projects.task": TaskFactory,
        "projects.risk": RiskFactory,
        "projects.issue": IssueFactory,
        "projects.handoffreport": HandoffReportFactory,
        "clients.saleshandoff": SalesHandoffFactory,
    }
    model = apps.get_model(model_name)
    opts = model._meta
    http = client_as(admin_user)
    if model_name in made:
        obj = made[model_name]()
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        assert http.get(url).status_code == 200
    add = http.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    assert add.status_code == 200


def test_resolving_an_issue_in_the_admin_records_who_and_when(client_as, admin_user):
    issue = IssueFactory(title="Pay codes do not map")
    http = client_as(admin_user)
    post_change(http, issue, status="closed", title="Pay codes do not map")
    issue.refresh_from_db()
    assert issue.status == "open"
    http.post(
        reverse("admin:projects_issue_changelist"),
        {"action": "resolve", "_selected_action": [issue.pk]},
    )
    issue.refresh_from_db()
    assert issue.status == "resolved" and issue.resolved_at is not None
    assert issue.history.first().history_user == admin_user
