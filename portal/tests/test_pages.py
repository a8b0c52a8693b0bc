"""The portal's pages as the client contact sees them: valid HTML, no form inside another,
and no hostile value in a field or an address breaks one.

The shared walks (onboarding/tests) visit every page as each staff role, which the portal
refuses; these visit the portal's pages as the security walk's client contact.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from onboarding.tests import test_html_valid as html
from onboarding.tests import test_no_nested_forms as nesting
from onboarding.tests import test_security as walk

world = walk.world
browsers = walk.browsers
_fast_hashing = walk._fast_hashing


def portal_pages(world) -> list[str]:
    task = world.project.tasks.filter(visible_to_client=True).order_by("pk").first()
    pages = [
        reverse("portal:home"),
        reverse("portal:project", args=[world.project.pk]),
        reverse("portal:signoff", args=[world.signoff_request.pk]),
        reverse("portal:survey", args=[world.survey.pk]),
        reverse("portal:signed_out"),
        reverse("portal:link", args=["no-such-portal-link-token-0000"]),
    ]
    if task is not None:
        pages.append(reverse("portal:task", args=[task.pk]))
    return pages


@pytest.fixture
def own_task(world, db):
    """A task of the contact's, with a file sent, so the upload form and the list show."""
    from portal import services
    from projects.models import Task

    task = Task.objects.create(
        project=world.project,
        title="Send the <b>census</b>",
        description='Line one\n<script>alert("x")</script>',
        visible_to_client=True,
        owner_contact=world.contact,
    )
    services.portal_upload_add(
        task=task,
        contact=world.contact,
        uploaded=SimpleUploadedFile('"><img src=x>.csv', b"a,b\n"),
    )
    return task


@pytest.fixture
def own_case(world, db):
    """A test case given to the contact, failed once, so its outcome and defect line show."""
    from acceptance.models import TestCase
    from acceptance.services import run_case_as_contact

    case = TestCase.objects.create(
        project=world.project,
        title="Pay <b>Bob</b>",
        steps='Open payroll\n<script>alert("x")</script>',
        expected_result="<img src=x>",
        is_critical=True,
        tester_contact=world.contact,
    )
    run_case_as_contact(case, world.contact, False, "<img src=x>", severity="high")
    return case


@pytest.fixture
def uat_asked(world, db):
    """The contact is asked for the UAT sign-off while the project is back in Testing."""
    from portal.models import SignOffRequest
    from projects.models import ImplementationProject, Phase

    ImplementationProject.objects.filter(pk=world.project.pk).update(
        phase=Phase.TESTING, uat_signed_off_at=None, uat_signed_off_by=None
    )
    SignOffRequest.objects.create(project=world.project, contact=world.contact)
    return reverse("portal:uat_signoff", args=[world.project.pk])


def test_every_portal_page_is_valid_html_with_no_nested_form(
    world, browsers, own_task, own_case, uat_asked, db, tmp_path
):
    browser = browsers["portal"]
    pages = [
        *portal_pages(world),
        uat_asked,
        reverse("portal:task", args=[own_task.pk]),
        reverse("portal:case", args=[own_case.pk]),
    ]
    for index, url in enumerate(pages):
        response = browser.get(url, follow=True)
        assert response.status_code == 200, url
        content = response.content.decode()
        assert "<script>alert" not in content and "<img src=x>" not in content, url
        assert not nesting.nested_forms(content), url
        (tmp_path / f"portal-{index}.html").write_bytes(response.content)
    # A form page as it comes back with its errors.
    refused = browser.post(reverse("portal:task", args=[own_task.pk]), {})
    (tmp_path / "portal-task-errors.html").write_bytes(refused.content)
    refused = browser.post(reverse("portal:case", args=[own_case.pk]), {})
    (tmp_path / "portal-case-errors.html").write_bytes(refused.content)
    errors = html.checker_errors(tmp_path)
    assert not errors, f"{len(errors)} HTML errors:\n{html.summary(errors)}"


HOSTILE = ["²", "١٢", "0", "-1", "99999999999999999999999", "%00", "<script>", "a\nb"]


@pytest.mark.parametrize("value", HOSTILE)
def test_no_hostile_value_in_a_portal_form_or_address_is_a_server_error(
    value, world, browsers, own_task, own_case, uat_asked, db
):
    browser = browsers["portal"]
    for url in (
        f"/portal/projects/{value}/",
        f"/portal/tasks/{value}/",
        f"/portal/in/{value}/",
        f"/portal/surveys/{value}/",
        f"/portal/test-cases/{value}/",
        f"/portal/projects/{value}/uat-sign-off/",
    ):
        assert walk.visit(browser, "GET", url).status_code in (200, 302, 404), url
    for data in (
        {"csat": value, "nps": value, "comment": value},
        {"confirm": value},
    ):
        for url in (
            reverse("portal:survey", args=[world.survey.pk]),
            reverse("portal:signoff", args=[world.signoff_request.pk]),
            uat_asked,
        ):
            response = walk.visit(browser, "POST", url, data)
            assert response.status_code in (200, 302), (url, data)
    response = walk.visit(
        browser,
        "POST",
        reverse("portal:case", args=[own_case.pk]),
        {"outcome": value, "severity": value, "notes": value, "submission_key": value},
    )
    assert response.status_code in (200, 302)
    response = walk.visit(
        browser,
        "POST",
        reverse("portal:task", args=[own_task.pk]),
        {"file": SimpleUploadedFile(value.replace("\n", "") or "x", b"x"), "submission_key": value},
    )
    assert response.status_code == 200
