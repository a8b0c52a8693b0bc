"""Every write of the reports app: schedules and notes, and making and sending reports.

A report is stored under a unique key in the same transaction that queues its emails: a
second tick, a second worker or a double click fails on the key and sends nothing.
"""

import hashlib
import logging
import re
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe

from common.pdf import html_to_pdf
from outbox.services import BROKER_ERRORS, Message, emails_queue_bulk, subject_line
from projects.models import ImplementationProject
from reports import gantt
from reports import schedule as sched
from reports.models import Audience, ReportDocument, StatusReport, StatusReportSettings
from reports.selectors import (
    LINK_ACCOUNT,
    LINK_BY_KIND,
    LINK_NONE,
    LINK_REPORT,
    ReportInputs,
    client_content,
    due_reports,
    recipients,
    report_content,
    report_inputs,
    report_project_queryset,
    report_settings_of,
    reporting_projects,
)

logger = logging.getLogger(__name__)

EMAIL_KIND = "status_report"
EMAIL_TEMPLATE = "reports/email/status_report"
DEDUP_KEY_MAX = 200
# Due reports made together by the tick: enough to make reading their data in sets worth it,
# few enough that a failing commit loses little (the next tick makes them).
REPORT_CHUNK = 100


class StatusReportsFailed(Exception):
    """Some due reports could not be made; the others were made and sent."""

    def __init__(self, created: list[StatusReport], failed_project_ids: list[int]):
        self.created = created
        self.failed_project_ids = failed_project_ids
        super().__init__(
            f"Status reports failed for project(s) {', '.join(map(str, failed_project_ids))}; "
            f"{len(created)} other report(s) were sent."
        )


@dataclass
class Version:
    """One version of a report as its readers get it: the email, and the document (the same
    content with the full timeline) that the page shows and the PDF is made from."""

    audience: str
    content: dict
    subject: str
    body_html: str
    body_text: str
    document_html: str


@dataclass
class ReportDraft:
    content: dict
    subject: str
    body_html: str
    body_text: str
    recipients: list[dict]
    versions: dict[str, Version]

    @property
    def internal(self) -> Version:
        return self.versions[Audience.INTERNAL]

    @property
    def client(self) -> Version:
        return self.versions[Audience.CLIENT]


@transaction.atomic
def report_settings_update(
    *,
    project: ImplementationProject,
    user: User,
    cadence: str,
    weekday: int,
    notes: str,
    client_recipients: list | None = None,
    now: datetime | None = None,
) -> StatusReportSettings:
    """Save a project's report schedule and notes; a new schedule starts with its next period.

    `client_recipients` (contacts of the project's client) become the project's choice of who
    receives the client version; None leaves the choice as it was.
    """
    # A new row holds the defaults, which is what applied to the project before it existed.
    row, _ = StatusReportSettings.objects.get_or_create(project=project)
    before = sched.schedule_of(row)
    row.cadence, row.weekday, row.next_notes, row.updated_by = cadence, weekday, notes, user
    fields = ["cadence", "weekday", "next_notes", "updated_by", "updated_at"]
    if (before.cadence, before.weekday) != (cadence, weekday):
        row.schedule_changed_on = sched.report_day(now)
        fields.append("schedule_changed_on")
    if client_recipients is not None:
        row.client_recipients_chosen = True
        fields.append("client_recipients_chosen")
    row.full_clean()
    row.save(update_fields=fields)
    if client_recipients is not None:
        row.client_recipients.set(
            [contact for contact in client_recipients if contact.client_id == project.client_id]
        )
    return row


def report_subject(content: dict) -> str:
    project = content["project"]
    day = date_format(content["today"], "j M Y")
    return subject_line(f"Status report: {project['name']}, {day} ({content['health']['label']})")


def client_subject(content: dict) -> str:
    # No health in the client's subject: its colour may come from the budget or internal risks.
    project = content["project"]
    day = date_format(content["today"], "j M Y")
    return subject_line(f"Status report: {project['name']}, {day}")


# reports/jinja2/reports/, drawn by the template engine of this name (onboarding/settings.py).
JINJA2 = "jinja2"
TEMPLATES = {
    Audience.INTERNAL: "reports/_report_body",
    Audience.CLIENT: "reports/_client_body",
}


