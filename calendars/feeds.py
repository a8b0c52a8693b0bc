"""The iCalendar feeds: a project's milestones, go-live and meetings; a user's tasks and meetings.

Each feed is read in a fixed number of queries, whatever the size of the plan.
"""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone
from icalendar import Calendar, Event

from calendars.models import CalendarFeed
from meetings.models import Meeting
from projects.models import ImplementationProject, Milestone, Task

PRODID = "-//Golive//Implementation calendar//EN"
# Longest accepted token: token_urlsafe(32) makes 43 characters; anything far longer is no token.
MAX_TOKEN_LENGTH = 64


def feed_user(token: str) -> User | None:
    """The active user whose calendar link this is, or None for an unknown or revoked one."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active:
        return None
    return feed.user


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    return calendar


def _event(uid: str, summary: str, start: date | datetime, end: date | datetime, url: str):
    event = Event()
    event.add("uid", f"{uid}@golive")
    event.add("dtstamp", timezone.now())
    event.add("summary", summary)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("url", _absolute(url))
    return event


def _all_day(uid: str, summary: str, day: date, url: str) -> Event:
    return _event(uid, summary, day, day + timedelta(days=1), url)


def _meeting_event(meeting: Meeting, project_name: str) -> Event:
    event = _event(
        f"meeting-{meeting.pk}",
        f"{meeting.title} ({project_name})",
        meeting.starts_at,
        meeting.ends_at,
        meeting.get_absolute_url(),
    )
    event.add("categories", [meeting.get_kind_display()])
    if meeting.agenda:
        event.add("description", meeting.agenda)
    return event


def project_calendar(project: ImplementationProject) -> bytes:
    """Milestones and go-live as all-day events, and the project's meetings."""
    calendar = _calendar(f"Golive: {project.name}")
    url = project.get_absolute_url()
    milestones = Milestone.objects.filter(project=project, due_date__isnull=False).order_by(
        "due_date", "pk"
    )
    for milestone in milestones:
        done = " (done)" if milestone.completed_on else ""
        calendar.add_component(
            _all_day(
                f"milestone-{milestone.pk}",
                f"Milestone: {milestone.name}{done}",
                milestone.due_date,
                milestone.get_absolute_url(),
            )
        )
    go_live = project.actual_go_live or project.forecast_go_live
    if go_live:
        calendar.add_component(
            _all_day(f"golive-{project.pk}", f"Go-live: {project.name}", go_live, url)
        )
    for meeting in Meeting.objects.filter(project=project).order_by("starts_at", "pk"):
        calendar.add_component(_meeting_event(meeting, project.name))
    return calendar.to_ical()


def user_calendar(user: User) -> bytes:
    """The user's open tasks that have a due date, and the meetings they attend."""
    calendar = _calendar("Golive: my tasks and meetings")
    visible = ImplementationProject.objects.visible_to(user)
    tasks = (
        Task.objects.open()
        .filter(owner_user=user, due_date__isnull=False, project__in=visible)
        .select_related("project")
        .order_by("due_date", "pk")
    )
    for task in tasks:
        calendar.add_component(
            _all_day(
                f"task-{task.pk}",
                f"Due: {task.title} ({task.project.name})",
                task.due_date,
                task.get_absolute_url(),
            )
        )
    meetings = (
        Meeting.objects.filter(attendee_users=user, project__in=visible)
        .select_related("project")
        .order_by("starts_at", "pk")
    )
    for meeting in meetings:
        calendar.add_component(_meeting_event(meeting, meeting.project.name))
    return calendar.to_ical()
