"""`seed_demo` prints a sign-in link for one demo client contact beside the demo logins."""

import re
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils.html import escape

from clients.models import Contact
from portal.models import PortalAccess

pytestmark = pytest.mark.django_db

PORTAL_LINE = re.compile(
    r"Client portal: (?P<name>.+?) of (?P<client>.+) signs in once with\n  (?P<url>\S+)"
)


def test_the_link_seed_demo_prints_opens_the_portal_for_that_contact(client, settings):
    # The demo users' passwords are hashed when seeded; the default hasher is slow by design.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SITE_URL = "https://golive.example"
    out = StringIO()
    call_command("seed_demo", stdout=out)
    printed = out.getvalue()

    found = PORTAL_LINE.search(printed)
    assert found, printed
    assert printed.index("Demo logins") < found.start()
    url = found["url"]
    assert url.startswith("https://golive.example/portal/in/")
    contact = Contact.objects.get(name=found["name"], client__name=found["client"])
    (access,) = PortalAccess.objects.active().filter(contact=contact).select_related("project")

    path = urlsplit(url).path
    assert escape(contact.name) in client.get(path).content.decode()
    response = client.post(path)
    assert response.status_code == 302
    assert response["Location"] == f"/portal/projects/{access.project_id}/"
    page = client.get(response["Location"]).content.decode()
    assert escape(access.project.name) in page
    own = contact.owned_tasks.filter(project=access.project, visible_to_client=True).first()
    assert own is not None and escape(own.title) in page
    # A link opens once: signed out, the same link signs nobody in again.
    client.post(reverse("portal:sign_out"))
    assert client.post(path).status_code == 200
    assert client.get(reverse("portal:home")).status_code == 302