def report_render(
    content: dict, audience: str = Audience.INTERNAL, *, document_only: bool = False
) -> tuple[str, str, str]:
    """A version's email HTML, plain text, and document HTML (page and PDF).

    The email shows the timeline as table bars, the document as the SVG chart (see
    reports/gantt.py for why). `document_only` leaves the email parts empty (the preview).
    """
    template = TEMPLATES[audience]
    dates = content["dates"]
    context = {
        "r": content,
        "high_risk_score": settings.GOLIVE_HEALTH["HIGH_RISK_SCORE"],
        "chart": gantt.chart(
            content["timeline"],
            content["today"],
            go_live=dates["actual_go_live"] or dates["forecast_go_live"],
            went_live=dates["actual_go_live"] is not None,
        ),
    }
    # Drawn by Jinja2 (common/jinja2env.py): the tick draws these for thousands of reports.
    document = render_to_string(f"{template}.html", {**context, "medium": "document"}, using=JINJA2)
    if document_only:
        return "", "", document
    text = render_to_string(f"{template}.txt", context, using=JINJA2)
    # Template tags leave runs of blank lines behind; one blank line separates sections.
    text = re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
    email = render_to_string(f"{template}.html", {**context, "medium": "email"}, using=JINJA2)
    return email, text, document


def report_build(
    *,
    project: ImplementationProject,
    now: datetime,
    inputs: ReportInputs | None = None,
    client_contact_ids: list[int] | None = None,
    preview: str | None = None,
) -> ReportDraft:
    """Compose a report from current data without saving it (the preview, and report_create).

    Needs a project from reports.selectors.report_project_queryset(), and the inputs read for
    it (alone, when none are given: see reports.selectors.report_inputs). `preview` (an
    audience) renders only that version's document, for the preview page, whose recipients
    have no link (the project may come from report_project_queryset(links=False)).
    """
    if inputs is None:
        # A preview shows one version: the other's lists are not read.
        inputs = report_inputs([project], now=now, only=preview)
    content = report_content(project, now=now, inputs=inputs)
    client = client_content(project, content, inputs)
    versions = {}
    for audience, data, subject in (
        (Audience.INTERNAL, content, report_subject(content)),
        (Audience.CLIENT, client, client_subject(client)),
    ):
        if preview is not None and preview != audience:
            body_html = body_text = document_html = ""
        else:
            body_html, body_text, document_html = report_render(
                data, audience, document_only=preview is not None
            )
        versions[audience] = Version(audience, data, subject, body_html, body_text, document_html)
    return ReportDraft(
        content=content,
        subject=versions[Audience.INTERNAL].subject,
        body_html=versions[Audience.INTERNAL].body_html,
        body_text=versions[Audience.INTERNAL].body_text,
        recipients=recipients(project, client_contact_ids, links=preview is None),
        versions=versions,
    )


def _scheduled_key(project_id: int, period_start: date) -> str:
    return f"scheduled:{project_id}:{period_start.isoformat()}"


def _manual_key(project_id: int, now: datetime) -> str:
    return f"manual:{project_id}:{timezone.localtime(now):%Y%m%d%H%M}"


def _dedup_key(report_id: int, email: str) -> str:
    key = f"status-report:{report_id}:{email.lower()}"
    if len(key) > DEDUP_KEY_MAX:
        digest = hashlib.sha256(email.lower().encode()).hexdigest()
        key = f"status-report:{report_id}:sha256:{digest}"
    return key


def _link_for(report: StatusReport, link: str) -> dict:
    """Only people who can log in get a link; each to the page they are allowed to open."""
    if link == LINK_REPORT:
        return {
            "action_url": settings.SITE_URL + report.get_absolute_url(),
            "action_label": "Open this report in Golive",
        }
    if link == LINK_ACCOUNT:
        return {
            "action_url": settings.SITE_URL
            + reverse("projects:account_status", args=[report.project.client_id]),
            "action_label": "See the account in Golive",
        }
    return {}


def _link_of(recipient: dict) -> str:
    # Reports stored before recipients carried their link: the kind decided it then.
    return recipient.get("link", LINK_BY_KIND.get(recipient["kind"], LINK_NONE))


def _version_of(recipient: dict) -> str:
    # Reports stored before there were versions went to everyone as the internal one.
    return recipient.get("version", Audience.INTERNAL)


