"""The handoff report at go-live: built from the project once per go-live, rebuilt by the PM
until it is sent, stored as support received it, and a reminder whenever it waits on someone
who does not act.

What the report is built from (the facts) is kept as JSON on the report, so that what support
reads does not change under it as the project moves on; the PM's free-text sections are
drafted from the same facts where the PM has not written them.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from clients.roles import Role
from golive.models import HandoffMessage
from outbox.services import Message, emails_queue_bulk
from outbox.text import one_line
from projects import handoff_document, satisfaction
from projects.models import HandoffReport, ImplementationProject, Phase, PhaseChange, Task
from projects.scheduling import holidays_from, subtract_business_days

EMAIL_KIND = "handoff_report"
# The phases whose finished work is "what was configured".
CONFIGURED_PHASES = [Phase.CONFIGURATION, Phase.DATA_CONVERSION]
# Tasks and milestones whose title says they were training.
TRAINING_WORDS = ("train", "workshop", "enablement")
SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3}


def _name(user: User | None) -> str:
    return (user.get_full_name() or user.username) if user else ""


def _day(value) -> str:
    return value.isoformat() if value else ""


def _is_training(title: str) -> bool:
    lowered = title.lower()
    return any(word in lowered for word in TRAINING_WORDS)


def _decisions(project: ImplementationProject) -> list[dict]:
    """Decisions recorded in the project's meetings, where the meetings app holds any."""
    if not apps.is_installed("meetings"):
        return []
    decision = apps.get_model("meetings", "Decision")
    return [
        {"text": d.text, "decided_on": _day(d.decided_on), "decided_by": d.decided_by}
        for d in decision.objects.filter(meeting__project=project).order_by("decided_on", "pk")
    ]


def _test_results(project: ImplementationProject) -> dict:
    """Test cases by their latest run, where the acceptance app holds any."""
    if not apps.is_installed("acceptance"):
        return {}
    case = apps.get_model("acceptance", "TestCase")
    return case.objects.filter(project=project).aggregate(
        total=Count("pk"),
        passed=Count("pk", filter=Q(latest_run__passed=True)),
        failed=Count("pk", filter=Q(latest_run__passed=False)),
        not_run=Count("pk", filter=Q(latest_run__isnull=True)),
    )


def handoff_facts(project: ImplementationProject) -> dict:
    """Everything support is told about the client, as JSON, read from the project now."""
    client = project.client
    milestones = list(project.milestones.select_related("signed_off_by").order_by("order", "pk"))
    done_tasks = list(
        project.tasks.filter(status=Task.Status.DONE)
        .select_related("milestone")
        .only("title", "completed_at", "milestone__phase", "milestone__name")
        .order_by("completed_at", "pk")
    )
    hours = project.time_entries.aggregate(
        total=Sum("hours"), billable=Sum("hours", filter=Q(billable=True))
    )
    used = hours["total"] or Decimal(0)
    issues = sorted(
        project.issues.open().select_related("owner"),
        key=lambda issue: (SEVERITY_ORDER.get(issue.severity, 9), issue.pk),
    )
    risks = project.risks.open().order_by("-score", "pk")
    configured_milestones = [
        m.name for m in milestones if m.phase in CONFIGURED_PHASES and m.is_complete
    ]
    configured_tasks = [
        t.title
        for t in done_tasks
        if t.milestone is not None and t.milestone.phase in CONFIGURED_PHASES
    ]
    training = [t.title for t in done_tasks if _is_training(t.title)] + [
        m.name for m in milestones if m.is_complete and _is_training(m.name)
    ]
    return {
        "client": {
            "name": client.name,
            "industry": client.industry,
            "segment": client.get_segment_display(),
            "employees": client.employee_count,
            "time_zone": client.time_zone,
            "sales_rep": _name(client.sales_rep),
        },
        "products": [product.name for product in project.products.order_by("name")],
        "configured": {"milestones": configured_milestones, "tasks": configured_tasks},
        "contacts": [
            {
                "name": c.name,
                "role": c.get_role_display(),
                "email": c.email,
                "phone": c.phone,
                "primary": c.is_primary,
            }
            for c in client.contacts.order_by("-is_primary", "name")
        ],
        "team": {
            "pm": _name(project.pm),
            "members": [
                f"{_name(m.user)} — {m.get_role_display()}"
                for m in project.memberships.select_related("user").order_by("pk")
            ],
        },
        "dates": {
            "kickoff": _day(project.kickoff_date),
            "baseline_go_live": _day(project.baseline_go_live),
            "actual_go_live": _day(project.actual_go_live),
            "hypercare_ends": _day(project.hypercare_ends_on),
        },
        "open_issues": [
            {
                "title": i.title,
                "severity": i.get_severity_display(),
                "owner": _name(i.owner),
                "raised": _day(timezone.localdate(i.raised_at)),
            }
            for i in issues
        ],
        "open_risks": [
            {"title": r.title, "score": r.score, "mitigation": r.mitigation_plan} for r in risks
        ],
        "decisions": _decisions(project),
        "tests": {
            "uat_signed_off": _day(
                timezone.localdate(project.uat_signed_off_at) if project.uat_signed_off_at else None
            ),
            "uat_signed_off_by": project.uat_signed_off_by.name
            if project.uat_signed_off_by
            else "",
            "uat_recorded_by": _name(project.uat_signoff_recorded_by),
            "uat_exception_reason": project.uat_signoff_exception_reason,
            "results": _test_results(project),
            "sign_offs": [
                {
                    "milestone": m.name,
                    "critical": m.is_golive_critical,
                    "completed": _day(m.completed_on),
                    "signed_off_by": m.signed_off_by.name if m.signed_off_by else "",
                    "signed_off": _day(timezone.localdate(m.signed_off_at))
                    if m.signed_off_at
                    else "",
                }
                for m in milestones
            ],
        },
        "training": training,
        "budget": {
            "hours_used": f"{used.normalize():f}",
            "hours_billable": f"{(hours['billable'] or Decimal(0)).normalize():f}",
            "hours_budget": f"{project.budget_hours.normalize():f}" if project.budget_hours else "",
            "percent": round(100 * used / project.budget_hours) if project.budget_hours else None,
        },
        # The answers recorded so far (none at go-live, perhaps some at a rebuild); the
        # section says so rather than vanish when there is none.
        "satisfaction": satisfaction.summaries([project.pk]).get(project.pk) or None,
    }


