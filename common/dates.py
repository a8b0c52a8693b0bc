"""Dates as the pages write them, without Django's date formatter where a page writes hundreds."""

import functools
from datetime import date

from django.utils import translation
from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR


@functools.cache
def _months_in(language: str | None) -> tuple[str, ...]:
    with translation.override(language):
        return ("", *(str(MONTHS_3[m]).title() for m in range(1, 13)))


def month_abbreviations() -> tuple[str, ...]:
    """ "Jan" … "Dec" in the active language, at index 1 to 12 (what "M" writes)."""
    return _months_in(translation.get_language())


@functools.cache
def _weekdays_in(language: str | None) -> tuple[str, ...]:
    with translation.override(language):
        return tuple(str(WEEKDAYS_ABBR[d]) for d in range(7))


def weekday_abbreviations() -> tuple[str, ...]:
    """ "Mon" … "Sun" in the active language, at index 0 to 6 (what "D" writes)."""
    return _weekdays_in(translation.get_language())


def short_date(
    value: date | None, with_year: bool = True, months: tuple[str, ...] | None = None
) -> str:
    """What the `date` filter writes with "j M Y" (or "j M"): "5 Dec 2026"; "" for no date.

    `months`, from month_abbreviations(), when the caller writes many dates.
    """
    if not value:
        return ""
    month = (months or month_abbreviations())[value.month]
    return f"{value.day} {month} {value.year}" if with_year else f"{value.day} {month}"


def day_date(value: date, months: tuple[str, ...], weekdays: tuple[str, ...]) -> str:
    """What the `date` filter writes with "D j M Y": "Sat 5 Dec 2026"."""
    return f"{weekdays[value.weekday()]} {value.day} {months[value.month]} {value.year}"
