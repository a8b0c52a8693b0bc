"""The weekly sales digest: each sales rep's accounts, through the outbox, once per rep and week.

The dedup key names the rep and the ISO week, so the job may tick as often as it likes: the
first tick of the week from the configured weekday and hour on sends, later ones find the
message stored. A rep with no accounts gets nothing.
"""

from datetime import date, datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from clients.models import Client
from clients.roles import Role
from outbox.models import OutgoingEmail
from outbox.services import Message, emails_queue_bulk
from outbox.text import one_line
from projects import satisfaction
from projects.models import ImplementationProject, Issue, Milestone

EMAIL_KIND = "sales_digest"


def week_label(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def dedup_key(rep_id: int, day: date) -> str:
    return f"sales-digest:{rep_id}:{week_label(day)}"


def is_due(now: datetime) -> bool:
    """Whether this week's digest may go out yet (the week starts on Monday)."""
    local = timezone.localtime(now)
    config = settings.GOLIVE_HANDOFF
    return (local.weekday(), local.hour) >= (config["DIGEST_WEEKDAY"], config["DIGEST_HOUR"])


def digest_accounts(rep_ids: list[int] | None = None) -> dict[int, list[Client]]:
    """Each rep's accounts with their projects, next milestones and open critical issues, in
    four queries whatever the number of reps."""
    projects = (
        ImplementationProject.objects.exclude(status=ImplementationProject.Status.CANCELLED)
        .only(
            "name",
            "client_id",
            "phase",
            "status",
            "health",
            "health_reasons",
            "baseline_go_live",
            "forecast_go_live",
            "actual_go_live",
        )
        .prefetch_related(
            Prefetch(
                "milestones",
                queryset=Milestone.objects.open()
                .only("name", "due_date", "project_id")
                .order_by("due_date", "order", "pk"),
                to_attr="open_milestones",
            ),
            Prefetch(
                "issues",
                queryset=Issue.objects.open()
                .critical()
                .only("title", "project_id")
                .order_by("-raised_at"),
                to_attr="open_critical_issues",
            ),
        )
        .order_by("forecast_go_live", "pk")
    )
    clients = (
        Client.objects.filter(sales_rep__isnull=False, sales_rep__is_active=True)
        .only("name", "account_status", "sales_rep_id")
        .prefetch_related(Prefetch("projects", queryset=projects, to_attr="digest_projects"))
        .order_by("name", "pk")
    )
    if rep_ids is not None:
        clients = clients.filter(sales_rep_id__in=rep_ids)
    by_rep: dict[int, list[Client]] = {}
    clients = list(clients)
    answers = satisfaction.summaries(p.pk for c in clients for p in c.digest_projects)
    for client in clients:
        for project in client.digest_projects:
            project.next_milestone = project.open_milestones[0] if project.open_milestones else None
            project.satisfaction = answers.get(project.pk, "")
        by_rep.setdefault(client.sales_rep_id, []).append(client)
    return by_rep


def sales_digests_send(*, now: datetime | None = None) -> int:
    """Queue this week's digest for every rep with accounts who has none yet; returns how
    many were queued."""
    now = now or timezone.now()
    if not is_due(now):
        return 0
    today = timezone.localdate(now)
    reps = {
        rep.pk: rep
        for rep in User.objects.filter(is_active=True, groups__name=Role.SALES).exclude(email="")
    }
    sent = set(
        OutgoingEmail.objects.filter(
            dedup_key__in=[dedup_key(rep_id, today) for rep_id in reps]
        ).values_list("dedup_key", flat=True)
    )
    reps = {pk: rep for pk, rep in reps.items() if dedup_key(pk, today) not in sent}
    if not reps:
        return 0
    accounts = digest_accounts(list(reps))
    messages = []
    for rep_id, clients in sorted(accounts.items()):
        rep = reps[rep_id]
        messages.append(
            Message(
                kind=EMAIL_KIND,
                to=rep.email,
                subject=f"Your accounts this week ({week_label(today)})",
                template="golive/email/sales_digest",
                context={
                    "recipient_name": one_line(rep.get_full_name() or rep.username),
                    "week": week_label(today),
                    "accounts": [
                        {
                            "name": client.name,
                            "status": client.get_account_status_display(),
                            "url": settings.SITE_URL
                            + reverse("projects:account_status", args=[client.pk]),
                            "projects": client.digest_projects,
                        }
                        for client in clients
                    ],
                },
                dedup_key=dedup_key(rep_id, today),
            )
        )
    emails_queue_bulk(messages=messages)
    return len(messages)
