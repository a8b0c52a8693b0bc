"""Acceptance testing: test cases, their runs, the defects failed runs raise, and UAT sign-off.

The staff pages and the client portal both come through here: `run_case_as_contact` and
`sign_off_uat_as_contact` are what a client tester does, `run_case_as_user` what the team does.
"""

from pathlib import PurePath

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.text import get_valid_filename

from acceptance.models import TestCase, TestRun
from clients.models import Contact
from projects import services as project_services
from projects.models import ImplementationProject, Issue
from projects.selectors import owner_candidates

CASE_FIELDS = ["title", "steps", "expected_result", "product", "is_critical"]


def _limits() -> dict:
    return settings.GOLIVE_TEST_ATTACHMENTS


def attachment_problem(upload: File | None) -> str:
    """Why an attachment is refused (too big, a type not allowed), or "" when it is fine."""
    if upload is None:
        return ""
    limits = _limits()
    extension = PurePath(upload.name or "").suffix.lower().lstrip(".")
    if extension not in limits["EXTENSIONS"]:
        allowed = ", ".join(limits["EXTENSIONS"])
        return f"Attach a file of one of these types: {allowed}."
    if upload.size > limits["MAX_BYTES"]:
        return f"The attachment is larger than {limits['MAX_BYTES'] // (1024 * 1024)} MB."
    return ""


def _check_tester(project: ImplementationProject, user: User | None, contact: Contact | None):
    if user is not None and contact is not None:
        raise ValidationError("Choose one tester: a team member or a client contact.")
    if user is not None and not owner_candidates(project).filter(pk=user.pk).exists():
        raise ValidationError({"tester": "The tester must be on this project's team."})
    if contact is not None and contact.client_id != project.client_id:
        raise ValidationError({"tester": "The tester must be a contact of this project's client."})


@transaction.atomic
def case_create(
    *,
    project: ImplementationProject,
    user: User,
    data: dict,
    tester_user: User | None = None,
    tester_contact: Contact | None = None,
) -> TestCase:
    """A new test case; its product is one the project implements, its tester one of its people."""
    product = data.get("product")
    if product is not None and not project.products.filter(pk=product.pk).exists():
        raise ValidationError({"product": "Choose a product this project implements."})
    _check_tester(project, tester_user, tester_contact)
    case = TestCase(project=project, tester_user=tester_user, tester_contact=tester_contact)
    for field in CASE_FIELDS:
        if field in data:
            setattr(case, field, data[field])
    case.full_clean()
    case.save()
    project_services.project_touch(project=project)
    return case


def _store_attachment(run: TestRun, upload: File | None) -> None:
    if upload is None:
        return
    name = get_valid_filename(PurePath(upload.name).name) or "attachment"
    run.attachment.save(name, upload, save=False)


@transaction.atomic
def _record_run(
    case: TestCase,
    *,
    passed: bool,
    notes: str,
    attachment: File | None,
    severity: str,
    user: User | None,
    contact: Contact | None,
) -> TestRun:
    problem = attachment_problem(attachment)
    if problem:
        raise ValidationError({"attachment": problem})
    case = (
        TestCase.objects.select_for_update(of=("self",))
        .select_related("latest_run__defect")
        .get(pk=case.pk)
    )
    project = case.project
    previous = case.latest_run.defect if case.latest_run_id else None
    run = TestRun(
        case=case,
        passed=passed,
        notes=notes.strip(),
        run_by_user=user,
        run_by_contact=contact,
        run_at=timezone.now(),
        # A retest keeps the link to the defect whose fix it checks.
        defect=previous,
    )
    if not passed and (previous is None or not previous.is_open):
        if severity not in Issue.Severity.values:
            raise ValidationError({"severity": "Choose the defect's severity."})
        tester = contact.name if contact else (user.get_full_name() or user.username)
        description = f"Failed test case “{case.title}”, run by {tester}."
        if run.notes:
            description += f"\n\n{run.notes}"
        description += f"\n\nExpected: {case.expected_result}"
        run.defect = project_services.issue_save(
            project=project,
            user=user,
            issue=None,
            data={
                "title": f"Defect: {case.title}"[:200],
                "description": description,
                "severity": severity,
                "owner": project.pm,
            },
        )
    _store_attachment(run, attachment)
    run.full_clean()
    run.save()
    case.latest_run = run
    case.save(update_fields=["latest_run"])
    project_services.project_touch(project=project)
    return run


def run_case_as_user(
    case: TestCase,
    user: User,
    passed: bool,
    notes: str = "",
    *,
    attachment: File | None = None,
    severity: str = Issue.Severity.MEDIUM,
) -> TestRun:
    """A team member's run of a case: a failure raises a defect of `severity` (or, on a retest
    whose defect is still open, stays linked to it)."""
    return _record_run(
        case,
        passed=passed,
        notes=notes,
        attachment=attachment,
        severity=severity,
        user=user,
        contact=None,
    )


