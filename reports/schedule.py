"""When a project's status report is due: date arithmetic shared by the tick and the pages.

A report is due once per period. The period starts on the project's weekday; for "every two
weeks" only every other week counts, the weeks being counted from the project's kick-off week
(so the kick-off week reports), or from Monday 5 January 1970 for a project without a
kick-off date. The reporting day begins at GOLIVE_STATUS_REPORTS["SEND_HOUR"], local time.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from projects.models import ImplementationProject, Phase
from reports.models import Cadence, StatusReportSettings

EPOCH_MONDAY = date(1970, 1, 5)
PERIOD_DAYS = {Cadence.WEEKLY: 7, Cadence.BIWEEKLY: 14, Cadence.OFF: 7}
REPORTING_PHASES = [
    phase for phase in Phase if Phase.KICKOFF.index <= phase.index <= Phase.HYPERCARE.index
]


def config() -> dict:
    """GOLIVE_STATUS_REPORTS, refused loudly when a value makes no sense."""
    values = settings.GOLIVE_STATUS_REPORTS
    if not 0 <= values["SEND_HOUR"] <= 23:
        raise ImproperlyConfigured("STATUS_REPORT_SEND_HOUR must be an hour from 0 to 23.")
    if not 0 <= values["DEFAULT_WEEKDAY"] <= 6:
        raise ImproperlyConfigured(
            "STATUS_REPORT_DEFAULT_WEEKDAY must be 0 (Monday) to 6 (Sunday)."
        )
    if values["TOP_RISKS"] < 1 or values["MAX_ITEMS"] < 1:
        raise ImproperlyConfigured("STATUS_REPORT_TOP_RISKS and _MAX_ITEMS must be at least 1.")
    return values


@dataclass(frozen=True)
class Schedule:
    cadence: str
    weekday: int
    changed_on: date | None = None

    @property
    def period_days(self) -> int:
        return PERIOD_DAYS[Cadence(self.cadence)]


def schedule_of(row: StatusReportSettings | None) -> Schedule:
    if row is None:
        return Schedule(cadence=Cadence.WEEKLY, weekday=config()["DEFAULT_WEEKDAY"])
    return Schedule(cadence=row.cadence, weekday=row.weekday, changed_on=row.schedule_changed_on)


def report_day(now: datetime | None = None) -> date:
    """The reporting day `now` falls in; it begins at SEND_HOUR rather than at midnight."""
    now = now or timezone.now()
    return timezone.localdate(now - timedelta(hours=config()["SEND_HOUR"]))


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def period_start(schedule: Schedule, today: date, kickoff: date | None) -> date:
    """The most recent start of a reporting period on or before today."""
    start = today - timedelta(days=(today.weekday() - schedule.weekday) % 7)
    if schedule.cadence == Cadence.BIWEEKLY:
        weeks = (_monday(start) - _monday(kickoff or EPOCH_MONDAY)).days // 7
        if weeks % 2:
            start -= timedelta(days=7)
    return start


def is_reporting(status: str, phase: str) -> bool:
    """Scheduled reports go to active projects from kick-off to hypercare."""
    return status == ImplementationProject.Status.ACTIVE and phase in REPORTING_PHASES


def is_due(schedule: Schedule, start: date, already_sent: bool) -> bool:
    if schedule.cadence == Cadence.OFF or already_sent:
        return False
    return schedule.changed_on is None or start >= schedule.changed_on


def next_due(
    schedule: Schedule, today: date, kickoff: date | None, current_period_sent: bool
) -> date | None:
    """The day the next scheduled report goes out: today when it is due now, None when off."""
    if schedule.cadence == Cadence.OFF:
        return None
    start = period_start(schedule, today, kickoff)
    if is_due(schedule, start, current_period_sent):
        return today
    return start + timedelta(days=schedule.period_days)
