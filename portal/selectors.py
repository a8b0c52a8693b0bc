"""What the portal pages read: only what is flagged client-visible, in a fixed number of queries."""

from django.db.models import CharField, F, Q, QuerySet, Value
from django.db.models.functions import Concat
from django.utils import timezone

from acceptance.models import TestCase
from clients.models import Contact
from portal.models import PortalActivity, SignOffRequest, Survey, TaskUpload
from projects.models import ImplementationProject, Milestone, Phase, ProjectMembership, Task
from reports.models import Audience, ReportDocument

CLIENT_TASK_FIELDS = (
    "title",
    "description",
    "status",
    "start_date",
    "due_date",
    "milestone_id",
    "owner_contact_id",
    "owner_contact__name",
    "visible_to_client",
    "project_id",
)


def client_milestones(project: ImplementationProject) -> list[Milestone]:
    return list(
        Milestone.objects.filter(project=project, visible_to_client=True).only(
            "name", "order", "due_date", "completed_on", "signed_off_at", "phase", "project_id"
        )
    )


def client_tasks(project: ImplementationProject) -> list[Task]:
    return list(
        Task.objects.filter(project=project, visible_to_client=True)
        .select_related("owner_contact")
        .only(*CLIENT_TASK_FIELDS)
        .order_by("due_date", "pk")
    )


def open_signoffs(contact: Contact, project_ids) -> list[SignOffRequest]:
    """Sign-offs asked of the contact: client-visible milestones, and UAT (no milestone)."""
    return list(
        SignOffRequest.objects.filter(
            Q(milestone__project_id__in=project_ids, milestone__visible_to_client=True)
            | Q(milestone__isnull=True, project_id__in=project_ids),
            contact=contact,
            signed_at__isnull=True,
        )
        .select_related("milestone")
        .only(
            "requested_at",
            "project_id",
            "milestone_id",
            "milestone__name",
            "milestone__project_id",
            "milestone__due_date",
        )
    )


def open_surveys(contact: Contact, project_ids) -> list[Survey]:
    return list(
        Survey.objects.filter(
            contact=contact, answered_at__isnull=True, project_id__in=project_ids
        ).only("reason", "project_id", "sent_at")
    )


def project_documents(project: ImplementationProject) -> list[TaskUpload]:
    """Files sent for the project's client-visible tasks (what the client's side sent)."""
    return list(
        TaskUpload.objects.filter(task__project=project, task__visible_to_client=True)
        .select_related("task", "uploaded_by")
        .only(
            "original_name",
            "size",
            "uploaded_at",
            "task__title",
            "uploaded_by__name",
        )
    )


def sent_reports(contact: Contact, projects) -> QuerySet[ReportDocument]:
    """The client versions of the projects' status reports that were sent to the contact,
    newest first; never an internal version."""
    return (
        ReportDocument.objects.filter(
            audience=Audience.CLIENT, contacts=contact, report__project__in=projects
        )
        .select_related("report")
        .only("subject", "report_id", "report__created_at")
        .order_by("-report__created_at", "-pk")
    )


def task_uploads(task: Task) -> list[TaskUpload]:
    return list(
        TaskUpload.objects.filter(task=task)
        .select_related("uploaded_by")
        .only("original_name", "size", "uploaded_at", "task_id", "uploaded_by__name")
    )


def timeline(project: ImplementationProject, milestones, tasks) -> dict:
    """Milestones in order, each with its client-visible tasks; tasks of none at the end."""
    by_milestone: dict[int | None, list[Task]] = {}
    for task in tasks:
        by_milestone.setdefault(task.milestone_id, []).append(task)
    rows = [{"milestone": m, "tasks": by_milestone.pop(m.pk, [])} for m in milestones]
    loose = [task for tasks_ in by_milestone.values() for task in tasks_]
    return {"rows": rows, "loose": sorted(loose, key=lambda t: (t.due_date is None, t.due_date))}


def phases() -> list[Phase]:
    return Phase.ordered()


def projects_with_progress(visitor) -> list[ImplementationProject]:
    return list(
        visitor.projects()
        .only("name", "phase", "status", "forecast_go_live", "actual_go_live")
        .order_by("name")
    )


CASE_FIELDS = (
    "title",
    "is_critical",
    "project_id",
    "tester_contact_id",
    "latest_run__passed",
    "latest_run__run_at",
    "latest_run__defect__status",
)


def cases_to_run(contact: Contact, project: ImplementationProject) -> list[TestCase]:
    """The project's test cases given to the contact, with their latest outcome: one query."""
    return list(
        TestCase.objects.filter(project=project, tester_contact=contact)
        .select_related("latest_run__defect")
        .only(*CASE_FIELDS)
        .order_by("-is_critical", "title", "pk")
    )


def satisfaction_answers(project_ids) -> dict[int, list[dict]]:
    """The answered surveys of the projects, newest first (a projects.satisfaction source)."""
    found: dict[int, list[dict]] = {}
    rows = (
        Survey.objects.filter(project_id__in=project_ids, answered_at__isnull=False)
        .order_by("-answered_at", "-pk")
        .values_list(
            "project_id", "csat", "nps", "comment", "reason", "contact__name", "answered_at"
        )
    )
    for project_id, csat, nps, comment, reason, name, answered_at in rows:
        found.setdefault(project_id, []).append(
            {
                "csat": csat,
                "nps": nps,
                "comment": comment,
                "occasion": Survey.Reason(reason).label.lower(),
                "by": name,
                "answered_on": timezone.localdate(answered_at),
            }
        )
    return found


WAITING_KINDS = {
    PortalActivity.Kind.DONE.value: ("Task done by the client", "projects:task_detail"),
    PortalActivity.Kind.UPLOAD.value: ("File sent by the client", "projects:task_detail"),
}


def waiting_rows(user, is_manager: bool):
    """A projects.waiting source: what contacts did that nobody of the team has seen, on the
    projects the person runs or works on (a manager: also those without a PM)."""
    holder = Q(project__pm=user) | Q(
        project_id__in=ProjectMembership.objects.filter(user=user).values("project_id")
    )
    if is_manager:
        holder |= Q(project__pm__isnull=True)
    return (
        PortalActivity.objects.filter(holder, seen_at__isnull=True)
        .annotate(
            name=Concat(
                F("task__title"), Value(" · "), F("contact__name"), output_field=CharField()
            ),
            target=F("task_id"),
            when=F("at"),
        )
        .values_list("kind", "name", "target", "when")
        .order_by()
    )
