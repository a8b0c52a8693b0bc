"""The portal's small cards on staff pages: the project, the task and the client.

Usage: {% load portal_tags %}{% project_portal_card project %}, {% task_files_card task %},
{% client_surveys_card client %}. Each reads the database once.
"""

from django import template
from django.db.models import Avg, Count, OuterRef, Subquery

from portal.models import PortalAccess, Survey, TaskUpload
from projects.models import ImplementationProject

register = template.Library()


def _per_project(queryset, value):
    return Subquery(
        queryset.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(v=value)
        .values("v")
    )


@register.inclusion_tag("portal/staff/_project_card.html")
def project_portal_card(project) -> dict:
    """Who has portal access and what the surveys said, in one query."""
    answered = Survey.objects.filter(answered_at__isnull=False)
    row = (
        ImplementationProject.objects.filter(pk=project.pk)
        .annotate(
            active=_per_project(PortalAccess.objects.filter(revoked_at__isnull=True), Count("pk")),
            answers=_per_project(answered, Count("pk")),
            csat=_per_project(answered, Avg("csat")),
            nps=_per_project(answered, Avg("nps")),
        )
        .values("active", "answers", "csat", "nps")
        .first()
    ) or {}
    return {"project": project, **row}


@register.inclusion_tag("portal/staff/_task_files.html")
def task_files_card(task) -> dict:
    uploads = list(
        TaskUpload.objects.filter(task=task)
        .select_related("uploaded_by")
        .only("original_name", "size", "uploaded_at", "task_id", "uploaded_by__name")
    )
    return {"task": task, "uploads": uploads}


@register.inclusion_tag("portal/staff/_client_surveys.html")
def client_surveys_card(client) -> dict:
    surveys = list(
        Survey.objects.filter(project__client=client)
        .select_related("contact", "project")
        .only(
            "reason",
            "sent_at",
            "reminded_at",
            "answered_at",
            "csat",
            "nps",
            "comment",
            "contact__name",
            "project__name",
        )[:20]
    )
    answered = [s for s in surveys if s.answered_at]
    return {
        "surveys": surveys,
        "average_csat": sum(s.csat for s in answered) / len(answered) if answered else None,
        "average_nps": sum(s.nps for s in answered) / len(answered) if answered else None,
    }
