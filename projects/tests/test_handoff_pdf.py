"""The handoff report's PDF: exactly what support received once sent, a draft before."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from clients.tests.factories import ClientFactory
from projects.models import HandoffReport, Phase
from projects.tests.factories import HandoffReportFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def project(pm, sales_rep):
    return ProjectFactory(
        name="Acme payroll onboarding",
        pm=pm,
        phase=Phase.GO_LIVE,
        client=ClientFactory(name="Acme Corp", sales_rep=sales_rep),
    )


def pdf_url(project) -> str:
    return reverse("projects:handoff_report_pdf", args=[project.pk])


def test_the_sent_report_is_stored_and_its_pdf_and_page_stay_as_sent(client_as, pm, project):
    report = HandoffReportFactory(project=project, training="Payroll admins trained on 3 May.")
    client_as(pm).post(reverse("projects:handoff_report_send", args=[project.pk]))
    report.refresh_from_db()
    assert report.status == HandoffReport.Status.SENT
    assert "Payroll admins trained on 3 May." in report.sent_html
    stored = bytes(report.sent_pdf)
    assert stored.startswith(b"%PDF-")
    assert "Acme Corp" in pdf_text(stored) and "Payroll admins trained" in pdf_text(stored)
    # The project changes after sending: support's copy does not.
    project.client.name = "Acme Renamed"
    project.client.save()
    HandoffReport.objects.filter(pk=report.pk).update(training="Rewritten later.")
    response = client_as(pm).get(pdf_url(project))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content == stored
    page = client_as(pm).get(reverse("projects:handoff_report", args=[project.pk]))
    html = page.content.decode()
    # What support received leads the page; the project as it is now is folded beneath it.
    received = html[html.index('id="sent-snapshot"') : html.index("The project as it is now")]
    assert "Payroll admins trained on 3 May." in received and "Rewritten later." not in received


def test_before_it_is_sent_the_pdf_is_a_draft_of_the_report_as_it_stands(client_as, pm, project):
    HandoffReportFactory(project=project, training="Half the admins trained.")
    response = client_as(pm).get(pdf_url(project))
    assert response.status_code == 200
    assert "draft" in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert "Acme Corp" in text and "Half the admins trained." in text


@pytest.mark.parametrize(
    "who, expected",
    [
        ("pm", 200),
        ("other_pm", 200),
        ("manager", 200),
        ("support", 200),
        ("sales_rep", 200),
        ("other_sales_rep", 404),
    ],
)
def test_who_may_download_the_handoff_pdf(client_as, request, project, who, expected):
    HandoffReportFactory(project=project)
    assert client_as(request.getfixturevalue(who)).get(pdf_url(project)).status_code == expected


def test_a_sales_rep_gets_no_pdf_where_no_report_was_written(client_as, sales_rep, project):
    assert client_as(sales_rep).get(pdf_url(project)).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, project):
    response = client.get(pdf_url(project))
    assert response.status_code == 302 and reverse("login") in response.url
