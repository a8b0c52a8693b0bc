"""The PM asks a client contact for the UAT sign-off; the contact gives it in the portal,
refused with the reason while testing has critical work open."""

import pytest
from django.test import Client as Browser
from django.urls import reverse

from acceptance.services import case_create, run_case_as_contact
from clients.tests.factories import ContactFactory
from outbox.models import OutgoingEmail
from portal.models import PortalLink, SignOffRequest
from portal.tests.helpers import link_path, sign_in
from projects.models import ImplementationProject, Issue, Phase
from projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(pm):
    return ProjectFactory(pm=pm, name="Payroll for Acme", phase=Phase.TESTING)


@pytest.fixture
def contact(project):
    return ContactFactory(client=project.client, name="Dana Client")


@pytest.fixture
def critical_case(project, pm, contact):
    return _critical(project, pm, contact)


def _critical(project, pm, contact):
    return case_create(
        project=project,
        user=pm,
        data={
            "title": "Run a payroll",
            "steps": "Run",
            "expected_result": "Payslips",
            "is_critical": True,
        },
        tester_contact=contact,
    )


def _ask(pm, project, contact):
    staff = Browser()
    staff.force_login(pm)
    response = staff.post(
        reverse("portal_staff:signoff_request", args=[project.pk]),
        {"milestone": "", "contact": contact.pk},
        follow=True,
    )
    return staff, response


def _token(contact) -> str:
    body = OutgoingEmail.objects.filter(to_email=contact.email).latest("pk").body_text
    return body.split("/portal/in/")[1].split("/")[0]


def test_the_pm_asks_and_the_contact_signs_off_uat_once_the_critical_case_passes(
    client, project, contact, pm, critical_case
):
    staff, response = _ask(pm, project, contact)
    assert "is asked to sign off UAT" in response.content.decode()
    request = SignOffRequest.objects.get()
    assert request.is_uat and request.project == project
    assert PortalLink.objects.get(purpose=PortalLink.Purpose.UAT_SIGN_OFF).contact == contact

    opened = client.post(link_path(_token(contact)))
    url = reverse("portal:uat_signoff", args=[project.pk])
    assert opened.headers["Location"] == url
    project_page = client.get(reverse("portal:project", args=[project.pk])).content.decode()
    assert "Sign off UAT" in project_page

    # The critical case has not been run: the page says why, and a post changes nothing.
    page = client.get(url).content.decode()
    assert "UAT cannot be signed off yet" in page and "not been run" in page
    assert "0 of 1 test case passed" in page
    refused = client.post(url, {"confirm": "on"})
    assert refused.status_code == 200 and "not been run" in refused.content.decode()
    project.refresh_from_db()
    assert project.uat_signed_off_at is None

    run_case_as_contact(critical_case, contact, passed=False, severity="critical")
    page = client.get(url).content.decode()
    assert "has failed its latest run" in page and "critical defect is still open" in page

    run_case_as_contact(critical_case, contact, passed=True)
    Issue.objects.filter(project=project).update(status=Issue.Status.RESOLVED)
    page = client.get(url).content.decode()
    assert "1 of 1 test case passed" in page and "cannot be signed off" not in page
    assert client.post(url, {}).status_code == 200  # unconfirmed
    response = client.post(url, {"confirm": "on"}, follow=True)
    assert "user acceptance testing is signed off" in response.content.decode()
    project.refresh_from_db()
    assert project.uat_signed_off_by == contact and project.uat_signed_off_at
    assert project.uat_signoff_recorded_by is None
    request.refresh_from_db()
    assert request.signed_at == project.uat_signed_off_at
    assert OutgoingEmail.objects.filter(to_email=pm.email, subject__contains="signed off UAT")
    # Signed: nothing waits any more, and the staff page shows it answered.
    assert (
        "Sign off UAT"
        not in client.get(reverse("portal:project", args=[project.pk])).content.decode()
    )
    team_page = staff.get(reverse("portal_staff:project", args=[project.pk])).content.decode()
    assert "UAT: asked of Dana Client" in team_page and "signed" in team_page


def test_uat_cannot_be_asked_before_testing_or_twice(client, project, contact, pm):
    ImplementationProject.objects.filter(pk=project.pk).update(phase=Phase.CONFIGURATION)
    _, response = _ask(pm, project, contact)
    assert not SignOffRequest.objects.exists()
    ImplementationProject.objects.filter(pk=project.pk).update(phase=Phase.TESTING)
    _ask(pm, project, contact)
    _, response = _ask(pm, project, contact)
    assert "has been asked already" in response.content.decode()
    assert SignOffRequest.objects.count() == 1


def test_the_uat_page_is_only_for_the_contact_asked(client, project, contact, pm, critical_case):
    _ask(pm, project, contact)
    colleague = ContactFactory(client=project.client)
    sign_in(client, colleague, project, user=pm)
    url = reverse("portal:uat_signoff", args=[project.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"confirm": "on"}).status_code == 404
    other = ProjectFactory(pm=pm, phase=Phase.TESTING)
    assert client.get(reverse("portal:uat_signoff", args=[other.pk])).status_code == 404


def test_the_uat_page_reads_a_fixed_number_of_times(
    client, project, contact, pm, critical_case, django_assert_num_queries
):
    _ask(pm, project, contact)
    sign_in(client, contact, project, user=pm)
    url = reverse("portal:uat_signoff", args=[project.pk])
    # Session, portal session, project, the request, testing's counts and its progress.
    with django_assert_num_queries(6):
        assert client.get(url).status_code == 200
