"""Demo meetings: each demo project under way had its kick-off and holds a weekly status call.

`seed(result)` is called by `manage.py seed_demo` after the base set is loaded. Meetings are
dated from the project's kick-off and from today, so a second run on the same day changes
nothing; on a later day the weekly calls follow the calendar and the ones no longer in the
window are removed. Action items are the plan's own tasks the meeting handed out, linked back
to it, so the plan (and the health built from it) stays the one the templates made.
"""

from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from clients.models import Contact
from meetings.models import ActionItem, Decision, Meeting
from projects import demo as project_demo
from projects.models import ImplementationProject, Phase, Task

KICKOFF_TITLE = "Kick-off meeting"
WEEKLY_PREFIX = "Weekly status, week "
PAST_WEEKLIES = 3
# Plan tasks the kick-off hands out, the first of them the project has.
KICKOFF_ACTIONS = (
    "Send employee census file",
    "Confirm project team and stakeholders",
    "Provide prior-year payroll registers",
)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _weekly_days(kickoff: date, today: date) -> list[tuple[int, date]]:
    """(week number, Tuesday) of the last few calls before today and the next one."""
    first = kickoff + timedelta(days=(1 - kickoff.weekday()) % 7 or 7)
    past = []
    day = first
    while day < today:
        past.append(day)
        day += timedelta(days=7)
    calls = [*past[-PAST_WEEKLIES:], day]
    return [((d - first).days // 7 + 1, d) for d in calls]


def _wanted(project: ImplementationProject, today: date, tasks: list[Task], contacts) -> list:
    """(meeting values, attendee contacts, decisions, action-item tasks) for one project."""
    kickoff = project.kickoff_date
    names = {c.role: c for c in contacts}
    lead = names.get(Contact.ContactRole.PROJECT_LEAD) or contacts[0]
    sponsor = names.get(Contact.ContactRole.EXECUTIVE_SPONSOR) or lead
    products = ", ".join(p.name for p in project.products.all())
    by_title = {t.title: t for t in tasks}
    meetings = []
    kickoff_actions = [by_title[t] for t in KICKOFF_ACTIONS if t in by_title][:2]
    meetings.append(
        (
            {
                "kind": Meeting.Kind.KICKOFF,
                "title": KICKOFF_TITLE,
                "starts_at": _at(kickoff, 10),
                "duration_minutes": 90,
                "agenda": (
                    f"1. Introductions and roles\n2. Scope: {products}\n3. Plan and go-live date"
                    "\n4. Data we need from you\n5. Ways of working and the weekly status call"
                ),
                "minutes": (
                    f"{sponsor.name} opened the project. We walked through the plan made from the "
                    f"{products} templates and the go-live date. {lead.name} confirmed the "
                    "client's project team. The census file and the prior-year registers are "
                    "the first data we need."
                ),
            },
            [lead, sponsor],
            [
                (
                    "Weekly status call on Tuesdays at 10:00 client time, 45 minutes.",
                    kickoff,
                    f"{sponsor.name} and the PM",
                ),
                (
                    "The go-live date in the plan is the one the project works to.",
                    kickoff,
                    sponsor.name,
                ),
            ],
            kickoff_actions,
        )
    )
    # A weekly call hands out the open task most behind, once per meeting.
    handed = {t.pk for t in kickoff_actions}
    open_tasks = sorted(
        (t for t in tasks if t.status != Task.Status.DONE and t.due_date and t.pk not in handed),
        key=lambda t: (t.due_date, t.pk),
    )
    for week, day in _weekly_days(kickoff, today):
        past = day < today
        action = []
        if past and open_tasks and week % 2 == 0:
            action = [open_tasks.pop(0)]
        decisions = []
        if past and week % 3 == 0:
            decisions = [
                (
                    "Change requests go to the sponsor before they are planned.",
                    day,
                    sponsor.name,
                )
            ]
        meetings.append(
            (
                {
                    "kind": Meeting.Kind.WEEKLY_STATUS,
                    "title": f"{WEEKLY_PREFIX}{week}",
                    "starts_at": _at(day, 10),
                    "duration_minutes": 45,
                    "agenda": "1. Actions from last week\n2. Plan and dates\n3. Risks and issues"
                    "\n4. Next week",
                    "minutes": (
                        (
                            "Reviewed last week's actions and the plan. "
                            + (
                                f"“{action[0].title}” is behind; owner asked for a date."
                                if action
                                else "Nothing is behind plan this week."
                            )
                        )
                        if past
                        else ""
                    ),
                },
                [lead],
                decisions,
                action,
            )
        )
    return meetings


@transaction.atomic
def seed_meetings(project_ids: list[int], today: date | None = None) -> None:
    today = today or timezone.localdate()
    projects = (
        ImplementationProject.objects.filter(
            pk__in=project_ids, pm__isnull=False, kickoff_date__lte=today
        )
        .exclude(phase=Phase.SALES_HANDOFF)
        .select_related("pm")
        .prefetch_related("products")
        .order_by("pk")
    )
    rec = project_demo._Reconciler(project_demo.SeedResult())
    for project in projects:
        tasks = list(project.tasks.order_by("due_date", "pk"))
        contacts = list(Contact.objects.filter(client_id=project.client_id).order_by("pk"))
        if not contacts:
            continue
        team = [project.pm, *User.objects.filter(project_memberships__project=project)]
        existing = {m.title: m for m in project.meetings.all()}
        wanted = _wanted(project, today, tasks, contacts)
        keep = set()
        for values, attendees, decisions, actions in wanted:
            meeting = rec.upsert(
                Meeting,
                existing,
                values["title"],
                {
                    **values,
                    "project_id": project.pk,
                    "created_by_id": project.pm_id,
                    "updated_by_id": project.pm_id,
                },
            )
            keep.add(meeting.pk)
            if {u.pk for u in meeting.attendee_users.all()} != {u.pk for u in team}:
                meeting.attendee_users.set(team)
            if {c.pk for c in meeting.attendee_contacts.all()} != {c.pk for c in attendees}:
                meeting.attendee_contacts.set(attendees)
            have = {d.text: d for d in meeting.decisions.all()}
            for text, decided_on, decided_by in decisions:
                rec.upsert(
                    Decision,
                    have,
                    text,
                    {
                        "meeting_id": meeting.pk,
                        "text": text,
                        "decided_on": decided_on,
                        "decided_by": decided_by,
                        "recorded_by_id": project.pm_id,
                        "recorded_at": values["starts_at"] + timedelta(hours=1),
                    },
                )
            for task in actions:
                ActionItem.objects.update_or_create(
                    task=task,
                    defaults={"meeting": meeting, "created_by_id": project.pm_id},
                )
        # Weekly calls that fell out of the window since an earlier run.
        project.meetings.filter(title__startswith=WEEKLY_PREFIX).exclude(pk__in=keep).delete()


def seed(result) -> None:
    """seed_demo's hook: meetings on the base projects under way."""
    seed_meetings(result.project_ids)
