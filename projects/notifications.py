"""Who hears of a handoff waiting on them: an email through the outbox, once per event.

- a sales handoff linked to a project with a PM → that PM (clients.notifications tells the
  implementation managers of a handoff no PM holds yet);
- a handoff report sent → every support user;
- a report returned with questions → the project's PM;
- a report accepted → the project's PM and the account's sales rep.

A project without a PM has its PM's notices go to the implementation managers. Each waiting
item also shows on the person's home page (projects.selectors.waiting_for) until acted on.
"""

from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.urls import reverse

from clients import notifications as client_notifications
from clients.roles import Role
from outbox.services import Message, emails_queue_bulk
from outbox.text import one_line
from projects.models import HandoffReport, ImplementationProject

EMAIL_KIND = "handoff_report"
TEMPLATES = {
    HandoffReport.Status.SENT: "projects/email/handoff_report_sent",
    HandoffReport.Status.RETURNED: "projects/email/handoff_report_returned",
    HandoffReport.Status.ACCEPTED: "projects/email/handoff_report_accepted",
}
SUBJECTS = {
    HandoffReport.Status.SENT: "Handoff report to review: {client} ({project})",
    HandoffReport.Status.RETURNED: "Handoff report returned with questions: {project}",
    HandoffReport.Status.ACCEPTED: "Support accepted the handoff report: {project}",
}


def _name(user: User) -> str:
    return user.get_full_name() or user.username


def _people(users) -> list[User]:
    return [user for user in users if user is not None and user.is_active and user.email]


def _pm_or_managers(project: ImplementationProject) -> list[User]:
    if project.pm_id:
        return _people([project.pm])
    return client_notifications.implementation_managers()


def _support() -> list[User]:
    return list(
        User.objects.filter(is_active=True, groups__name=Role.SUPPORT)
        .exclude(email="")
        .order_by("pk")
    )


def _stamp(moment: datetime | None) -> str:
    return "first" if moment is None else str(int(moment.timestamp() * 1_000_000))


def event_key(report: HandoffReport) -> str:
    """What names this event of the report, the same however often a click repeats it.

    A report goes sent → returned → sent again…: a sending is named by the return before it
    (decided_at, which sending leaves alone), a decision by its own time.
    """
    if report.status == HandoffReport.Status.SENT:
        return f"sent:{_stamp(report.decided_at)}"
    if report.status == HandoffReport.Status.RETURNED:
        return f"returned:{_stamp(report.decided_at)}"
    return "accepted"


def dedup_key(report: HandoffReport, user_id: int) -> str:
    return f"handoff-report:{report.pk}:{event_key(report)}:to:{user_id}"


def sales_handoff_linked(*, project: ImplementationProject) -> None:
    """The project's PM is asked to acknowledge the sales handoff the project now holds."""
    if project.pm_id and project.sales_handoff_id:
        client_notifications.sales_handoff_notify(
            handoff=project.sales_handoff, recipients=[project.pm]
        )


def handoff_report_changed(*, report: HandoffReport) -> None:
    """Tell whoever the report now waits on, or whom its acceptance concerns."""
    project = report.project
    status = HandoffReport.Status(report.status)
    if status == HandoffReport.Status.SENT:
        recipients = _support()
    elif status == HandoffReport.Status.RETURNED:
        recipients = _pm_or_managers(project)
    elif status == HandoffReport.Status.ACCEPTED:
        recipients = _pm_or_managers(project) + _people([project.client.sales_rep])
    else:
        return
    client_name, project_name = one_line(project.client.name), one_line(project.name)
    common = {
        "status": status.value,
        "client_name": client_name,
        "project_name": project_name,
        "report": report,
        "sent_by": _name(report.sent_by) if report.sent_by else "",
        "decided_by": _name(report.decided_by) if report.decided_by else "",
        # The report's page opens for each of them: the team, support and the account's rep.
        "action_url": settings.SITE_URL + reverse("projects:handoff_report", args=[project.pk]),
        "action_label": "Open the handoff report",
    }
    subject = one_line(SUBJECTS[status].format(client=client_name, project=project_name))
    seen: set[int] = set()
    messages = []
    for person in recipients:
        if person.pk in seen:
            continue
        seen.add(person.pk)
        messages.append(
            Message(
                kind=EMAIL_KIND,
                to=person.email,
                subject=subject,
                template=TEMPLATES[status],
                context={**common, "recipient_name": _name(person)},
                dedup_key=dedup_key(report, person.pk),
                about=report,
            )
        )
    emails_queue_bulk(messages=messages)
