"""Demo acceptance testing: test cases and runs on the demo projects in Testing.

`seed(result)` is called by `manage.py seed_demo` after the base set is loaded. A project that
has test cases already is left as it is, so a second run changes nothing. Every critical case
ends passed (one after a failed run, its defect fixed and retested), so the client can sign
off UAT; a minor case has failed with its defect still open, and one has not been run.
"""

from django.db import transaction

from acceptance import services
from clients.models import Contact
from projects import services as project_services
from projects.models import ImplementationProject, Issue, Phase

# (title, steps, expected result, critical) by product name; a project whose products have
# none of these gets OTHER.
CASES = {
    "Payroll": [
        (
            "Calculate a regular pay run",
            "1. Open the pay period.\n2. Import the hours.\n3. Calculate.",
            "Gross and net pay match the parallel run to the cent.",
            True,
        ),
        (
            "Overtime paid at 1.5x",
            "1. Enter 45 hours for an hourly employee.\n2. Calculate.",
            "Five hours are paid at 1.5 times the base rate.",
            True,
        ),
        (
            "Pay stub shows year-to-date totals",
            "1. Open an employee's pay stub after the run.",
            "Year-to-date gross, taxes and deductions are shown.",
            False,
        ),
    ],
    "Time & Attendance": [
        (
            "Clock in and out from the mobile app",
            "1. Clock in from the app.\n2. Clock out eight hours later.",
            "The timecard shows eight hours.",
            True,
        ),
        (
            "Missed punch flagged for the manager",
            "1. Clock in without clocking out.",
            "The manager sees the missed punch the next morning.",
            False,
        ),
    ],
}
OTHER = [
    (
        "Employee record changes flow to payroll",
        "1. Change an employee's address.\n2. Open the payroll record.",
        "The new address is on the payroll record.",
        True,
    ),
    (
        "Reports open for the HR administrator",
        "1. Sign in as the HR administrator.\n2. Open the headcount report.",
        "The report opens with this month's figures.",
        False,
    ),
]


def _cases_for(project: ImplementationProject) -> list[tuple]:
    names = [p.name for p in project.products.all()]
    cases = [(name, *case) for name in names for case in CASES.get(name, [])]
    return cases or [(names[0] if names else None, *case) for case in OTHER]


@transaction.atomic
def seed_project(project: ImplementationProject) -> int:
    """Test cases and runs on one project; how many cases were made (none when it has some)."""
    if project.test_cases.exists():
        return 0
    pm = project.pm
    last_activity = project.last_activity_at
    contacts = list(Contact.objects.filter(client_id=project.client_id).order_by("pk"))
    lead = next(
        (c for c in contacts if c.role == Contact.ContactRole.PROJECT_LEAD),
        contacts[0] if contacts else None,
    )
    products = {p.name: p for p in project.products.all()}
    made = []
    for index, (product, title, steps, expected, critical) in enumerate(_cases_for(project)):
        tester = {"tester_contact": lead} if lead and index % 2 == 0 else {"tester_user": pm}
        made.append(
            services.case_create(
                project=project,
                user=pm,
                data={
                    "title": title,
                    "steps": steps,
                    "expected_result": expected,
                    "product": products.get(product),
                    "is_critical": critical,
                },
                **tester,
            )
        )
    critical = [case for case in made if case.is_critical]
    minor = [case for case in made if not case.is_critical]
    if critical:
        # The first critical case failed, was fixed, and passed its retest.
        first = services.run_case_as_user(
            critical[0],
            pm,
            passed=False,
            notes="The result did not match the expected one on the first try.",
            severity=Issue.Severity.HIGH,
        )
        project_services.issue_set_status(
            issue=first.defect,
            user=pm,
            status=Issue.Status.RESOLVED,
            resolution="Setup corrected and moved to the test system.",
        )
        services.run_case_as_user(critical[0], pm, passed=True, notes="Fixed: matches now.")
        for case in critical[1:]:
            services.run_case_as_user(case, pm, passed=True)
    if minor:
        services.run_case_as_user(
            minor[0],
            pm,
            passed=False,
            notes="The screen shows it, the printed copy does not.",
            severity=Issue.Severity.MEDIUM,
        )
    # Any other minor case stays not run. The services marked the project active just now; the
    # base set's own activity date stands, so that seeding again finds nothing to change.
    ImplementationProject.objects.filter(pk=project.pk).update(last_activity_at=last_activity)
    return len(made)


def seed(result) -> None:
    """seed_demo's hook: test cases on the base projects in Testing."""
    projects = (
        ImplementationProject.objects.filter(
            pk__in=result.project_ids, phase=Phase.TESTING, pm__isnull=False
        )
        .select_related("pm")
        .prefetch_related("products")
        .order_by("pk")
    )
    for project in projects:
        seed_project(project)
