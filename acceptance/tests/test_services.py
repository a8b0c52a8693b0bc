import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from acceptance import services
from acceptance.models import TestRun
from acceptance.tests.factories import TestCaseFactory
from clients.models import Product
from clients.tests.factories import ContactFactory, ProductFactory
from projects import services as project_services
from projects.models import Issue, Phase
from projects.services import GateNotMet, go_live_gate

pytestmark = pytest.mark.django_db


def test_a_failed_run_raises_a_linked_defect_of_the_chosen_severity(uat_project, pm):
    case = TestCaseFactory(project=uat_project, title="Overtime at 1.5x", is_critical=True)

    run = services.run_case_as_user(
        case, pm, passed=False, notes="Paid at 1.0x.", severity=Issue.Severity.CRITICAL
    )

    defect = run.defect
    assert defect.project == uat_project
    assert defect.title == "Defect: Overtime at 1.5x"
    assert defect.severity == Issue.Severity.CRITICAL
    assert defect.is_open
    assert "Paid at 1.0x." in defect.description
    case.refresh_from_db()
    assert case.latest_run == run


def test_the_retest_after_the_fix_is_a_new_run_linked_to_the_defect(uat_project, pm):
    case = TestCaseFactory(project=uat_project)
    failed = services.run_case_as_user(case, pm, passed=False, severity=Issue.Severity.HIGH)
    # Failing again while the defect is open adds to it; no second defect.
    again = services.run_case_as_user(case, pm, passed=False, severity=Issue.Severity.LOW)
    assert again.defect == failed.defect
    assert uat_project.issues.count() == 1

    project_services.issue_set_status(issue=failed.defect, user=pm, status=Issue.Status.RESOLVED)
    retest = services.run_case_as_user(case, pm, passed=True, notes="Fixed in build 42.")

    assert retest.pk not in (failed.pk, again.pk)
    assert retest.passed and retest.defect == failed.defect
    assert list(case.runs.all()) == [retest, again, failed]
    case.refresh_from_db()
    assert case.latest_run == retest


def test_a_failure_after_the_defect_was_resolved_raises_a_new_one(uat_project, pm):
    case = TestCaseFactory(project=uat_project)
    first = services.run_case_as_user(case, pm, passed=False)
    project_services.issue_set_status(issue=first.defect, user=pm, status=Issue.Status.CLOSED)
    second = services.run_case_as_user(case, pm, passed=False)
    assert second.defect != first.defect
    assert uat_project.issues.count() == 2


def test_sign_off_is_refused_while_a_critical_case_fails(uat_project, pm, dana):
    case = TestCaseFactory(project=uat_project, is_critical=True)
    TestCaseFactory(project=uat_project, is_critical=False)  # never run: does not hold it up

    assert not services.uat_signoff_allowed(uat_project)
    assert "1 critical test case has not been run." in services.uat_signoff_refusal(uat_project)

    services.run_case_as_user(case, pm, passed=False, severity=Issue.Severity.HIGH)
    with pytest.raises(ValidationError, match="1 critical test case has failed its latest run."):
        services.sign_off_uat_as_contact(uat_project, dana)
    uat_project.refresh_from_db()
    assert uat_project.uat_signed_off_at is None

    services.run_case_as_user(case, pm, passed=True)
    assert services.uat_signoff_allowed(uat_project)
    services.sign_off_uat_as_contact(uat_project, dana)
    uat_project.refresh_from_db()
    assert uat_project.uat_signed_off_by == dana
    assert uat_project.uat_signoff_recorded_by is None
    assert uat_project.uat_signoff_exception_reason == ""
    assert not services.uat_signoff_allowed(uat_project)  # already given


def test_sign_off_is_refused_while_a_critical_defect_is_open(uat_project, pm, dana):
    case = TestCaseFactory(project=uat_project, is_critical=False)
    failed = services.run_case_as_user(case, pm, passed=False, severity=Issue.Severity.CRITICAL)
    # The case passes on a retest, but nobody has closed its critical defect yet.
    services.run_case_as_user(case, pm, passed=True)

    with pytest.raises(ValidationError, match="1 critical defect is still open."):
        services.sign_off_uat_as_contact(uat_project, dana)

    project_services.issue_set_status(issue=failed.defect, user=pm, status=Issue.Status.RESOLVED)
    services.sign_off_uat_as_contact(uat_project, dana)
    uat_project.refresh_from_db()
    assert uat_project.uat_signed_off_at


def test_sign_off_by_a_contact_of_another_client_is_refused(uat_project):
    with pytest.raises(ValidationError):
        services.sign_off_uat_as_contact(uat_project, ContactFactory())
    uat_project.refresh_from_db()
    assert uat_project.uat_signed_off_at is None


def test_sign_off_before_testing_is_refused(uat_project, dana):
    uat_project.phase = Phase.CONFIGURATION
    uat_project.save(update_fields=["phase"])
    with pytest.raises(ValidationError, match="signed off in the Testing phase"):
        services.sign_off_uat_as_contact(uat_project, dana)