def run_case_as_contact(
    case: TestCase,
    contact: Contact,
    passed: bool,
    notes: str = "",
    *,
    attachment: File | None = None,
    severity: str = Issue.Severity.MEDIUM,
) -> TestRun:
    """A client tester's run of one of the cases given to them."""
    if case.tester_contact_id != contact.pk:
        raise ValidationError("This test case is not one of yours to run.")
    return _record_run(
        case,
        passed=passed,
        notes=notes,
        attachment=attachment,
        severity=severity,
        user=None,
        contact=contact,
    )


def _testing_counts(project: ImplementationProject, *, defects: bool) -> dict:
    """Critical cases failed and not run (and open critical defects), in one query."""
    critical = Q(test_cases__is_critical=True)
    counts = {
        "failed": Count(
            "test_cases", filter=critical & Q(test_cases__latest_run__passed=False), distinct=True
        ),
        "not_run": Count(
            "test_cases", filter=critical & Q(test_cases__latest_run__isnull=True), distinct=True
        ),
    }
    if defects:
        counts["defects"] = Count(
            "issues",
            filter=Q(
                issues__severity=Issue.Severity.CRITICAL,
                issues__status__in=[Issue.Status.OPEN, Issue.Status.IN_PROGRESS],
                issues__test_runs__isnull=False,
            ),
            distinct=True,
        )
    return ImplementationProject.objects.filter(pk=project.pk).aggregate(**counts)


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _critical_case_problems(counts: dict) -> list[str]:
    problems = []
    if counts["failed"]:
        if counts["failed"] == 1:
            problems.append("1 critical test case has failed its latest run.")
        else:
            problems.append(f"{counts['failed']} critical test cases have failed their latest run.")
    if counts["not_run"]:
        noun = _plural(counts["not_run"], "critical test case has", "critical test cases have")
        problems.append(f"{noun} not been run.")
    return problems


def uat_signoff_problems(project: ImplementationProject) -> list[str]:
    """What testing still has open against a UAT sign-off (registered with projects.gates)."""
    counts = _testing_counts(project, defects=True)
    problems = _critical_case_problems(counts)
    if counts["defects"]:
        noun = _plural(counts["defects"], "critical defect is", "critical defects are")
        problems.append(f"{noun} still open.")
    return problems


def go_live_check(project: ImplementationProject) -> tuple[str, list[str]]:
    """The go-live gate's testing condition (registered with projects.gates); a critical
    defect is a critical issue, which the gate already counts."""
    counts = _testing_counts(project, defects=False)
    return ("Every critical test case passed", _critical_case_problems(counts))


def uat_signoff_refusal(project: ImplementationProject) -> str:
    return project_services.uat_signoff_refusal(project)


def uat_signoff_allowed(project: ImplementationProject) -> bool:
    """UAT may be signed off: in Testing, not signed off yet, every critical case's latest run
    passed and no critical defect open."""
    return not uat_signoff_refusal(project)


def sign_off_uat_as_contact(project: ImplementationProject, contact: Contact) -> None:
    """The client's UAT sign-off, given by one of the project client's contacts."""
    project_services.project_uat_signoff_by_contact(project=project, contact=contact)


# Progress


def progress(project: ImplementationProject) -> dict:
    """Passed, failed and not run (by each case's latest run), overall, by product, by tester."""
    rows = project.test_cases.values(
        "product__name",
        "tester_user__first_name",
        "tester_user__last_name",
        "tester_user__username",
        "tester_contact__name",
        "latest_run__passed",
    )
    total = _Tally("All test cases")
    by_product: dict[str, _Tally] = {}
    by_tester: dict[str, _Tally] = {}
    for row in rows:
        product = row["product__name"] or "No product"
        if row["tester_contact__name"]:
            tester = f"{row['tester_contact__name']} (client)"
        elif row["tester_user__username"]:
            full = f"{row['tester_user__first_name']} {row['tester_user__last_name']}".strip()
            tester = full or row["tester_user__username"]
        else:
            tester = "Nobody yet"
        outcome = row["latest_run__passed"]
        for tally in (
            total,
            by_product.setdefault(product, _Tally(product)),
            by_tester.setdefault(tester, _Tally(tester)),
        ):
            tally.add(outcome)
    return {
        "total": total,
        "by_product": sorted(by_product.values(), key=lambda t: t.label.lower()),
        "by_tester": sorted(by_tester.values(), key=lambda t: t.label.lower()),
    }


class _Tally:
    def __init__(self, label: str) -> None:
        self.label = label
        self.passed = self.failed = self.not_run = 0

    def add(self, passed: bool | None) -> None:
        if passed is None:
            self.not_run += 1
        elif passed:
            self.passed += 1
        else:
            self.failed += 1

    @property
    def total(self) -> int:
        return self.passed + self.failed + self.not_run

    def _percent(self, count: int) -> int:
        return round(100 * count / self.total) if self.total else 0

    @property
    def passed_percent(self) -> int:
        return self._percent(self.passed)

    @property
    def failed_percent(self) -> int:
        return self._percent(self.failed)

    @property
    def not_run_percent(self) -> int:
        return max(0, 100 - self.passed_percent - self.failed_percent) if self.total else 0
