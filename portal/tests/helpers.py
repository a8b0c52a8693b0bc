"""Signing a contact in the way they do it: by opening a personal link and clicking once."""

from django.urls import reverse

from portal import services


def link_path(token: str) -> str:
    return reverse("portal:link", args=[token])


def sign_in(browser, contact, project, *, user=None):
    """Give the contact access to the project and open a fresh link in `browser`."""
    services.portal_access_grant(contact=contact, project=project, user=user)
    _, token = services.portal_link_create(contact=contact, project=project, user=user)
    response = browser.post(link_path(token))
    assert response.status_code == 302, response.content[:300]
    return response
