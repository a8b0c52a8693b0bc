"""The team hears what a client did in the portal: an email through the outbox, once per event.

- a contact finished a task, or uploaded a file for it → the project's PM and team (the
  task's owner, if it had been a user, is on the team anyway);
- a contact signed a milestone off → the project's PM (the implementation managers if none).
Each email's button opens the staff page of the task or project, for the person it was sent to.
"""

from django.conf import settings
from django.contrib.auth.models import User
from django.urls import reverse

from clients import notifications as client_notifications
from outbox.services import Message, emails_queue_bulk
from outbox.text import one_line
from projects.models import ImplementationProject, Task

EMAIL_KIND = "portal_activity"


def _name(user: User) -> str:
    return user.get_full_name() or user.username


def _team(project: ImplementationProject) -> list[User]:
    people = [project.pm] if project.pm_id else client_notifications.implementation_managers()
    people += [m.user for m in project.memberships.select_related("user")]
    seen, found = set(), []
    for person in people:
        if person and person.is_active and person.email and person.pk not in seen:
            seen.add(person.pk)
            found.append(person)
    return found


def _send(recipients: list[User], *, subject: str, text: str, url: str, dedup_key: str) -> None:
    emails_queue_bulk(
        messages=[
            Message(
                kind=EMAIL_KIND,
                to=person.email,
                subject=one_line(subject),
                template="portal/email/team_update",
                context={"recipient_name": _name(person), "text": text, "action_url": url},
                dedup_key=f"{dedup_key}:to:{person.pk}",
            )
            for person in recipients
        ]
    )


def team_told(
    *, project: ImplementationProject, subject: str, text: str, task: Task, dedup_key: str
) -> None:
    url = settings.SITE_URL + reverse("projects:task_detail", args=[task.pk])
    _send(_team(project), subject=subject, text=text, url=url, dedup_key=dedup_key)


def pm_told(*, project: ImplementationProject, subject: str, text: str, dedup_key: str) -> None:
    people = [project.pm] if project.pm_id else client_notifications.implementation_managers()
    people = [p for p in people if p and p.is_active and p.email]
    url = settings.SITE_URL + reverse("projects:detail", args=[project.pk])
    _send(people, subject=subject, text=text, url=url, dedup_key=dedup_key)
