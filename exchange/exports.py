"""A project's plan, its RAID log and the portfolio as tables, written as CSV or Excel.

Each table is read in a fixed number of queries, whatever it holds; the writers know nothing
of projects.
"""

import csv
import datetime
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

import xlsxwriter
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from projects.models import ImplementationProject, Issue, Milestone, Risk, Task

XLSX = "xlsx"
CSV = "csv"
FORMATS = (CSV, XLSX)
CONTENT_TYPES = {
    CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
DATE_FORMAT = "yyyy-mm-dd"
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# The control characters a workbook cannot hold (a stray one would fail the download).
ILLEGAL_CHARACTERS = re.compile(r"[\000-\010\013\014\016-\037]")

Value = str | int | Decimal | datetime.date | bool | None


# What a column holds, which decides how the Excel sheet writes its cells (None or an empty text
# is a blank cell).
TEXT = "text"
DATE = "date"
NUMBER = "number"
YES_NO = "yes/no"


@dataclass(frozen=True)
class Column:
    title: str
    width: int = 14  # in characters, in the Excel sheet
    kind: str = TEXT


@dataclass
class Sheet:
    title: str
    columns: list[Column]
    rows: Iterable[list[Value]]


def safe_filename(name: str, what: str, fmt: str) -> str:
    """`<name> <what>.<fmt>` with only letters, digits, spaces, dots and dashes in the name."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    plain = re.sub(r"[^\w.\- ]+", "", ascii_name, flags=re.ASCII)
    plain = re.sub(r"\s+", " ", plain).strip(" .") or "project"
    return f"{plain[:80]} {what}.{fmt}"


def _person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


def _local_date(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localdate(moment) if moment else None


# The tables


PLAN_MILESTONE_FIELDS = (
    "pk",
    "name",
    "phase",
    "due_date",
    "baseline_date",
    "completed_on",
    "is_key",
    "is_golive_critical",
    "signed_off_by__name",
    "visible_to_client",
)
PLAN_TASK_FIELDS = (
    "pk",
    "milestone",
    "title",
    "status",
    "priority",
    "start_date",
    "due_date",
    "completed_at",
    "estimate_hours",
    "visible_to_client",
    "owner_user",
    "owner_user__first_name",
    "owner_user__last_name",
    "owner_user__username",
    "owner_contact__name",
)


def _labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices}


PHASE_LABELS = _labels(Milestone._meta.get_field("phase").choices)
TASK_STATUS_LABELS = _labels(Task.Status.choices)
TASK_PRIORITY_LABELS = _labels(Task.Priority.choices)


def plan_sheet(project: ImplementationProject) -> Sheet:
    """Milestones, each followed by its tasks, then the tasks of no milestone: three queries.

    Rows are read as tuples of the columns written, and choices are labelled from a dict: a
    plan of a hundred tasks made as many model instances and display lookups per download.
    """
    milestones = list(
        Milestone.objects.filter(project=project)
        .order_by("order", "due_date", "pk")
        .values_list(*PLAN_MILESTONE_FIELDS)
    )
    tasks = (
        Task.objects.filter(project=project)
        .order_by("due_date", "pk")
        .values_list(*PLAN_TASK_FIELDS)
    )
    by_milestone: dict[int | None, list[tuple]] = {}
    for task in tasks:
        by_milestone.setdefault(task[1], []).append(task)
    # What each task waits on, read from the dependency table in one query: a prefetch would
    # make a related manager for every task.
    waits_on: dict[int, list[str]] = {}
    dependencies = Task.depends_on.through.objects.filter(from_task__project=project)
    for task_id, title in dependencies.order_by("to_task__due_date", "to_task").values_list(
        "from_task", "to_task__title"
    ):
        waits_on.setdefault(task_id, []).append(title)
    columns = [
        Column("Type", 10),
        Column("Milestone", 28),
        Column("Title", 40),
        Column("Phase", 18),
        Column("Status", 13),
        Column("Owner", 22),
        Column("Priority", 9),
        Column("Start", 11, DATE),
        Column("Due", 11, DATE),
        Column("Baseline", 11, DATE),
        Column("Completed", 11, DATE),
        Column("Estimate (hours)", 9, NUMBER),
        Column("Key", 6, YES_NO),
        Column("Go-live critical", 8, YES_NO),
        Column("Signed off by", 22),
        Column("Depends on", 30),
        Column("Visible to client", 8, YES_NO),
    ]

    def task_row(task: tuple, milestone_name: str) -> list[Value]:
        (
            pk,
            _milestone,
            title,
            status,
            priority,
            start_date,
            due_date,
            completed_at,
            estimate_hours,
            visible_to_client,
            owner_user,
            first_name,
            last_name,
            username,
            contact_name,
        ) = task
        # Task.owner_label, from the columns read.
        if owner_user is not None:
            owner = f"{first_name} {last_name}".strip() or username
        elif contact_name is not None:
            owner = f"{contact_name} (client)"
        else:
            owner = ""
        return [
            "Task",
            milestone_name,
            title,
            "",
            TASK_STATUS_LABELS.get(status, status),
            owner,
            TASK_PRIORITY_LABELS.get(priority, priority),
            start_date,
            due_date,
            None,
            _local_date(completed_at),
            estimate_hours,
            None,
            None,
            "",
            "; ".join(waits_on.get(pk, ())),
            visible_to_client,
        ]

    def rows() -> Iterator[list[Value]]:
        for (
            pk,
            name,
            phase,
            due_date,
            baseline_date,
            completed_on,
            is_key,
            is_golive_critical,
            signed_off_by,
            visible_to_client,
        ) in milestones:
            yield [
                "Milestone",
                name,
                name,
                PHASE_LABELS.get(phase, phase),
                "Open" if completed_on is None else "Complete",
                "",
                "",
                None,
                due_date,
                baseline_date,
                completed_on,
                None,
                is_key,
                is_golive_critical,
                signed_off_by or "",
                "",
                visible_to_client,
            ]
            for task in by_milestone.pop(pk, []):
                yield task_row(task, name)
        for leftover in by_milestone.values():
            for task in leftover:
                yield task_row(task, "")

    return Sheet("Plan", columns, rows())


def raid_sheet(project: ImplementationProject) -> Sheet:
    """Every risk and issue of the project, open or not: two queries."""
    risks = Risk.objects.filter(project=project).select_related("owner").order_by("-score", "pk")
    issues = (
        Issue.objects.filter(project=project).select_related("owner").order_by("raised_at", "pk")
    )
    columns = [
        Column("Type", 8),
        Column("Title", 40),
        Column("Status", 12),
        Column("Severity", 10),
        Column("Probability", 8, NUMBER),
        Column("Impact", 8, NUMBER),
        Column("Score", 8, NUMBER),
        Column("Owner", 22),
        Column("Raised", 11, DATE),
        Column("Closed or resolved", 11, DATE),
        Column("Escalation level", 8, NUMBER),
        Column("Mitigation plan or resolution", 50),
        Column("Description", 50),
        Column("Visible to client", 8, YES_NO),
    ]

    def rows() -> Iterator[list[Value]]:
        for risk in risks:
            yield [
                "Risk",
                risk.title,
                risk.get_status_display(),
                "",
                risk.probability,
                risk.impact,
                risk.score,
                _person(risk.owner),
                _local_date(risk.raised_at),
                _local_date(risk.closed_at),
                None,
                risk.mitigation_plan,
                risk.description,
                risk.visible_to_client,
            ]
        for issue in issues:
            yield [
                "Issue",
                issue.title,
                issue.get_status_display(),
                issue.get_severity_display(),
                None,
                None,
                None,
                _person(issue.owner),
                _local_date(issue.raised_at),
                _local_date(issue.resolved_at),
                issue.escalation_level,
                issue.resolution,
                issue.description,
                issue.visible_to_client,
            ]

    return Sheet("RAID log", columns, rows())


PORTFOLIO_FIELDS = (
    "name",
    "external_id",
    "phase",
    "status",
    "health",
    "kickoff_date",
    "baseline_go_live",
    "forecast_go_live",
    "actual_go_live",
    "client__name",
    "client__segment",
    "pm__first_name",
    "pm__last_name",
    "pm__username",
)


def portfolio_sheet(projects: QuerySet[ImplementationProject]) -> Sheet:
    """The projects (filtered and ordered as the list shows them): two queries, in chunks."""
    projects = (
        projects.select_related("client", "pm")
        .only(*PORTFOLIO_FIELDS)
        .prefetch_related(Prefetch("products", to_attr="product_list"))
        .with_progress()
    )
    columns = [
        Column("Project", 36),
        Column("Client", 30),
        Column("Segment", 13),
        Column("PM", 22),
        Column("Products", 24),
        Column("Phase", 22),
        Column("Status", 10),
        Column("Health", 9),
        Column("Progress (%)", 9, NUMBER),
        Column("Kick-off", 11, DATE),
        Column("Baseline go-live", 11, DATE),
        Column("Forecast go-live", 11, DATE),
        Column("Actual go-live", 11, DATE),
        Column("Slip (days)", 8, NUMBER),
        Column("CRM deal id", 18),
    ]

    def rows() -> Iterator[list[Value]]:
        for project in projects.iterator(chunk_size=2000):
            yield [
                project.name,
                project.client.name,
                project.client.get_segment_display(),
                _person(project.pm),
                ", ".join(product.name for product in project.product_list),
                project.get_phase_display(),
                project.get_status_display(),
                project.get_health_display(),
                project.progress_percent,
                project.kickoff_date,
                project.baseline_go_live,
                project.forecast_go_live,
                project.actual_go_live,
                project.slip_days,
                project.external_id,
            ]

    return Sheet("Portfolio", columns, rows())


# The writers


def _text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    if isinstance(value, str) and text.startswith(FORMULA_START):
        # A leading apostrophe makes a spreadsheet show the text instead of running it.
        return "'" + text
    return text


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(sheet: Sheet) -> Iterator[str]:
    """The sheet as CSV, line by line, for a streaming response: Excel opens it as UTF-8."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([column.title for column in sheet.columns])
    for row in sheet.rows:
        yield writer.writerow([_text(value) for value in row])


def xlsx_bytes(sheet: Sheet) -> bytes:
    """The sheet as an Excel workbook: a bold, frozen header row, dates as dates.

    XlsxWriter writes rather than models a workbook: about three times less CPU than openpyxl
    for the same file, which a download pays on every click.
    """
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            # Text stays text: never a formula, a link or a number.
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    worksheet = workbook.add_worksheet(sheet.title)
    date = workbook.add_format({"num_format": DATE_FORMAT})
    for index, column in enumerate(sheet.columns):
        worksheet.set_column(index, index, column.width)
    worksheet.freeze_panes(1, 0)
    worksheet.write_row(
        0, 0, [column.title for column in sheet.columns], workbook.add_format({"bold": True})
    )
    # Each column's way of writing, chosen once: a plan writes a thousand cells or more.
    writers = [_writer(worksheet, column.kind, date) for column in sheet.columns]
    for row_index, row in enumerate(sheet.rows, start=1):
        for column_index, (write, value) in enumerate(zip(writers, row, strict=True)):
            # Nothing to say is a blank cell, as Excel makes one: an empty text would count as
            # a value (COUNTA) and cost a cell of XML in every row of a plan.
            if value is not None and value != "":
                write(row_index, column_index, value)
    workbook.close()
    return buffer.getvalue()


def _writer(worksheet, kind: str, date):
    """How a column of this kind writes a value that is not None into a cell."""
    if kind == DATE:
        return lambda row, column, value: worksheet.write_datetime(row, column, value, date)
    if kind == NUMBER:
        return worksheet.write_number
    if kind == YES_NO:
        return lambda row, column, value: worksheet.write_string(
            row, column, "yes" if value else "no"
        )
    return lambda row, column, value: worksheet.write_string(
        row, column, ILLEGAL_CHARACTERS.sub("", str(value))
    )
