"""A client tester runs the cases given to them in the portal; the team sees the outcome."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from acceptance.models import TestCase, TestRun
from acceptance.services import case_create
from clients.tests.factories import ContactFactory
from portal.tests.helpers import sign_in
from projects.models import Issue
from projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(pm):
    return ProjectFactory(pm=pm, name="Payroll for Acme")


@pytest.fixture
def contact(project):
    return ContactFactory(client=project.client, name="Dana Client")


def _case(project, pm, contact, title="Run a payroll", **data) -> TestCase:
    return case_create(
        project=project,
        user=pm,
        data={
            "title": title,
            "steps": "Open payroll\nPress Run",
            "expected_result": "Payslips for every employee",
            **data,
        },
        tester_contact=contact,
    )


def test_the_contact_sees_their_cases_and_runs_one_that_passes(client, project, contact, pm):
    mine = _case(project, pm, contact, is_critical=True)
    _case(project, pm, None, title="Someone else's case")
    sign_in(client, contact, project, user=pm)
    page = client.get(reverse("portal:project", args=[project.pk])).content.decode()
    assert "Test cases to run" in page and "Run a payroll" in page
    assert "Someone else&#x27;s case" not in page and "Someone else's case" not in page
    assert "Run the test" in page  # waiting for them

    url = reverse("portal:case", args=[mine.pk])
    case_page = client.get(url).content.decode()
    assert "Payslips for every employee" in case_page and "Press Run" in case_page
    response = client.post(
        url, {"outcome": "pass", "notes": "All fine", "severity": "medium"}, follow=True
    )
    assert "your result was sent to the team" in response.content.decode()
    run = TestRun.objects.get(case=mine)
    assert run.passed and run.run_by_contact == contact and run.notes == "All fine"
    page = client.get(reverse("portal:project", args=[project.pk])).content.decode()
    assert "Run the test" not in page and "Passed" in page


def test_a_failure_raises_a_defect_the_client_sees_only_as_raised(client, project, contact, pm):
    case = _case(project, pm, contact)
    sign_in(client, contact, project, user=pm)
    url = reverse("portal:case", args=[case.pk])
    response = client.post(
        url,
        {
            "outcome": "fail",
            "notes": "No payslip for Bob",
            "severity": "critical",
            "attachment": SimpleUploadedFile("shot.png", b"\x89PNG..."),
        },
        follow=True,
    )
    page = response.content.decode()
    defect = Issue.objects.get(project=project)
    assert defect.severity == Issue.Severity.CRITICAL
    assert "a defect was raised" in page and "the team is fixing it" in page
    assert defect.title not in page  # the team's own issue text stays with the team
    run = TestRun.objects.get(case=case)
    assert not run.passed and run.defect == defect and run.attachment


def test_a_refused_attachment_stores_nothing_and_says_why(client, project, contact, pm):
    case = _case(project, pm, contact)
    sign_in(client, contact, project, user=pm)
    response = client.post(
        reverse("portal:case", args=[case.pk]),
        {
            "outcome": "fail",
            "severity": "high",
            "attachment": SimpleUploadedFile("tool.exe", b"MZ"),
        },
    )
    assert response.status_code == 200
    assert "Attach a file of one of these types" in response.content.decode()
    assert not TestRun.objects.exists() and not Issue.objects.exists()


def test_a_case_of_another_tester_or_client_is_not_found(client, project, contact, pm):
    colleague = ContactFactory(client=project.client)
    theirs = _case(project, pm, colleague)
    staffs = _case(project, pm, None)
    other = ProjectFactory(pm=pm)
    foreign = _case(other, pm, ContactFactory(client=other.client))
    sign_in(client, contact, project, user=pm)
    for case in (theirs, staffs, foreign):
        url = reverse("portal:case", args=[case.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"outcome": "pass", "severity": "low"}).status_code == 404
    assert not TestRun.objects.exists()


def test_the_case_page_reads_a_fixed_number_of_times(
    client, project, contact, pm, django_assert_num_queries
):
    case = _case(project, pm, contact)
    for n in range(5):
        _case(project, pm, contact, title=f"Case {n}")
    sign_in(client, contact, project, user=pm)
    client.post(reverse("portal:case", args=[case.pk]), {"outcome": "fail", "severity": "low"})
    # Session, portal session, the case with its latest run and defect.
    with django_assert_num_queries(3):
        assert client.get(reverse("portal:case", args=[case.pk])).status_code == 200
