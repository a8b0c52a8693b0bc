"""A contact's documents in the portal: the client version of each status report sent to them."""

import io
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from clients.tests.factories import ContactFactory
from portal import services
from portal.tests.helpers import sign_in
from projects.tests.factories import ProjectFactory, RiskFactory
from reports import services as reports
from reports.models import Audience, ReportDocument

pytestmark = pytest.mark.django_db

INTERNAL = "INTERNAL-ONLY-5R"


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def project(pm):
    project = ProjectFactory(pm=pm, name="Payroll for Acme", client__name="Acme Holdings")
    RiskFactory(project=project, title=f"{INTERNAL} risk", probability=5, impact=5)
    return project


@pytest.fixture
def contact(project):
    return ContactFactory(client=project.client, name="Dana Client", email="dana@acme.example")


def send_report(project, pm, contacts, *, days_ago: int = 0):
    """A status report sent by the PM, its client version to `contacts`."""
    report, created = reports.report_send_now(
        project=project,
        user=pm,
        now=timezone.now() - timedelta(days=days_ago),
        client_contact_ids=[contact.pk for contact in contacts],
    )
    assert created
    return report


def test_a_contact_finds_the_reports_sent_to_them_newest_first_and_downloads_them(
    client, project, contact, pm
):
    older = send_report(project, pm, [contact], days_ago=7)
    newer = send_report(project, pm, [contact])
    colleague = ContactFactory(client=project.client, email="lee@acme.example")
    not_theirs = send_report(project, pm, [colleague], days_ago=3)
    sign_in(client, contact, project, user=pm)

    page = client.get(reverse("portal:project", args=[project.pk])).content.decode()
    links = [reverse("portal:report_pdf", args=[r.pk]) for r in (newer, older, not_theirs)]
    assert links[0] in page and links[1] in page and links[2] not in page
    assert page.index(links[0]) < page.index(links[1])

    response = client.get(links[1])
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    sent = older.documents.get(audience=Audience.CLIENT)
    assert response.content == bytes(ReportDocument.objects.get(pk=sent.pk).pdf)
    text = pdf_text(response.content)
    assert "Acme Holdings" in text and INTERNAL not in text
    # Asking for the internal version gets the client's, the only one the portal knows.
    assert client.get(links[1] + "?version=internal").content == response.content
    # A report whose client version went to someone else is not theirs to download.
    assert client.get(links[2]).status_code == 404


def test_a_report_is_not_found_by_a_contact_it_was_not_sent_to(project, contact, pm):
    report = send_report(project, pm, [contact])
    url = reverse("portal:report_pdf", args=[report.pk])
    colleague = ContactFactory(client=project.client)
    other_project = ProjectFactory(pm=pm)
    stranger = ContactFactory(client=other_project.client)
    for someone, their_project in ((colleague, project), (stranger, other_project)):
        browser = Browser()
        sign_in(browser, someone, their_project, user=pm)
        assert browser.get(url).status_code == 404
    # Nor by the contact it was sent to, once the PM revoked their access to the project.
    browser = Browser()
    sign_in(browser, contact, project, user=pm)
    assert browser.get(url).status_code == 200
    services.portal_access_revoke(contact=contact, project=project, user=pm)
    sign_in(browser, contact, ProjectFactory(pm=pm, client=project.client), user=pm)
    assert browser.get(url).status_code == 404


def test_the_project_page_reads_the_same_number_of_times_however_many_reports(
    client, project, contact, pm, settings
):
    settings.GOLIVE_PORTAL = {**settings.GOLIVE_PORTAL, "REPORTS_PER_PAGE": 3}
    send_report(project, pm, [contact], days_ago=20)
    sign_in(client, contact, project, user=pm)
    url = reverse("portal:project", args=[project.pk])
    client.get(url)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    with_one = queries()
    for day in range(1, 8):
        send_report(project, pm, [contact], days_ago=day)
    assert queries() == with_one
    # The newest three show; the older ones are a page further.
    page = client.get(url).content.decode()
    assert len(re.findall(r'href="/portal/reports/\d+/pdf/"', page)) == 3
    assert "Older" in page and "page=2" in page
    last = client.get(url + "?page=3").content.decode()
    assert len(re.findall(r'href="/portal/reports/\d+/pdf/"', last)) == 2