def _draft(facts: dict) -> dict[str, str]:
    """First drafts of the free-text sections, for the PM to edit before sending."""
    configured = facts["configured"]
    lines = []
    if facts["products"]:
        lines.append("Products: " + ", ".join(facts["products"]) + ".")
    lines += [f"- {name}" for name in configured["milestones"] + configured["tasks"]]
    decisions = [
        f"- {d['decided_on']}: {d['text']} ({d['decided_by']})".strip() for d in facts["decisions"]
    ]
    return {
        "configuration_summary": "\n".join(lines),
        "decisions": "\n".join(decisions),
        "training": "\n".join(f"- {title}" for title in facts["training"]),
    }


class HandoffAlreadySent(ValidationError):
    """A report support has (or had) in hand is no longer rebuilt from the project."""


@transaction.atomic
def handoff_report_build(
    *, project_id: int, change_id: int | None = None, user: User | None = None
) -> tuple[HandoffReport, bool]:
    """Build the project's handoff report; returns the report and whether it was (re)built.

    With `change_id` (the job, for one move into Go-live) a report already built for that
    move is left alone: the job may run twice. Without it (the PM's rebuild) the facts are
    gathered again. A report sent or accepted is never rebuilt. Sections the PM has written
    are kept; empty ones are drafted from the facts.
    """
    project = (
        ImplementationProject.objects.select_related(
            "client", "client__sales_rep", "pm", "uat_signed_off_by", "uat_signoff_recorded_by"
        )
        .select_for_update(of=("self",), no_key=True)
        .get(pk=project_id)
    )
    report, _ = HandoffReport.objects.get_or_create(project=project)
    report = HandoffReport.objects.select_for_update(no_key=True).get(pk=report.pk)
    if report.status in (HandoffReport.Status.SENT, HandoffReport.Status.ACCEPTED):
        if change_id is not None:
            return report, False
        raise HandoffAlreadySent(
            "Support has this report in hand; it is rebuilt only before it is sent, or once "
            "support returns it."
        )
    if change_id is not None and report.built_for_change_id == change_id:
        return report, False
    facts = handoff_facts(project)
    fields = ["built_at", "built_data", "version"]
    for field, text in _draft(facts).items():
        if not getattr(report, field).strip() and text:
            setattr(report, field, text)
            fields.append(field)
    report.built_data = facts
    report.built_at = timezone.now()
    if change_id is not None:
        report.built_for_change = PhaseChange.objects.filter(pk=change_id).first()
        fields.append("built_for_change")
    # A rebuild is a change of the row: an edit form opened before it is stale.
    report.version += 1
    report._history_user = user
    report.save(update_fields=fields)
    return report, True