def _queue_emails(report: StatusReport, documents: dict[str, ReportDocument]) -> None:
    # Readers of the same version whose link opens the same page get the same email: one
    # context each, so each is rendered once.
    contexts: dict[tuple[str, str], dict] = {}
    for recipient in report.recipients:
        key = (_version_of(recipient), _link_of(recipient))
        if key in contexts:
            continue
        document = documents[key[0]]
        contexts[key] = {
            "report": report,
            "subject": document.subject,
            # Safe: body_html is the output of our autoescaping report body templates.
            "body_html": mark_safe(document.body_html),  # noqa: S308  # nosec B308 B703
            "body_text": document.body_text,
            **_link_for(report, key[1]),
        }
    emails_queue_bulk(
        messages=[
            Message(
                kind=EMAIL_KIND,
                to=recipient["email"],
                subject=documents[_version_of(recipient)].subject,
                template=EMAIL_TEMPLATE,
                context=contexts[(_version_of(recipient), _link_of(recipient))],
                dedup_key=_dedup_key(report.pk, recipient["email"]),
                about=report,
            )
            for recipient in report.recipients
        ]
    )


def _record_client_readers(
    project: ImplementationProject, report: StatusReport, document: ReportDocument
) -> None:
    """Keep which of the client's contacts the client version went to: they download it in
    the client portal. A contact's address is how the recipients name them."""
    addresses = {
        recipient["email"].lower()
        for recipient in report.recipients
        if _version_of(recipient) == Audience.CLIENT
    }
    readers = ReportDocument.contacts.through
    readers.objects.bulk_create(
        [
            readers(reportdocument_id=document.pk, contact_id=contact.pk)
            for contact in project.client.all_contacts
            if contact.email.strip().lower() in addresses
        ]
    )


def _queue_pdfs(report: StatusReport) -> None:
    """Have a worker make the report's PDFs once the report is committed.

    A PDF takes WeasyPrint a good part of a second, too long for the tick that makes a report
    for every project at once; should the job be lost, the first download makes the PDF.
    """
    from reports.tasks import make_pdfs

    def enqueue() -> None:
        try:
            make_pdfs.delay(report.pk)
        except BROKER_ERRORS:
            logger.exception("Could not queue the PDFs of status report %s", report.pk)

    transaction.on_commit(enqueue)


def document_pdf(document: ReportDocument) -> bytes:
    """The document's PDF: the stored one, or made now from the stored document and stored.

    Made outside any lock: two workers (or a worker and a download) that make it at once make
    the same bytes from the same stored HTML, and only the first is written.
    """
    if document.pdf:
        return bytes(document.pdf)
    subject, document_html = ReportDocument.objects.values_list("subject", "document_html").get(
        pk=document.pk
    )
    pdf = html_to_pdf(title=subject, body_html=document_html)
    ReportDocument.objects.filter(pk=document.pk, pdf=b"").update(pdf=pdf)
    return bytes(ReportDocument.objects.values_list("pdf", flat=True).get(pk=document.pk))


def report_pdfs_make(report_id: int) -> int:
    """Make the PDFs a report's versions still lack; how many were made (none on a repeat)."""
    missing = ReportDocument.objects.filter(report_id=report_id, pdf=b"").only("pk", "pdf")
    made = 0
    for document in missing:
        document_pdf(document)
        made += 1
    return made


