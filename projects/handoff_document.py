"""The handoff report as a document: what its page shows below the status, and its PDF.

When the report is sent, the document is rendered once and stored with its PDF: the page and
the download then show exactly what support received, whatever changes on the project later.
"""

from decimal import Decimal

from django.db.models import OuterRef, Prefetch, Subquery, Sum
from django.template.loader import render_to_string

from common.pdf import html_to_pdf
from projects.models import (
    HandoffReport,
    ImplementationProject,
    Milestone,
    ProjectMembership,
    TimeEntry,
)
from projects.selectors import SEVERITY_RANK

TEMPLATE = "projects/items/_handoff_document.html"
# Once sent, the stored document is the report; a report returned with questions is being
# reworked, so its page shows the live draft again.
SHOWS_SENT = (HandoffReport.Status.SENT, HandoffReport.Status.ACCEPTED)


def handoff_project_queryset():
    """The project with what its handoff report shows, its hours summed in the same query."""
    entries = TimeEntry.objects.filter(project=OuterRef("pk")).order_by().values("project")
    return (
        ImplementationProject.objects.annotate(
            hours_total=Subquery(entries.annotate(total=Sum("hours")).values("total")),
            hours_billable=Subquery(
                entries.filter(billable=True).annotate(total=Sum("hours")).values("total")
            ),
        )
        .select_related("client", "client__sales_rep", "pm")
        .prefetch_related(
            "products",
            "client__contacts",
            Prefetch("milestones", queryset=Milestone.objects.select_related("signed_off_by")),
            Prefetch(
                "memberships",
                queryset=ProjectMembership.objects.select_related("user").order_by(
                    "user__first_name", "user__last_name"
                ),
            ),
        )
    )


def document_context(project: ImplementationProject, report: HandoffReport | None) -> dict:
    """What the document shows, built from the project and what the PM wrote."""
    hours_used = project.hours_total or Decimal(0)
    return {
        "project": project,
        "report": report,
        "milestones": list(project.milestones.all()),
        "open_issues": list(
            project.issues.open()
            .select_related("owner")
            .annotate(severity_rank=SEVERITY_RANK)
            .order_by("severity_rank", "-raised_at")
        ),
        "open_risks": list(project.risks.open().select_related("owner").order_by("-score", "pk")),
        "hours_used": hours_used,
        "hours_billable": project.hours_billable or Decimal(0),
        "budget_percent": (
            round(100 * hours_used / project.budget_hours) if project.budget_hours else None
        ),
    }


def render_document(project: ImplementationProject, report: HandoffReport | None) -> str:
    return render_to_string(TEMPLATE, document_context(project, report))


def document_title(project: ImplementationProject) -> str:
    return f"Handoff report: {project.client.name}"


def document_pdf(project: ImplementationProject, html: str) -> bytes:
    """A PDF with the report's heading (the page's own heading is outside the document)."""
    heading = render_to_string("projects/items/_handoff_pdf_heading.html", {"project": project})
    return html_to_pdf(title=document_title(project), body_html=heading + html)
