"""When a report is due: the period arithmetic, without the database."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from reports import schedule as sched
from reports.checks import status_report_settings
from reports.models import Cadence, Weekday
from reports.tests.dates import MONDAY, at, days

WEEKLY_MONDAY = sched.Schedule(cadence=Cadence.WEEKLY, weekday=Weekday.MONDAY)


def test_the_period_starts_on_the_most_recent_report_day():
    assert sched.period_start(WEEKLY_MONDAY, MONDAY, None) == MONDAY
    assert sched.period_start(WEEKLY_MONDAY, days(3), None) == MONDAY
    assert sched.period_start(WEEKLY_MONDAY, days(6), None) == MONDAY
    assert sched.period_start(WEEKLY_MONDAY, days(7), None) == days(7)
    thursday = sched.Schedule(cadence=Cadence.WEEKLY, weekday=Weekday.THURSDAY)
    assert sched.period_start(thursday, MONDAY, None) == days(-4)


def test_every_two_weeks_reports_in_the_kickoff_week_and_every_second_week_after():
    fortnightly = sched.Schedule(cadence=Cadence.BIWEEKLY, weekday=Weekday.WEDNESDAY)
    kickoff = days(1)  # a Tuesday in MONDAY's week
    assert sched.period_start(fortnightly, days(2), kickoff) == days(2)
    assert sched.period_start(fortnightly, days(9), kickoff) == days(2)
    assert sched.period_start(fortnightly, days(16), kickoff) == days(16)
    # Kicked off a week later, the same project reports in the other weeks.
    assert sched.period_start(fortnightly, days(9), days(8)) == days(9)


def test_every_two_weeks_without_a_kickoff_date_counts_weeks_from_a_fixed_monday():
    fortnightly = sched.Schedule(cadence=Cadence.BIWEEKLY, weekday=Weekday.MONDAY)
    starts = sorted({sched.period_start(fortnightly, days(n), None) for n in range(42)})
    assert all(start.weekday() == Weekday.MONDAY for start in starts)
    assert all((start - sched.EPOCH_MONDAY).days % 14 == 0 for start in starts)
    assert len(starts) >= 3
    assert {(b - a).days for a, b in zip(starts, starts[1:], strict=False)} == {14}


def test_the_reporting_day_begins_at_the_send_hour():
    assert sched.report_day(at(MONDAY, hour=6)) == days(-1)
    assert sched.report_day(at(MONDAY, hour=7)) == MONDAY


def test_a_changed_schedule_is_not_due_for_a_period_that_began_before_the_change():
    changed = sched.Schedule(cadence=Cadence.WEEKLY, weekday=Weekday.MONDAY, changed_on=days(2))
    assert not sched.is_due(changed, MONDAY, already_sent=False)
    assert sched.is_due(changed, days(7), already_sent=False)
    assert not sched.is_due(changed, days(7), already_sent=True)


def test_next_due_is_today_when_due_and_the_next_period_otherwise():
    assert sched.next_due(WEEKLY_MONDAY, days(2), None, current_period_sent=False) == days(2)
    assert sched.next_due(WEEKLY_MONDAY, days(2), None, current_period_sent=True) == days(7)
    off = sched.Schedule(cadence=Cadence.OFF, weekday=Weekday.MONDAY)
    assert sched.next_due(off, days(2), None, current_period_sent=False) is None


@pytest.mark.parametrize(
    "name,value", [("SEND_HOUR", 24), ("DEFAULT_WEEKDAY", 7), ("TOP_RISKS", 0)]
)
def test_a_nonsensical_setting_is_refused_loudly(settings, name, value):
    settings.GOLIVE_STATUS_REPORTS = {**settings.GOLIVE_STATUS_REPORTS, name: value}
    with pytest.raises(ImproperlyConfigured):
        sched.report_day(at(MONDAY))


def test_manage_py_check_reports_a_nonsensical_setting(settings):
    assert status_report_settings(None) == []
    settings.GOLIVE_STATUS_REPORTS = {**settings.GOLIVE_STATUS_REPORTS, "SEND_HOUR": -1}
    assert [error.id for error in status_report_settings(None)] == ["reports.E001"]