def report_create(
    *,
    project_id: int,
    kind: StatusReport.Kind,
    now: datetime | None = None,
    user: User | None = None,
    period_start: date | None = None,
    project: ImplementationProject | None = None,
    inputs: ReportInputs | None = None,
    client_contact_ids: list[int] | None = None,
) -> StatusReport | None:
    """Make, store and queue one report; None when this report exists already.

    The row is stored under its unique key, so a concurrent attempt waits for this transaction
    and then fails on the key without storing or sending anything. The PM's notes go into the
    report and are cleared, unless they were edited in the meantime. The tick passes the
    project and its inputs, read with those of other due projects.
    """
    now = now or timezone.now()
    if project is None:
        project = report_project_queryset().get(pk=project_id)
    if period_start is None:
        schedule = sched.schedule_of(report_settings_of(project))
        period_start = sched.period_start(schedule, sched.report_day(now), project.kickoff_date)
    key = (
        _scheduled_key(project.pk, period_start)
        if kind == StatusReport.Kind.SCHEDULED
        else _manual_key(project.pk, now)
    )
    # Composed first, then stored in one insert under its unique key: an attempt at the same
    # report running at the same time waits for this transaction, fails on the key and sends
    # nothing.
    draft = report_build(
        project=project, now=now, inputs=inputs, client_contact_ids=client_contact_ids
    )
    with transaction.atomic():
        try:
            with transaction.atomic():
                report = StatusReport.objects.create(
                    project=project,
                    kind=kind,
                    key=key,
                    period_start=period_start,
                    created_at=now,
                    created_by=user,
                    health=draft.content["health"]["level"],
                    subject=draft.subject[:250],
                    snapshot=draft.content,
                    body_html=draft.body_html,
                    body_text=draft.body_text,
                    recipients=draft.recipients,
                )
        except IntegrityError:
            if StatusReport.objects.filter(key=key).exists():
                return None
            raise
        documents = {
            audience: ReportDocument(
                report=report,
                audience=audience,
                subject=version.subject[:250],
                snapshot=version.content,
                body_html=version.body_html,
                body_text=version.body_text,
                document_html=version.document_html,
            )
            for audience, version in draft.versions.items()
        }
        ReportDocument.objects.bulk_create(documents.values())
        _record_client_readers(project, report, documents[Audience.CLIENT])
        _queue_emails(report, documents)
        _queue_pdfs(report)
        if draft.content["notes"]:
            StatusReportSettings.objects.filter(
                project=project, next_notes=draft.content["notes"]
            ).update(next_notes="")
    return report


def report_send_now(
    *,
    project: ImplementationProject,
    user: User | None,
    now: datetime | None = None,
    client_contact_ids: list[int] | None = None,
) -> tuple[StatusReport, bool]:
    """Send a report outside the schedule; a second request in the same minute sends nothing.

    `client_contact_ids` are the contacts who get the client version of this report (the
    project's choice when None). Returns the report and whether this call made it.
    """
    now = now or timezone.now()
    report = report_create(
        project_id=project.pk,
        kind=StatusReport.Kind.MANUAL,
        now=now,
        user=user,
        client_contact_ids=client_contact_ids,
    )
    if report is not None:
        return report, True
    return StatusReport.objects.get(key=_manual_key(project.pk, now)), False


def reports_send_due(
    *, now: datetime | None = None, project_id: int | None = None
) -> list[StatusReport]:
    """Make and queue every scheduled report that is due and not made yet (the beat tick).

    A tick missed while beat or the worker was down is made up here: the period is the same,
    so its key is too, and the report goes out once. Due reports are made REPORT_CHUNK at a
    time: what they show is read for all of them at once, and they are committed together,
    each in a savepoint of its own so that one project's bad data holds back no other.
    """
    now = now or timezone.now()
    created: list[StatusReport] = []
    failed: list[int] = []
    due = due_reports(now, project_id)
    for start in range(0, len(due), REPORT_CHUNK):
        chunk = due[start : start + REPORT_CHUNK]
        projects = report_project_queryset().in_bulk([item.project_id for item in chunk])
        inputs = report_inputs(list(projects.values()), now=now)
        with transaction.atomic():
            for item in chunk:
                try:
                    report = report_create(
                        project_id=item.project_id,
                        kind=StatusReport.Kind.SCHEDULED,
                        now=now,
                        period_start=item.period_start,
                        project=projects[item.project_id],
                        inputs=inputs,
                    )
                except Exception:
                    # One project's bad data must not hold back every other project's report:
                    # its savepoint is rolled back, it is logged here, reported below, and
                    # tried again by the next tick.
                    logger.exception("Status report for project %s failed", item.project_id)
                    failed.append(item.project_id)
                    continue
                if report is not None:
                    created.append(report)
    if failed:
        raise StatusReportsFailed(created, failed)
    return created


def reports_send_now_all(*, now: datetime | None = None) -> list[StatusReport]:
    """Send a report now to every project that reports on a schedule (the command's --now)."""
    now = now or timezone.now()
    due_ids = reporting_projects().values_list("pk", flat=True)
    created = []
    for project_id in due_ids:
        report = report_create(project_id=project_id, kind=StatusReport.Kind.MANUAL, now=now)
        if report is not None:
            created.append(report)
    return created
