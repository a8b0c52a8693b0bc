"""A portal visitor is nobody to the staff pages; the portal pages read a fixed number of times."""

from datetime import timedelta

import pytest
from django.test import Client as Browser
from django.urls import reverse
from django.utils import timezone

from acceptance.models import TestCase
from acceptance.services import run_case_as_contact
from clients.tests.factories import ContactFactory
from onboarding.tests import test_security as walk
from portal import services
from portal.models import Survey
from portal.tests.helpers import sign_in
from projects.tests.factories import MilestoneFactory, ProjectFactory, TaskFactory
from reports.services import report_send_now


@pytest.fixture(scope="module")
def portal_visitor(world, django_db_blocker):
    browser = Browser()
    with django_db_blocker.unblock():
        sign_in(browser, world.contact, world.project, user=world.project.pm)
    return browser


# The security walk's demo data, loaded once for this module.
world = walk.world
ACCESS, ROUTES = walk.ACCESS, walk.ROUTES

STAFF_ROUTES = sorted(name for name in ROUTES if not name.startswith("portal:"))


@pytest.mark.parametrize("name", STAFF_ROUTES)
def test_a_portal_visitor_gets_what_nobody_gets_on_every_staff_url(name, world, portal_visitor, db):
    route = ACCESS[name]
    url = walk.url_for(name, world)
    for method, expected in (("GET", route.get["anonymous"]), ("POST", route.post["anonymous"])):
        response = walk.visit(portal_visitor, method, url)
        walk.check_answer(response, expected, what=f"{method} {url} ({name}) as a portal visitor")


@pytest.fixture
def busy_portal(pm, client):
    """A project with many shared milestones, tasks, files, reports, a sign-off and a survey."""
    project = ProjectFactory(pm=pm)
    contact = ContactFactory(client=project.client)
    milestones = [MilestoneFactory(project=project, visible_to_client=True) for _ in range(4)]
    tasks = [
        TaskFactory(
            project=project,
            milestone=milestones[n % 4],
            visible_to_client=True,
            owner_contact=contact if n % 2 else None,
        )
        for n in range(12)
    ]
    from django.core.files.uploadedfile import SimpleUploadedFile

    for task in tasks[1:6:2]:
        services.portal_upload_add(
            task=task, contact=contact, uploaded=SimpleUploadedFile("a.csv", b"a,b\n")
        )
    done = MilestoneFactory(
        project=project, visible_to_client=True, completed_on=project.kickoff_date
    )
    request = services.signoff_request(milestone=done, contact=contact, user=pm)
    survey = services.send_survey(project, contact, Survey.Reason.GO_LIVE)
    cases = [
        TestCase.objects.create(
            project=project,
            title=f"Case {n}",
            steps="s",
            expected_result="e",
            tester_contact=contact,
        )
        for n in range(4)
    ]
    for case in cases[:2]:
        run_case_as_contact(case, contact, passed=False, severity="high")
    for days_ago in range(3):
        report_send_now(
            project=project,
            user=pm,
            now=timezone.now() - timedelta(days=days_ago),
            client_contact_ids=[contact.pk],
        )
    second = ProjectFactory(pm=pm, client=project.client)
    services.portal_access_grant(contact=contact, project=second, user=pm)
    sign_in(client, contact, project, user=pm)
    return {
        "home": reverse("portal:home"),
        "project": reverse("portal:project", args=[project.pk]),
        "task": reverse("portal:task", args=[tasks[1].pk]),
        "signoff": reverse("portal:signoff", args=[request.pk]),
        "survey": reverse("portal:survey", args=[survey.pk]),
        "case": reverse("portal:case", args=[cases[0].pk]),
        "team_page": reverse("portal_staff:project", args=[project.pk]),
    }


# Session, portal session, and what the page shows; pinned so that a row loop cannot grow.
QUERIES = {"home": 5, "project": 10, "task": 4, "signoff": 4, "survey": 3, "case": 3}


@pytest.mark.parametrize("page", sorted(QUERIES))
def test_each_portal_page_reads_a_fixed_number_of_times(
    page, busy_portal, client, django_assert_num_queries
):
    with django_assert_num_queries(QUERIES[page]):
        response = client.get(busy_portal[page])
    assert response.status_code == 200


def test_the_teams_client_portal_page_reads_a_fixed_number_of_times(
    busy_portal, pm, django_assert_num_queries
):
    staff = Browser()
    staff.force_login(pm)
    url = busy_portal["team_page"]
    staff.get(url)
    # Session, user, roles, project, accesses and their links, sign-offs, surveys, and the
    # choices of the two forms (contacts twice, milestones): at the 12 every page keeps to.
    with django_assert_num_queries(12):
        response = staff.get(url)
    assert response.status_code == 200
    assert "Revoke" in response.content.decode()
