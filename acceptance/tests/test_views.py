import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from acceptance import services
from acceptance.models import TestCase, TestRun
from acceptance.tests.factories import TestCaseFactory
from clients.models import Product
from golive.handoff import handoff_facts
from projects import services as project_services
from projects.models import Issue

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_testing_page_shows_progress_by_product_and_tester_in_numbers(
    client_as, pm, uat_project, dana
):
    payroll = Product.objects.get(name="Payroll")
    a = TestCaseFactory(project=uat_project, title="Pay run", product=payroll, tester_contact=dana)
    TestCaseFactory(project=uat_project, title="Clock in", tester_user=pm, is_critical=True)
    services.run_case_as_user(a, pm, passed=False, severity=Issue.Severity.HIGH)

    page = text(client_as(pm).get(reverse("acceptance:testing", args=[uat_project.pk])))

    assert "All test cases 0 passed · 1 failed · 1 not run" in page
    assert "Payroll 0 passed · 1 failed · 0 not run" in page
    assert "No product 0 passed · 0 failed · 1 not run" in page
    assert "Dana Ortiz (client) 0 passed · 1 failed · 0 not run" in page
    assert "Defect: Pay run (high, open)" in page
    assert "Not yet: 1 critical test case has not been run." in page


def test_a_pm_adds_a_case_with_a_client_tester(client_as, pm, uat_project, dana):
    response = client_as(pm).post(
        reverse("acceptance:case_create", args=[uat_project.pk]),
        {
            "title": "Bank file accepted",
            "steps": "Send the file.",
            "expected_result": "Accepted.",
            "product": Product.objects.get(name="Payroll").pk,
            "tester": f"c{dana.pk}",
            "is_critical": "on",
        },
        follow=True,
    )
    case = TestCase.objects.get(title="Bank file accepted")
    assert case.tester_contact == dana and case.is_critical
    assert "Test case “Bank file accepted” added." in text(response)


def test_a_tester_from_another_client_is_not_offered(client_as, pm, uat_project):
    from clients.tests.factories import ContactFactory

    stranger = ContactFactory(name="Someone Else")
    response = client_as(pm).post(
        reverse("acceptance:case_create", args=[uat_project.pk]),
        {"title": "X", "steps": "Y", "expected_result": "Z", "tester": f"c{stranger.pk}"},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in text(response)
    assert not TestCase.objects.exists()


def test_a_failed_run_raises_a_defect_and_the_retest_shows_its_link(client_as, pm, uat_project):
    case = TestCaseFactory(project=uat_project, title="Overtime")
    browser = client_as(pm)
    url = reverse("acceptance:run_create", args=[case.pk])

    response = browser.post(
        url, {"outcome": "fail", "notes": "Paid at 1.0x.", "severity": "critical"}, follow=True
    )
    defect = Issue.objects.get()
    assert defect.severity == Issue.Severity.CRITICAL
    assert "recorded: failed; defect “Defect: Overtime” is linked to it." in text(response)

    project_services.issue_set_status(issue=defect, user=pm, status=Issue.Status.RESOLVED)
    browser.post(url, {"outcome": "pass", "notes": "Fixed.", "severity": "medium"})
    page = text(browser.get(url))
    assert page.count("defect Defect: Overtime (resolved)") == 2
    assert TestRun.objects.filter(case=case).count() == 2


def test_a_refused_attachment_records_no_run(client_as, pm, uat_project, settings):
    settings.GOLIVE_TEST_ATTACHMENTS = {"MAX_BYTES": 1000, "EXTENSIONS": ["png"]}
    case = TestCaseFactory(project=uat_project)
    response = client_as(pm).post(
        reverse("acceptance:run_create", args=[case.pk]),
        {
            "outcome": "pass",
            "severity": "medium",
            "attachment": SimpleUploadedFile("run.html", b"<script>"),
        },
    )
    assert response.status_code == 200
    assert "Attach a file of one of these types: png." in text(response)
    assert not TestRun.objects.exists()


def test_an_attachment_downloads_for_readers_only(client_as, pm, support, sales_rep, uat_project):
    case = TestCaseFactory(project=uat_project)
    run = services.run_case_as_user(
        case, pm, passed=True, attachment=SimpleUploadedFile("proof.png", b"\x89PNG")
    )
    url = reverse("acceptance:run_attachment", args=[run.pk])
    response = client_as(support).get(url)
    assert response.status_code == 200
    assert response.content == b"\x89PNG"
    assert response["Content-Disposition"].startswith("attachment;")
    uat_project.client.sales_rep = sales_rep
    uat_project.client.save()
    assert client_as(sales_rep).get(url).status_code == 404


def test_support_reads_the_testing_page_but_records_nothing(client_as, support, uat_project):
    case = TestCaseFactory(project=uat_project)
    browser = client_as(support)
    page = browser.get(reverse("acceptance:testing", args=[uat_project.pk]))
    assert page.status_code == 200
    assert reverse("acceptance:run_create", args=[case.pk]) not in page.content.decode()
    assert browser.post(reverse("acceptance:run_create", args=[case.pk])).status_code == 403
    assert browser.get(reverse("acceptance:case_create", args=[uat_project.pk])).status_code == 403


def test_the_pm_exception_shows_on_the_testing_page_and_in_the_handoff(
    client_as, pm, uat_project, dana
):
    project_services.project_record_uat_signoff(
        project=uat_project, user=pm, contact=dana, reason="Dana approved by phone."
    )
    page = text(client_as(pm).get(reverse("acceptance:testing", args=[uat_project.pk])))
    assert "Recorded by the PM as an exception Dana approved by phone." in page
    facts = handoff_facts(uat_project)
    assert facts["tests"]["uat_exception_reason"] == "Dana approved by phone."


def test_the_sign_off_page_tells_the_pm_what_testing_has_open(client_as, pm, uat_project):
    TestCaseFactory(project=uat_project, is_critical=True)
    response = client_as(pm).get(
        reverse("projects:uat_signoff", args=[uat_project.pk]), follow=True
    )
    assert "1 critical test case has not been run." in text(response)


@pytest.mark.parametrize(
    "url_name", ["acceptance:testing", "acceptance:case_create", "acceptance:run_create"]
)
def test_pages_make_a_fixed_number_of_queries(
    url_name,
    client_as,
    pm,
    uat_project,
    dana,
    django_assert_max_num_queries,
    django_assert_num_queries,
):
    payroll = Product.objects.get(name="Payroll")

    def add(n):
        for i in range(n):
            case = TestCaseFactory(project=uat_project, product=payroll, tester_contact=dana)
            TestCaseFactory(project=uat_project, tester_user=pm, is_critical=True)
            services.run_case_as_user(case, pm, passed=bool(i % 2))
            services.run_case_as_user(case, pm, passed=False)

    add(1)
    first_case = TestCase.objects.order_by("pk").first()
    arg = first_case.pk if url_name == "acceptance:run_create" else uat_project.pk
    url = reverse(url_name, args=[arg])
    browser = client_as(pm)
    browser.get(url)
    with django_assert_max_num_queries(12) as small:
        assert browser.get(url).status_code == 200
    add(6)
    with django_assert_num_queries(len(small.captured_queries)):
        browser.get(url)


def test_the_project_page_of_a_project_in_testing_stays_within_its_queries(
    client_as, pm, uat_project, django_assert_max_num_queries
):
    TestCaseFactory(project=uat_project, is_critical=True)
    browser = client_as(pm)
    browser.get(uat_project.get_absolute_url())
    with django_assert_max_num_queries(12):
        assert browser.get(uat_project.get_absolute_url()).status_code == 200
