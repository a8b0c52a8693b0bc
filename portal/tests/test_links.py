"""Sign-in links: personal, single use, expiring, revocable; a refused one tells nothing."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.tests.factories import ContactFactory
from outbox.models import OutgoingEmail
from portal import services
from portal.models import PortalLink, PortalSession
from portal.tests.helpers import link_path, sign_in
from projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

REFUSED = "This link cannot be used"


@pytest.fixture
def project(pm):
    return ProjectFactory(pm=pm, name="Payroll for Acme")


@pytest.fixture
def contact(project):
    return ContactFactory(client=project.client, name="Dana Client")


def invite(contact, project, pm) -> str:
    """The token of the link in the invitation email, as the contact receives it."""
    services.portal_invite_send(contact=contact, project=project, user=pm)
    email = OutgoingEmail.objects.get(to_email=contact.email)
    return email.body_text.split("/portal/in/")[1].split("/")[0]


def assert_refused(response) -> None:
    text = response.content.decode()
    assert response.status_code == 200
    assert REFUSED in text
    assert "Payroll for Acme" not in text and "Dana Client" not in text
    assert "portal" not in response.client.session


def test_the_emailed_link_signs_the_contact_in_once_after_one_click(client, contact, project, pm):
    token = invite(contact, project, pm)
    page = client.get(link_path(token))
    assert "Hello Dana Client" in page.content.decode()
    # Opening the page (as a mail scanner would) uses nothing up.
    assert PortalLink.objects.get().used_at is None
    response = client.post(link_path(token))
    assert response.headers["Location"] == reverse("portal:project", args=[project.pk])
    assert "Payroll for Acme" in client.get(response.headers["Location"]).content.decode()
    other = client.__class__()
    assert_refused(other.post(link_path(token)))
    assert_refused(other.get(link_path(token)))


def test_a_tampered_link_is_refused(client, contact, project, pm):
    token = invite(contact, project, pm)
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert_refused(client.get(link_path(tampered)))
    assert_refused(client.post(link_path(tampered)))
    assert_refused(client.post(link_path("short")))
    assert PortalSession.objects.count() == 0


def test_an_expired_link_is_refused(client, contact, project, pm, settings):
    token = invite(contact, project, pm)
    PortalLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert_refused(client.post(link_path(token)))


def test_a_link_expires_after_the_hours_the_settings_give(contact, project, pm, settings):
    settings.GOLIVE_PORTAL = {**settings.GOLIVE_PORTAL, "LINK_HOURS": 5}
    link, _ = services.portal_link_create(contact=contact, project=project, user=pm)
    assert link.expires_at - link.created_at == timedelta(hours=5)


def test_a_revoked_access_refuses_unused_links_and_ends_open_sessions(client, contact, project, pm):
    sign_in(client, contact, project, user=pm)
    unused = invite(contact, project, pm)
    assert client.get(reverse("portal:project", args=[project.pk])).status_code == 200

    services.portal_access_revoke(contact=contact, project=project, user=pm)

    response = client.get(reverse("portal:project", args=[project.pk]))
    assert response.headers["Location"] == reverse("portal:signed_out")
    assert_refused(client.__class__().post(link_path(unused)))


def test_the_pm_revokes_access_from_the_project_portal_page(client, contact, project, pm):
    visitor = client.__class__()
    sign_in(visitor, contact, project, user=pm)
    client.force_login(pm)
    page = client.get(reverse("portal_staff:project", args=[project.pk])).content.decode()
    assert "Dana Client" in page and "Revoke" in page
    client.post(reverse("portal_staff:revoke", args=[project.pk]), {"contact": contact.pk})
    assert (
        "Revoked" in client.get(reverse("portal_staff:project", args=[project.pk])).content.decode()
    )
    assert visitor.get(reverse("portal:home")).status_code == 302


def test_a_session_ends_after_the_hours_the_settings_give(client, contact, project, pm, settings):
    sign_in(client, contact, project, user=pm)
    PortalSession.objects.update(started_at=timezone.now() - timedelta(hours=13))
    settings.GOLIVE_PORTAL = {**settings.GOLIVE_PORTAL, "SESSION_HOURS": 12}
    assert client.get(reverse("portal:home")).headers["Location"] == reverse("portal:signed_out")


def test_signing_out_ends_the_session(client, contact, project, pm):
    sign_in(client, contact, project, user=pm)
    client.post(reverse("portal:sign_out"))
    assert PortalSession.objects.get().ended_at is not None
    assert client.get(reverse("portal:home")).status_code == 302


def test_a_forged_session_value_signs_nobody_in(client, contact, project, pm):
    sign_in(client, contact, project, user=pm)
    session = client.session
    session["portal"] = session["portal"][:-2] + "xx"
    session.save()
    assert client.get(reverse("portal:home")).headers["Location"] == reverse("portal:signed_out")


def test_opening_a_link_in_a_staff_browser_logs_the_staff_member_out(client, contact, project, pm):
    client.force_login(pm)
    sign_in(client, contact, project, user=pm)
    assert client.get(reverse("projects:list")).headers["Location"].startswith(reverse("login"))
    assert client.get(reverse("portal:home")).status_code == 302  # to the one project


def test_a_staff_login_ends_the_portal_visit_in_that_browser(client, contact, project, pm):
    sign_in(client, contact, project, user=pm)
    client.force_login(pm)
    assert client.get(reverse("portal:home")).status_code == 403
    client.logout()
    assert client.get(reverse("portal:home")).headers["Location"] == reverse("portal:signed_out")


def test_a_link_to_a_contact_of_another_client_cannot_be_made(contact, pm):
    stranger = ContactFactory()
    with pytest.raises(Exception, match="contact of this project's client"):
        services.portal_invite_send(
            contact=stranger, project=contact.client.projects.get(), user=pm
        )