def handoff_snapshot_html(report: HandoffReport, facts: dict) -> str:
    """The report as support reads it, as one HTML fragment (no page around it)."""
    return render_to_string(
        "golive/handoff_snapshot.html",
        {"report": report, "facts": facts, "project": report.project},
    )


def _support_address_message(report: HandoffReport) -> Message:
    project = report.project
    client_name, project_name = one_line(project.client.name), one_line(project.name)
    return Message(
        kind=EMAIL_KIND,
        to=settings.GOLIVE_HANDOFF["SUPPORT_EMAIL"],
        subject=f"Handoff report to review: {client_name} ({project_name})",
        template="golive/email/handoff_to_support",
        context={
            "client_name": client_name,
            "project_name": project_name,
            "snapshot": report.sent_html,
            "sent_by": _name(report.sent_by),
            "action_url": settings.SITE_URL + reverse("projects:handoff_report", args=[project.pk]),
            "action_label": "Accept or return it in Golive",
        },
        # One per sending: a report returned and sent again is a new sending.
        dedup_key=f"handoff-report:{report.pk}:sent-at:{int(report.sent_at.timestamp())}"
        ":to:support-address",
        about=report,
    )


def handoff_report_store_sent(*, report: HandoffReport) -> None:
    """At sending: keep exactly what support receives, and email it to the support address."""
    facts = report.built_data or handoff_facts(report.project)
    report.built_data = facts
    report.sent_html = handoff_snapshot_html(report, facts)
    # The PDF is made from the same HTML, once: its download is exactly what support received.
    report.sent_pdf = handoff_document.document_pdf(report.project, report.sent_html)
    HandoffReport.objects.filter(pk=report.pk).update(
        built_data=facts, sent_html=report.sent_html, sent_pdf=report.sent_pdf
    )
    emails_queue_bulk(messages=[_support_address_message(report)])


def handoff_message_add(*, report: HandoffReport, user: User, body: str, from_support: bool):
    """A question (support) or an answer (the team) on the report's thread; the other side is
    told by email."""
    body = body.strip()
    if not body:
        raise ValidationError({"body": "Write something before posting."})
    message = HandoffMessage.objects.create(
        report=report, author=user, body=body, from_support=from_support
    )
    HandoffReport.objects.filter(pk=report.pk).update(message_count=F("message_count") + 1)
    _tell_thread(report=report, message=message)
    return message


def _support_users() -> list[User]:
    return list(
        User.objects.filter(is_active=True, groups__name=Role.SUPPORT)
        .exclude(email="")
        .order_by("pk")
    )


def _pm_or_managers(project: ImplementationProject) -> list[User]:
    from projects.notifications import _pm_or_managers as pm_or_managers

    return pm_or_managers(project)


def _tell_thread(*, report: HandoffReport, message: HandoffMessage) -> None:
    project = report.project
    recipients = _pm_or_managers(project) if message.from_support else _support_users()
    who = "Support asks" if message.from_support else "The implementation team answers"
    subject = one_line(f"{who} about the handoff report: {project.name}")
    emails_queue_bulk(
        messages=[
            Message(
                kind=EMAIL_KIND,
                to=person.email,
                subject=subject,
                template="golive/email/handoff_message",
                context={
                    "recipient_name": _name(person),
                    "author": _name(message.author),
                    "body": message.body,
                    "project_name": one_line(project.name),
                    "action_url": settings.SITE_URL
                    + reverse("projects:handoff_report", args=[project.pk])
                    + "#handoff-thread",
                    "action_label": "Open the handoff report",
                },
                dedup_key=f"handoff-message:{message.pk}:to:{person.pk}",
                about=report,
            )
            for person in recipients
            if person.pk != (message.author_id or 0)
        ]
    )


def _reminder_cutoff(today: date) -> date:
    """The last day a report may have been sent (or returned) on and be waiting too long."""
    days = settings.GOLIVE_HANDOFF["REMINDER_BUSINESS_DAYS"]
    return subtract_business_days(today, days, holidays_from(today - timedelta(days=366)))


