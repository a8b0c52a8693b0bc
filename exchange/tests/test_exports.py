"""Plans, RAID logs and the portfolio as CSV and Excel: what each role may download, and how."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from clients.tests.factories import ContactFactory, UserFactory
from exchange.exports import safe_filename
from projects.models import Phase, Task
from projects.tests.factories import (
    IssueFactory,
    MilestoneFactory,
    ProjectFactory,
    RiskFactory,
    TaskFactory,
)


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff"), "Excel reads the file as UTF-8 by its byte-order mark"
    return list(csv.reader(io.StringIO(text[1:])))


def xlsx_sheet(response):
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    return workbook.active


@pytest.fixture
def project(pm):
    project = ProjectFactory(name="Acme: payroll / time?", pm=pm)
    for n in range(3):
        milestone = MilestoneFactory(project=project, name=f"Milestone {n}", order=n)
        for m in range(2):
            TaskFactory(project=project, milestone=milestone, title=f"Task {n}.{m}")
    TaskFactory(project=project, milestone=None, title='=HYPERLINK("http://evil")')
    RiskFactory(project=project, title="-Payroll data late")
    RiskFactory(project=project, title="Key user leaves")
    IssueFactory(project=project, title="@SUM(A1)")
    return project


def test_the_plan_in_excel_has_dates_a_bold_frozen_header_and_every_row(client_as, pm, project):
    response = client_as(pm).get(
        reverse("exchange:plan_export", args=[project.pk]) + "?format=xlsx"
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="Acme payroll time plan.xlsx"'
    sheet = xlsx_sheet(response)
    header = [cell.value for cell in sheet[1]]
    assert header[:3] == ["Type", "Milestone", "Title"]
    assert sheet["A1"].font.bold and sheet.freeze_panes == "A2"
    # 40 characters wide, stored with the padding Excel adds to every column.
    assert 40 <= sheet.column_dimensions["C"].width < 41
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows].count("Milestone") == 3 and [r[0] for r in rows].count("Task") == 7
    due = header.index("Due")
    milestone_row = sheet[2]
    assert isinstance(milestone_row[due].value, datetime.datetime)
    assert milestone_row[due].number_format == "yyyy-mm-dd"
    # A task title that looks like a formula stays text.
    formula = next(r for r in sheet.iter_rows(min_row=2) if str(r[2].value).startswith("="))
    assert formula[2].data_type == "s"


def test_the_plan_names_owners_and_labels_choices_as_the_task_page_does(client_as, pm, project):
    nameless = UserFactory(username="nameless", first_name="", last_name="")
    contact = ContactFactory(client=project.client, name="Dana Client")
    late = TaskFactory(
        project=project,
        milestone=None,
        title="Nameless owner",
        owner_user=nameless,
        status=Task.Status.BLOCKED,
        priority=Task.Priority.URGENT,
        estimate_hours=Decimal("2.5"),
        completed_at=timezone.now(),
    )
    TaskFactory(project=project, milestone=None, title="Client owner", owner_contact=contact)
    TaskFactory(project=project, milestone=None, title="No owner", owner_user=None)
    sheet = xlsx_sheet(
        client_as(pm).get(reverse("exchange:plan_export", args=[project.pk]) + "?format=xlsx")
    )
    header = [cell.value for cell in sheet[1]]
    rows = {
        row[2]: dict(zip(header, row, strict=True)) for row in sheet.iter_rows(values_only=True)
    }
    nameless_row = rows["Nameless owner"]
    # Nothing to say is a blank cell, not an empty text that COUNTA would count.
    assert nameless_row["Owner"] == "nameless" and nameless_row["Milestone"] is None
    assert (nameless_row["Status"], nameless_row["Priority"]) == ("Blocked", "Urgent")
    assert nameless_row["Estimate (hours)"] == 2.5 and nameless_row["Visible to client"] == "no"
    assert nameless_row["Completed"].date() == timezone.localdate(late.completed_at)
    assert rows["Client owner"]["Owner"] == "Dana Client (client)"
    assert rows["No owner"]["Owner"] is None
    milestone_row = rows["Milestone 0"]
    assert milestone_row["Phase"] == Phase(project.milestones.get(name="Milestone 0").phase).label
    assert milestone_row["Status"] == "Open" and milestone_row["Key"] in ("yes", "no")


def test_the_plan_as_csv_is_safe_to_open_in_a_spreadsheet(client_as, pm, project):
    response = client_as(pm).get(reverse("exchange:plan_export", args=[project.pk]))
    assert response["Content-Type"].startswith("text/csv")
    rows = csv_rows(response)
    assert len(rows) == 1 + 3 + 7
    titles = [r[2] for r in rows[1:]]
    assert '\'=HYPERLINK("http://evil")' in titles
    assert rows[1][8]  # the milestone's due date, written YYYY-MM-DD
    datetime.date.fromisoformat(rows[1][8])


def test_the_raid_log_holds_every_risk_and_issue(client_as, support, project):
    response = client_as(support).get(
        reverse("exchange:raid_export", args=[project.pk]) + "?format=csv"
    )
    rows = csv_rows(response)
    assert sorted(r[0] for r in rows[1:]) == ["Issue", "Risk", "Risk"]
    titles = {r[1] for r in rows[1:]}
    assert titles == {"'-Payroll data late", "Key user leaves", "'@SUM(A1)"}
    sheet = xlsx_sheet(
        client_as(support).get(reverse("exchange:raid_export", args=[project.pk]) + "?format=xlsx")
    )
    assert sheet.max_row == 4
    raised = [cell.value for cell in sheet[1]].index("Raised")
    assert isinstance(sheet[2][raised].value, datetime.datetime)


@pytest.mark.parametrize("kind", ["plan_export", "raid_export"])
def test_a_project_export_follows_who_may_read_the_project(
    client_as, project, kind, pm, other_pm, manager, support, admin_user, sales_rep
):
    project.client.sales_rep = sales_rep
    project.client.save()
    url = reverse(f"exchange:{kind}", args=[project.pk])
    for user in (pm, other_pm, manager, support, admin_user):
        assert client_as(user).get(url).status_code == 200
    # Project pages are not for sales reps, even of the project's own account.
    assert client_as(sales_rep).get(url).status_code == 404
    assert client_as(pm).post(url).status_code == 405


def test_the_portfolio_export_keeps_the_list_filters(client_as, manager, pm):
    ProjectFactory(name="Configuring one", phase=Phase.CONFIGURATION, pm=pm)
    ProjectFactory(name="Testing one", phase=Phase.TESTING, pm=pm)
    ProjectFactory(name="=cmd|' /C calc'!A0", phase=Phase.TESTING)
    url = reverse("exchange:portfolio_export")

    rows = csv_rows(client_as(manager).get(url + "?phase=testing&sort=name&format=csv"))
    assert [r[0] for r in rows[1:]] == ["'=cmd|' /C calc'!A0", "Testing one"]

    sheet = xlsx_sheet(client_as(manager).get(url + "?format=xlsx"))
    assert sheet.max_row == 4
    assert sheet.freeze_panes == "A2"


def test_the_portfolio_export_is_for_the_implementation_team(
    client_as, pm, support, sales_rep, admin_user
):
    ProjectFactory()
    url = reverse("exchange:portfolio_export")
    for user in (pm, support, admin_user):
        assert len(csv_rows(client_as(user).get(url))) == 2
    assert client_as(sales_rep).get(url).status_code == 403


def test_the_links_sit_on_the_project_page_and_the_list(client_as, pm, project):
    page = client_as(pm).get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert reverse("exchange:plan_export", args=[project.pk]) + "?format=xlsx" in page
    assert reverse("exchange:raid_export", args=[project.pk]) + "?format=csv" in page
    listing = client_as(pm).get(reverse("projects:list") + "?phase=testing&page=1").content
    assert b"/projects/export/?phase=testing&amp;format=xlsx" in listing


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_each_export_reads_a_fixed_number_of_queries(client_as, pm, fmt, django_assert_num_queries):
    browser = client_as(pm)
    projects = [ProjectFactory(pm=pm) for _ in range(2)]
    for size in (1, 4):
        project = ProjectFactory(pm=pm)
        for _ in range(size):
            milestone = MilestoneFactory(project=project)
            depends = TaskFactory(project=project, milestone=milestone)
            TaskFactory(project=project, milestone=milestone).depends_on.add(depends)
            RiskFactory(project=project)
            IssueFactory(project=project)
        projects.append(project)
        # The session, the user and their roles, the project, then its tables.
        for kind, queries in (("plan_export", 7), ("raid_export", 6)):
            with django_assert_num_queries(queries):
                response = browser.get(
                    reverse(f"exchange:{kind}", args=[project.pk]) + f"?format={fmt}"
                )
                if fmt == "csv":
                    b"".join(response.streaming_content)
        with django_assert_num_queries(5):
            response = browser.get(reverse("exchange:portfolio_export") + f"?format={fmt}")
            if fmt == "csv":
                b"".join(response.streaming_content)


def test_a_file_name_keeps_only_plain_characters():
    assert (
        safe_filename('Acme "Payroll"\r\n; rm -rf', "plan", "csv") == "Acme Payroll rm -rf plan.csv"
    )
    assert safe_filename("Überfirma", "plan", "csv") == "Uberfirma plan.csv"
    assert safe_filename("../..", "plan", "xlsx") == "project plan.xlsx"


def test_a_control_character_stored_in_a_risk_does_not_break_the_excel_download(
    client_as, pm, project
):
    RiskFactory(project=project, title="Vertical\x0btab", description="bell\x07")
    response = client_as(pm).get(
        reverse("exchange:raid_export", args=[project.pk]) + "?format=xlsx"
    )
    titles = [row[1] for row in xlsx_sheet(response).iter_rows(min_row=2, values_only=True)]
    assert "Verticaltab" in titles
