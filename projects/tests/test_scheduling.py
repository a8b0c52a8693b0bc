"""Business days: weekends and company holidays are skipped, both ways, and counted alike."""

from datetime import date

import pytest

from projects.models import Holiday
from projects.scheduling import (
    add_business_days,
    business_days_between,
    company_holidays,
    is_business_day,
    next_business_day,
    subtract_business_days,
)

FRI = date(2026, 12, 4)
SAT = date(2026, 12, 5)
MON = date(2026, 12, 7)
CHRISTMAS = date(2026, 12, 25)  # a Friday
BOXING_DAY_OBSERVED = date(2026, 12, 28)  # a Monday


def test_the_day_after_a_friday_is_the_monday():
    assert add_business_days(FRI, 1) == MON
    assert add_business_days(SAT, 1) == MON
    assert add_business_days(FRI, 5) == date(2026, 12, 11)


def test_a_week_of_work_spans_two_holidays_around_a_weekend():
    holidays = {CHRISTMAS, BOXING_DAY_OBSERVED}
    thursday = date(2026, 12, 24)
    assert add_business_days(thursday, 1, holidays) == date(2026, 12, 29)
    assert add_business_days(thursday, 5, holidays) == date(2027, 1, 4)


def test_subtracting_skips_the_same_days():
    holidays = {CHRISTMAS, BOXING_DAY_OBSERVED}
    assert subtract_business_days(date(2026, 12, 29), 1, holidays) == date(2026, 12, 24)
    assert subtract_business_days(MON, 1) == FRI
    assert add_business_days(MON, -1) == FRI


@pytest.mark.parametrize(
    "start,end,expected",
    [
        (FRI, MON, 1),
        (FRI, SAT, 0),
        (FRI, FRI, 0),
        (MON, FRI, -1),
        (date(2026, 12, 1), date(2027, 3, 1), 64),
    ],
)
def test_business_days_between_counts_what_add_steps(start, end, expected):
    assert business_days_between(start, end) == expected


def test_between_and_add_agree_across_holidays():
    holidays = {CHRISTMAS, BOXING_DAY_OBSERVED, date(2027, 1, 1)}
    start = date(2026, 12, 1)
    for n in range(0, 60):
        end = add_business_days(start, n, holidays)
        assert business_days_between(start, end, holidays) == n
    assert not is_business_day(CHRISTMAS, holidays)
    assert next_business_day(CHRISTMAS, holidays) == date(2026, 12, 29)


@pytest.mark.django_db
def test_company_holidays_are_read_from_the_list_admins_keep(settings):
    settings.HOLIDAY_COUNTRY = ""
    Holiday.objects.create(date=CHRISTMAS, name="Christmas Day")
    Holiday.objects.create(date=date(2027, 6, 1), name="Company day")
    assert company_holidays(date(2026, 12, 1), date(2027, 1, 31)) == {CHRISTMAS}


@pytest.mark.django_db
def test_a_countrys_public_holidays_join_them(settings):
    settings.HOLIDAY_COUNTRY = "US"
    days = company_holidays(date(2026, 7, 1), date(2026, 7, 31))
    assert date(2026, 7, 3) in days  # Independence Day, observed on the Friday


@pytest.mark.django_db
def test_a_project_counts_its_days_to_go_live_when_it_goes_live_and_keeps_them():
    from projects.tests.factories import ProjectFactory

    Holiday.objects.create(date=CHRISTMAS, name="Christmas Day")
    project = ProjectFactory(kickoff_date=FRI, actual_go_live=None)
    assert project.business_days_to_go_live is None
    project.actual_go_live = date(2026, 12, 31)
    project.save(update_fields=["actual_go_live"])
    project.refresh_from_db()
    # Mon 7 to Thu 31 December: 19 weekdays, less Christmas.
    assert project.business_days_to_go_live == 18
    # A day off listed afterwards does not rewrite what the project took...
    Holiday.objects.create(date=BOXING_DAY_OBSERVED, name="Boxing Day (observed)")
    project.name = "Renamed"
    project.save()
    project.refresh_from_db()
    assert project.business_days_to_go_live == 18
    # ...but a corrected kick-off is counted again.
    project.kickoff_date = MON
    project.save(update_fields=["kickoff_date"])
    project.refresh_from_db()
    assert project.business_days_to_go_live == 16