def handoff_reminders_send(*, now: datetime | None = None) -> int:
    """One reminder per wait that nobody acted on: a sent report support has not decided (to
    support), a returned one the team has not sent again (to the PM). Sending and returning
    clear `reminder_sent_at`, so a report sent again, or returned again, is reminded of again.
    Returns how many reports were reminded."""
    now = now or timezone.now()
    cutoff = _reminder_cutoff(timezone.localdate(now))
    waiting = HandoffReport.objects.filter(reminder_sent_at__isnull=True).filter(
        Q(status=HandoffReport.Status.SENT, sent_at__date__lte=cutoff)
        | Q(status=HandoffReport.Status.RETURNED, decided_at__date__lte=cutoff)
    )
    reminded = 0
    for report_id in waiting.values_list("pk", flat=True).order_by("pk"):
        with transaction.atomic():
            # The claim and the emails commit together: a second tick finds it claimed.
            claimed = HandoffReport.objects.filter(
                pk=report_id, reminder_sent_at__isnull=True
            ).update(reminder_sent_at=now)
            if not claimed:
                continue
            report = HandoffReport.objects.select_related(
                "project", "project__client", "project__pm"
            ).get(pk=report_id)
            _remind(report)
            reminded += 1
    return reminded


def _remind(report: HandoffReport) -> None:
    project = report.project
    to_support = report.status == HandoffReport.Status.SENT
    # The wait is named by the hand-over that began it: one reminder per wait and person,
    # however often the tick runs, and a new one for the next wait.
    since = report.sent_at if to_support else report.decided_at
    wait = f"{report.status}:{int(since.timestamp() * 1_000_000)}"
    people = _support_users() if to_support else _pm_or_managers(project)
    addresses = [(person.pk, person.email, _name(person)) for person in people]
    if to_support:
        addresses.append(("address", settings.GOLIVE_HANDOFF["SUPPORT_EMAIL"], "Support"))
    subject = one_line(
        f"Reminder: handoff report waiting for {'support' if to_support else 'your answer'}: "
        f"{project.client.name} ({project.name})"
    )
    emails_queue_bulk(
        messages=[
            Message(
                kind=EMAIL_KIND,
                to=email,
                subject=subject,
                template="golive/email/handoff_reminder",
                context={
                    "recipient_name": name,
                    "to_support": to_support,
                    "client_name": one_line(project.client.name),
                    "project_name": one_line(project.name),
                    "since": since,
                    "action_url": settings.SITE_URL
                    + reverse("projects:handoff_report", args=[project.pk]),
                    "action_label": "Open the handoff report",
                },
                dedup_key=f"handoff-reminder:{report.pk}:{wait}:to:{key}",
                about=report,
            )
            for key, email, name in addresses
        ]
    )


def incoming_handoffs():
    """The reports support has to accept or return, oldest first."""
    return (
        HandoffReport.objects.filter(status=HandoffReport.Status.SENT)
        .select_related("project__client", "project__pm", "sent_by")
        .only(
            "status",
            "sent_at",
            "reminder_sent_at",
            "project__name",
            "project__actual_go_live",
            "project__client__name",
            "project__pm__first_name",
            "project__pm__last_name",
            "project__pm__username",
            "sent_by__first_name",
            "sent_by__last_name",
            "sent_by__username",
        )
        .order_by("sent_at", "pk")
    )


def handoff_builds_recover() -> int:
    """Build the report of every project in Go-live or Hypercare whose build never ran (the
    broker was down when it went live). Returns how many were built."""
    missing = (
        ImplementationProject.objects.active()
        .filter(phase__in=[Phase.GO_LIVE, Phase.HYPERCARE])
        .filter(Q(handoff_report__isnull=True) | Q(handoff_report__built_at__isnull=True))
        .exclude(
            handoff_report__status__in=[HandoffReport.Status.SENT, HandoffReport.Status.ACCEPTED]
        )
        .values_list("pk", flat=True)
        .order_by("pk")
    )
    built = 0
    for project_id in list(missing):
        change_id = (
            PhaseChange.objects.filter(project_id=project_id, to_phase=Phase.GO_LIVE)
            .order_by("-changed_at", "-pk")
            .values_list("pk", flat=True)
            .first()
        )
        if change_id is not None:
            built += handoff_report_build(project_id=project_id, change_id=change_id)[1]
    return built
