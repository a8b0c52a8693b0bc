"""Pages of a list too long to count on every view: newer and older, without a total.

Django's Paginator counts every row the filters match (`SELECT COUNT(*)`) to number the last
page, on every page view. For a table that only grows, such as every email ever sent, that
count costs more the longer the app runs. A page here reads its rows and one more, which says
whether an older page follows, and nothing else.
"""

from dataclasses import dataclass

from django.db.models import QuerySet


@dataclass(frozen=True)
class PageWithoutTotal:
    """What `_newer_older_pager.html` needs: the page's number and whether others follow."""

    object_list: list
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)


def page_without_total(queryset: QuerySet, number: int | None, per_page: int) -> PageWithoutTotal:
    """Page `number` (the first when None or below 1) of `queryset`, in one query.

    A number past the end gives an empty page that still links back to the newer ones.
    """
    number = max(number or 1, 1)
    start = (number - 1) * per_page
    rows = list(queryset[start : start + per_page + 1])
    return PageWithoutTotal(rows[:per_page], number, has_next=len(rows) > per_page)
