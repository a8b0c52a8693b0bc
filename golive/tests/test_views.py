"""The readiness page, its checklist, the move into Go-live and support's incoming queue."""

import pytest
from django.urls import reverse

from golive.models import CutoverStep
from projects.models import HandoffReport, Phase
from projects.services import handoff_report_send
from projects.tests.factories import (
    HandoffReportFactory,
    IssueFactory,
    ProjectFactory,
    ProjectMembershipFactory,
)

pytestmark = pytest.mark.django_db


def readiness_url(project) -> str:
    return reverse("golive:readiness", args=[project.pk])


def test_the_readiness_page_shows_the_gate_and_the_checklist(
    client_as, ready_project, django_assert_max_num_queries
):
    member = ProjectMembershipFactory(project=ready_project).user
    for n in range(5):
        CutoverStep.objects.create(
            project=ready_project, title=f"Cut-over step {n}", owner=member, order=n
        )
    IssueFactory(project=ready_project, severity="critical", title="Tax table wrong")
    client = client_as(ready_project.pm)
    with django_assert_max_num_queries(12):
        response = client.get(readiness_url(ready_project))
    html = response.content.decode()
    assert "1 critical issue is still open." in html
    assert "Cut-over step 4" in html
    assert "The gate is not met" in html
    assert "Move to Go-live</button>" not in html


def test_the_page_costs_the_same_with_more_steps(
    client_as, ready_project, django_assert_num_queries
):
    client = client_as(ready_project.pm)
    client.get(readiness_url(ready_project))
    CutoverStep.objects.create(project=ready_project, title="One", order=1)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(readiness_url(ready_project))
    for n in range(6):
        CutoverStep.objects.create(project=ready_project, title=f"More {n}", order=2 + n)
    with django_assert_num_queries(len(one)):
        client.get(readiness_url(ready_project))


def test_a_pm_adds_edits_reorders_and_completes_steps(client_as, ready_project):
    client = client_as(ready_project.pm)
    new = reverse("golive:step_create", args=[ready_project.pk])
    client.post(
        new, {"title": "Freeze payroll changes", "owner": ready_project.pm.pk, "state": "open"}
    )
    client.post(new, {"title": "Run the last import", "state": "open"})
    first, second = CutoverStep.objects.filter(project=ready_project).order_by("order")
    assert (first.title, first.owner, second.title) == (
        "Freeze payroll changes",
        ready_project.pm,
        "Run the last import",
    )

    client.post(reverse("golive:step_move", args=[second.pk]), {"direction": "up"})
    assert list(
        CutoverStep.objects.filter(project=ready_project).values_list("title", flat=True)
    ) == ["Run the last import", "Freeze payroll changes"]

    client.post(reverse("golive:step_state", args=[first.pk]), {"state": "done"})
    client.post(reverse("golive:step_state", args=[second.pk]), {"state": "not_needed"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == ("done", "not_needed")

    edit = reverse("golive:step_edit", args=[first.pk])
    response = client.post(
        edit, {"title": "Freeze all payroll changes", "state": "done", "version": 0}
    )
    assert "Someone changed this while you were editing it" in response.content.decode()
    client.post(edit, {"title": "Freeze all payroll changes", "state": "done", "version": 1})
    first.refresh_from_db()
    assert first.title == "Freeze all payroll changes"


def test_a_step_owner_must_be_on_the_team(client_as, ready_project, other_pm):
    response = client_as(ready_project.pm).post(
        reverse("golive:step_create", args=[ready_project.pk]),
        {"title": "Switch DNS", "owner": other_pm.pk, "state": "open"},
    )
    assert response.status_code == 200
    assert not CutoverStep.objects.exists()


def test_a_double_submit_adds_one_step(client_as, ready_project):
    client = client_as(ready_project.pm)
    url = reverse("golive:step_create", args=[ready_project.pk])
    key = "6f1c1f52-3c4e-4f57-a1a7-2d4c0e4b9a11"
    data = {"title": "Switch DNS", "state": "open", "submission_key": key}
    client.post(url, data)
    client.post(url, data)
    assert CutoverStep.objects.count() == 1


def test_the_pm_moves_the_project_to_go_live_confirming_open_steps(client_as, ready_project):
    CutoverStep.objects.create(project=ready_project, title="Switch DNS", order=1)
    client = client_as(ready_project.pm)
    page = client.get(readiness_url(ready_project)).content.decode()
    assert "Still open on the checklist" in page and "Switch DNS" in page
    url = reverse("golive:go_live", args=[ready_project.pk])

    response = client.post(url, follow=True)
    assert "did not go live: 1 checklist step is still open" in response.content.decode()
    response = client.post(url, {"confirm": "on"}, follow=True)
    ready_project.refresh_from_db()
    assert ready_project.phase == Phase.GO_LIVE
    assert "is live as of" in response.content.decode()
    assert "hypercare runs until" in response.content.decode()


def test_refusals(client_as, ready_project, other_pm, support, sales_rep):
    step = CutoverStep.objects.create(project=ready_project, title="Switch DNS", order=1)
    # Another PM and support read the page but change nothing; the account's rep sees no page.
    assert client_as(other_pm).get(readiness_url(ready_project)).status_code == 200
    assert "Add a step" not in client_as(support).get(readiness_url(ready_project)).content.decode()
    for user in (other_pm, support):
        client = client_as(user)
        assert client.post(reverse("golive:go_live", args=[ready_project.pk])).status_code == 403
        assert (
            client.post(reverse("golive:step_state", args=[step.pk]), {"state": "done"}).status_code
            == 403
        )
        assert client.get(reverse("golive:step_edit", args=[step.pk])).status_code == 403
    assert client_as(sales_rep).get(readiness_url(ready_project)).status_code == 404
    assert client_as(sales_rep).get(reverse("golive:incoming")).status_code == 403
    step.refresh_from_db()
    ready_project.refresh_from_db()
    assert step.state == "open" and ready_project.phase == Phase.TESTING


def test_support_sees_the_incoming_handoffs(client_as, support, pm, django_assert_max_num_queries):
    waiting = []
    for _ in range(3):
        report = HandoffReportFactory(project=ProjectFactory(phase=Phase.GO_LIVE, pm=pm))
        handoff_report_send(report=report, user=pm)
        waiting.append(report)
    HandoffReportFactory(status=HandoffReport.Status.ACCEPTED)
    client = client_as(support)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("golive:incoming"))
    html = response.content.decode()
    for report in waiting:
        assert report.project.client.name in html
    assert "Incoming handoffs</a>" in html  # in the navigation, for support


def test_the_form_pages_make_few_queries(
    client_as, ready_project, support, django_assert_max_num_queries
):
    for _ in range(5):
        ProjectMembershipFactory(project=ready_project)
    step = CutoverStep.objects.create(project=ready_project, title="Switch DNS", order=1)
    HandoffReportFactory(project=ready_project)
    pm = client_as(ready_project.pm)
    for url in (
        reverse("golive:step_create", args=[ready_project.pk]),
        reverse("golive:step_edit", args=[step.pk]),
    ):
        with django_assert_max_num_queries(12):
            assert pm.get(url).status_code == 200
    desk = client_as(support)
    with django_assert_max_num_queries(12):
        page = desk.get(reverse("golive:handoff_message", args=[ready_project.pk]))
    assert page.status_code == 200 and "Ask the project team" in page.content.decode()