def test_the_pm_signs_off_for_the_client_only_with_a_reason_and_it_is_flagged(
    uat_project, pm, dana
):
    with pytest.raises(ValidationError):
        project_services.project_record_uat_signoff(
            project=uat_project, user=pm, contact=dana, reason="  "
        )
    project_services.project_record_uat_signoff(
        project=uat_project, user=pm, contact=dana, reason="Dana approved by phone."
    )
    uat_project.refresh_from_db()
    assert uat_project.uat_signoff_exception_reason == "Dana approved by phone."
    assert uat_project.uat_signoff_recorded_by == pm


def test_the_pm_exception_is_refused_too_while_a_critical_case_fails(uat_project, pm, dana):
    case = TestCaseFactory(project=uat_project, is_critical=True)
    services.run_case_as_user(case, pm, passed=False)
    with pytest.raises(ValidationError, match="critical test case has failed"):
        project_services.project_record_uat_signoff(
            project=uat_project, user=pm, contact=dana, reason="Dana approved by phone."
        )


def test_a_contact_runs_the_cases_given_to_them_only(uat_project, dana):
    theirs = TestCaseFactory(project=uat_project, tester_contact=dana)
    not_theirs = TestCaseFactory(project=uat_project)

    run = services.run_case_as_contact(
        theirs, dana, passed=False, notes="Totals are off.", severity=Issue.Severity.HIGH
    )
    assert run.run_by_contact == dana and run.run_by_name == "Dana Ortiz"
    assert run.defect.severity == Issue.Severity.HIGH
    assert "run by Dana Ortiz" in run.defect.description

    with pytest.raises(ValidationError, match="not one of yours"):
        services.run_case_as_contact(not_theirs, dana, passed=True)
    assert not not_theirs.runs.exists()


def test_the_go_live_gate_holds_a_project_whose_critical_case_failed(uat_project, pm, dana):
    case = TestCaseFactory(project=uat_project, is_critical=True)
    services.run_case_as_user(case, pm, passed=True)
    services.sign_off_uat_as_contact(uat_project, dana)
    # A later run fails (a regression found after the sign-off).
    services.run_case_as_user(case, pm, passed=False, severity=Issue.Severity.MEDIUM)

    testing = [c for c in go_live_gate(uat_project) if c.label == "Every critical test case passed"]
    assert testing[0].problems == ["1 critical test case has failed its latest run."]
    with pytest.raises(GateNotMet):
        project_services.project_change_phase(project=uat_project, to_phase=Phase.GO_LIVE, user=pm)


def test_an_attachment_is_stored_and_a_refused_one_stores_nothing(
    uat_project, pm, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    settings.GOLIVE_TEST_ATTACHMENTS = {"MAX_BYTES": 100, "EXTENSIONS": ["png", "txt"]}
    case = TestCaseFactory(project=uat_project)

    run = services.run_case_as_user(
        case, pm, passed=False, attachment=SimpleUploadedFile("screen shot.png", b"png" * 10)
    )
    assert run.attachment.name.endswith(".png")
    assert default_storage.exists(run.attachment.name)

    for upload, message in [
        (SimpleUploadedFile("payroll.exe", b"MZ"), "Attach a file of one of these types"),
        (SimpleUploadedFile("big.txt", b"x" * 101), "larger than"),
    ]:
        with pytest.raises(ValidationError, match=message):
            services.run_case_as_user(case, pm, passed=True, attachment=upload)
    assert TestRun.objects.count() == 1
    assert len(list(tmp_path.rglob("*.*"))) == 1


def test_a_case_takes_only_the_projects_products_and_people(uat_project, pm, other_pm):
    data = {"title": "Clock in", "steps": "Clock in.", "expected_result": "Recorded."}
    with pytest.raises(ValidationError):
        services.case_create(
            project=uat_project, user=pm, data={**data, "product": ProductFactory(name="HR")}
        )
    with pytest.raises(ValidationError):
        services.case_create(project=uat_project, user=pm, data=data, tester_user=other_pm)
    with pytest.raises(ValidationError):
        services.case_create(
            project=uat_project, user=pm, data=data, tester_contact=ContactFactory()
        )
    case = services.case_create(
        project=uat_project,
        user=pm,
        data={**data, "product": Product.objects.get(name="Time")},
        tester_user=pm,
    )
    assert case.tester_name == pm.get_full_name()


def test_progress_counts_each_case_by_its_latest_run(uat_project, pm, dana):
    payroll, time = Product.objects.get(name="Payroll"), Product.objects.get(name="Time")
    a = TestCaseFactory(project=uat_project, product=payroll, tester_contact=dana)
    b = TestCaseFactory(project=uat_project, product=payroll, tester_user=pm)
    TestCaseFactory(project=uat_project, product=time, tester_contact=dana)
    services.run_case_as_user(a, pm, passed=False)
    services.run_case_as_user(a, pm, passed=True)  # the retest is what counts
    services.run_case_as_user(b, pm, passed=False)

    progress = services.progress(uat_project)

    def numbers(tallies):
        return {t.label: (t.passed, t.failed, t.not_run) for t in tallies}

    assert (progress["total"].passed, progress["total"].failed, progress["total"].not_run) == (
        1,
        1,
        1,
    )
    assert numbers(progress["by_product"]) == {"Payroll": (1, 1, 0), "Time": (0, 0, 1)}
    assert numbers(progress["by_tester"]) == {
        "Dana Ortiz (client)": (1, 0, 1),
        pm.get_full_name(): (0, 1, 0),
    }
    assert progress["total"].passed_percent == 33
