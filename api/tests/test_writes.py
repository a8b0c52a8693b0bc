"""Changes through the API: the pages' services, gates, versions and refusals."""

import datetime
import uuid

import pytest
from django.utils import timezone

from clients.models import SalesHandoff
from clients.services import GO_LIVE_BEFORE_SIGNING
from clients.tests.factories import ClientFactory, ContactFactory, ProductFactory
from projects.models import ImplementationProject, Issue, Phase, PhaseChange, Risk, Task
from projects.tests.factories import MilestoneFactory, ProjectFactory, TaskFactory


def day(n: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=n)).isoformat()


# Versions


def test_an_update_with_the_version_read_is_saved_and_counts_a_new_version(world, token_for, pm):
    url = f"/api/v1/projects/{world['project'].pk}/"
    response = token_for(pm).patch(url, {"name": "Acme payroll EU", "version": 0}, format="json")
    assert response.status_code == 200
    assert response.json()["name"] == "Acme payroll EU"
    assert response.json()["version"] == 1


def test_a_stale_version_changes_nothing_and_says_what_changed_meanwhile(world, token_for, pm):
    api = token_for(pm)
    url = f"/api/v1/projects/{world['project'].pk}/"
    assert api.patch(url, {"name": "First", "version": 0}, format="json").status_code == 200
    response = api.patch(url, {"name": "Second", "version": 0}, format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["current_version"] == 1
    assert (
        "Someone changed this while you were editing it, so nothing was saved."
        in body["version"][0]
    )
    assert "Name from Acme payroll to First" in body["version"][0]
    world["project"].refresh_from_db()
    assert world["project"].name == "First"


def test_an_update_without_a_version_is_refused(world, token_for, pm):
    response = token_for(pm).patch(
        f"/api/v1/tasks/{world['task'].pk}/", {"title": "No version"}, format="json"
    )
    assert response.status_code == 400
    assert "Send the version" in response.json()["version"][0]
    world["task"].refresh_from_db()
    assert world["task"].title == "Map pay codes"


def test_a_stale_task_version_is_refused_too(world, token_for, pm):
    api = token_for(pm)
    url = f"/api/v1/tasks/{world['task'].pk}/"
    assert api.patch(url, {"title": "Renamed", "version": 0}, format="json").status_code == 200
    assert api.patch(url, {"title": "Again", "version": 0}, format="json").status_code == 409


# Read-only fields and clear 400s


def test_read_only_fields_are_not_written(world, token_for, pm):
    url = f"/api/v1/projects/{world['project'].pk}/"
    response = token_for(pm).patch(
        url,
        {"phase": "go_live", "health": "red", "actual_go_live": day(0), "version": 0},
        format="json",
    )
    assert response.status_code == 200
    project = ImplementationProject.objects.get(pk=world["project"].pk)
    assert project.phase == Phase.CONFIGURATION
    assert project.health != "red" or project.computed_health == "red"
    assert project.actual_go_live is None


def test_bad_input_is_refused_field_by_field(world, token_for, pm):
    response = token_for(pm).patch(
        f"/api/v1/projects/{world['project'].pk}/",
        {"kickoff_date": "next tuesday", "status": "sleeping", "version": 0},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["kickoff_date"][0].startswith("Date has wrong format.")
    assert body["status"] == ['"sleeping" is not a valid choice.']


def test_the_project_forms_rules_hold(world, token_for, pm):
    response = token_for(pm).patch(
        f"/api/v1/projects/{world['project'].pk}/",
        {"kickoff_date": day(10), "baseline_go_live": day(5), "version": 0},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"baseline_go_live": ["Go-live cannot be before kick-off."]}


def test_a_bad_filter_is_a_400_not_a_500(world, token_for, pm):
    response = token_for(pm).get("/api/v1/projects/?forecast_go_live_after=soon&phase=nope")
    assert response.status_code == 400
    assert set(response.json()) == {"forecast_go_live_after", "phase"}


def test_filters_and_ordering(world, token_for, pm):
    ProjectFactory(name="Zeta rollout", phase=Phase.TESTING)
    api = token_for(pm)
    names = [p["name"] for p in api.get("/api/v1/projects/?phase=testing").json()["results"]]
    assert names == ["Zeta rollout"]
    names = [p["name"] for p in api.get("/api/v1/projects/?ordering=-name").json()["results"]]
    assert names == ["Zeta rollout", "Acme payroll"]
    # Only the listed fields order a list: anything else is ignored.
    assert api.get("/api/v1/projects/?ordering=budget_amount").status_code == 200


def test_pages_have_a_size_limit(world, token_for, pm):
    response = token_for(pm).get("/api/v1/projects/?page_size=100000")
    assert response.status_code == 200
    assert token_for(pm).get("/api/v1/projects/?page=9").status_code == 404


# Projects


def test_a_pm_opens_a_project(world, token_for, pm):
    product = ProductFactory(name="Time")
    response = token_for(pm).post(
        "/api/v1/projects/",
        {
            "name": "Acme time",
            "client": world["client"].pk,
            "products": [product.pk],
            "pm": pm.pk,
            "baseline_go_live": day(90),
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["name"] == "Acme time" and body["phase"] == "sales_handoff"
    assert body["forecast_go_live"] == day(90)
    assert "health_reasons" in body


def test_a_repeated_create_with_the_same_idempotency_key_makes_one(world, token_for, pm):
    api = token_for(pm)
    key = str(uuid.uuid4())
    data = {"title": "Send the workbook", "project": world["project"].pk}
    first = api.post("/api/v1/tasks/", data, format="json", HTTP_IDEMPOTENCY_KEY=key)
    again = api.post("/api/v1/tasks/", data, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == 201 and again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert Task.objects.filter(title="Send the workbook").count() == 1
    bad = api.post("/api/v1/tasks/", data, format="json", HTTP_IDEMPOTENCY_KEY="twice")
    assert bad.status_code == 400 and "Idempotency-Key" in bad.json()


# Phase changes meet the gates


def test_a_phase_change_through_the_api_meets_the_same_gate(token_for, pm, manager):
    project = ProjectFactory(phase=Phase.CONFIGURATION, pm=pm)
    MilestoneFactory(
        project=project, name="Configuration complete", phase=Phase.CONFIGURATION, is_key=True
    )
    url = f"/api/v1/projects/{project.pk}/phase/"
    response = token_for(pm).post(url, {"to_phase": "data_conversion"}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "to_phase": ["Key milestone “Configuration complete” of Configuration is not complete."]
    }
    project.refresh_from_db()
    assert project.phase == Phase.CONFIGURATION
    assert not PhaseChange.objects.exists()
    # A PM cannot override it, a manager can, with a reason.
    refused = token_for(pm).post(
        url, {"to_phase": "data_conversion", "override_reason": "Signed by email"}, format="json"
    )
    assert refused.status_code == 400
    assert "Only an implementation manager can override a gate." in refused.json()["to_phase"]
    done = token_for(manager).post(
        url, {"to_phase": "data_conversion", "override_reason": "Signed by email"}, format="json"
    )
    assert done.status_code == 200
    assert done.json()["gate_overridden"] is True
    project.refresh_from_db()
    assert project.phase == Phase.DATA_CONVERSION


def test_phases_go_in_order(world, token_for, pm):
    response = token_for(pm).post(
        f"/api/v1/projects/{world['project'].pk}/phase/", {"to_phase": "hypercare"}, format="json"
    )
    assert response.status_code == 400
    assert "Phases go in order" in response.json()["to_phase"][0]


# Tasks: the scheduling rules


def test_a_task_cannot_start_before_what_it_waits_on_is_done(world, token_for, pm):
    first = TaskFactory(project=world["project"], title="Collect pay codes")
    then = TaskFactory(project=world["project"], title="Load pay codes", depends_on=[first])
    response = token_for(pm).patch(
        f"/api/v1/tasks/{then.pk}/", {"status": "in_progress", "version": 0}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"status": ["Waiting on unfinished tasks: Collect pay codes."]}
    then.refresh_from_db()
    assert then.status == Task.Status.NOT_STARTED


def test_a_date_change_that_would_move_other_work_is_sent_to_the_app(world, token_for, pm):
    first = TaskFactory(project=world["project"], due_date=timezone.localdate())
    then = TaskFactory(
        project=world["project"],
        depends_on=[first],
        start_date=timezone.localdate() + datetime.timedelta(days=1),
        due_date=timezone.localdate() + datetime.timedelta(days=3),
    )
    response = token_for(pm).patch(
        f"/api/v1/tasks/{first.pk}/", {"due_date": day(20), "version": 0}, format="json"
    )
    assert response.status_code == 400
    message = response.json()["due_date"][0]
    assert "would move" in message and "so nothing was saved" in message
    assert f"/tasks/{first.pk}/" in message
    first.refresh_from_db()
    then.refresh_from_db()
    assert first.due_date == timezone.localdate()
    assert then.due_date == timezone.localdate() + datetime.timedelta(days=3)


def test_a_date_change_that_moves_nothing_else_is_saved(world, token_for, pm, other_pm):
    response = token_for(pm).patch(
        f"/api/v1/tasks/{world['task'].pk}/",
        {"due_date": day(12), "priority": "high", "version": 0},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["due_date"] == day(12)
    # The owner must be on the project's team, as in the app.
    refused = token_for(pm).patch(
        f"/api/v1/tasks/{world['task'].pk}/",
        {"owner_user": other_pm.pk, "version": 1},
        format="json",
    )
    assert refused.status_code == 400
    assert "is not on this project's team" in refused.json()["owner_user"][0]


def test_a_task_owned_by_another_clients_contact_is_refused(world, token_for, pm):
    stranger = ContactFactory(client=ClientFactory(name="Elsewhere Inc"))
    response = token_for(pm).post(
        "/api/v1/tasks/",
        {"project": world["project"].pk, "title": "Call", "owner_contact": stranger.pk},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"owner_contact": ["Choose a contact of this project's client."]}


def test_another_pm_cannot_add_to_a_project_they_are_not_on(world, token_for, other_pm):
    response = token_for(other_pm).post(
        "/api/v1/tasks/", {"project": world["project"].pk, "title": "Sneak"}, format="json"
    )
    assert response.status_code == 403
    assert not Task.objects.filter(title="Sneak").exists()


# Risks and issues


def test_risks_and_issues_are_raised_and_changed(world, token_for, pm):
    api = token_for(pm)
    risk = api.post(
        "/api/v1/risks/",
        {"project": world["project"].pk, "title": "Key user leaves", "probability": 2, "impact": 5},
        format="json",
    )
    assert risk.status_code == 201, risk.json()
    assert risk.json()["score"] == 10
    occurred = api.patch(
        f"/api/v1/risks/{risk.json()['id']}/", {"status": "occurred", "version": 0}, format="json"
    )
    assert occurred.status_code == 200, occurred.json()
    # As in the app, a risk that occurred raises an issue of its own.
    assert Issue.objects.get(from_risk_id=risk.json()["id"]).severity == Issue.Severity.CRITICAL
    assert Risk.objects.get(pk=risk.json()["id"]).closed_at is not None

    issue = api.post(
        "/api/v1/issues/",
        {"project": world["project"].pk, "title": "SSO fails", "severity": "high"},
        format="json",
    )
    assert issue.status_code == 201
    resolved = api.patch(
        f"/api/v1/issues/{issue.json()['id']}/",
        {"status": "resolved", "resolution": "Certificate renewed", "version": 0},
        format="json",
    )
    assert resolved.status_code == 200
    assert resolved.json()["resolved_at"] is not None
    # Its project is fixed once raised.
    moved = api.patch(
        f"/api/v1/issues/{issue.json()['id']}/",
        {"project": ProjectFactory().pk, "version": resolved.json()["version"]},
        format="json",
    )
    assert moved.status_code == 200
    assert moved.json()["project"] == world["project"].pk


# A project from a closed deal


def deal(client, product, **changes):
    return {
        "client": client.pk,
        "products": [product.pk],
        "contract_signed_on": day(-3),
        "target_go_live": day(120),
        "commitments": "Parallel payroll run in March.",
        "name": f"{client.name} payroll",
        **changes,
    }


def test_an_admin_opens_a_project_from_a_closed_deal(world, token_for, admin_user, pm):
    product = ProductFactory(name="Payroll")
    key = str(uuid.uuid4())
    api = token_for(admin_user)
    response = api.post(
        "/api/v1/projects/from-deal/",
        deal(world["client"], product, pm=pm.pk),
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["phase"] == "sales_handoff" and body["baseline_go_live"] == day(120)
    handoff = SalesHandoff.objects.get(pk=body["sales_handoff"])
    assert handoff.commitments == "Parallel payroll run in March."
    assert handoff.submitted_by == admin_user
    # The CRM retries after a timeout: nothing is made twice.
    again = api.post(
        "/api/v1/projects/from-deal/",
        deal(world["client"], product, pm=pm.pk),
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
    )
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    assert SalesHandoff.objects.count() == 1


def test_a_deal_needs_the_right_to_write_the_accounts_handoff(world, token_for, manager):
    response = token_for(manager).post(
        "/api/v1/projects/from-deal/", deal(world["client"], ProductFactory()), format="json"
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "Only the account’s sales rep can write its sales handoff."
    assert not SalesHandoff.objects.exists()


def test_a_deal_with_bad_dates_is_refused_and_makes_nothing(world, token_for, admin_user):
    response = token_for(admin_user).post(
        "/api/v1/projects/from-deal/",
        deal(world["client"], ProductFactory(), target_go_live=day(-30)),
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"target_go_live": [GO_LIVE_BEFORE_SIGNING]}
    assert not SalesHandoff.objects.exists()
    assert ImplementationProject.objects.count() == 1


@pytest.mark.parametrize("role", ["sales_rep", "support"])
def test_roles_that_open_no_projects_are_refused_a_deal(role, world, token_for, request):
    user = request.getfixturevalue(role)
    response = token_for(user).post(
        "/api/v1/projects/from-deal/", deal(world["client"], ProductFactory()), format="json"
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "Only PMs and managers open projects."


def test_a_line_break_in_a_title_or_a_unicode_digit_in_an_id_is_refused(world, token_for, pm):
    api = token_for(pm)
    response = api.post(
        "/api/v1/tasks/",
        {"project": world["project"].pk, "title": "Two\nlines", "description": "Two\nlines"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "title": ["Use a single line without control characters (such as line breaks)."]
    }
    response = api.post(
        "/api/v1/tasks/", {"project": "\u0661", "title": "Arabic one"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"project": ["Give the object's id: a whole number."]}
    response = api.post("/api/v1/tasks/", {"project": 10**30, "title": "Too big"}, format="json")
    assert response.status_code == 400
    assert not Task.objects.filter(title__in=["Arabic one", "Too big"]).exists()
