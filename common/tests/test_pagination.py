import pytest
from django.contrib.auth.models import Group

from common.pagination import page_without_total


@pytest.fixture
def groups(db):
    Group.objects.all().delete()
    return Group.objects.bulk_create(Group(name=f"group {n}") for n in range(5))


def names(page) -> list[str]:
    return [group.name for group in page]


def test_a_page_reads_its_rows_and_one_more_in_one_query(groups, django_assert_num_queries):
    with django_assert_num_queries(1):
        page = page_without_total(Group.objects.order_by("name"), 2, 2)
        assert names(page) == ["group 2", "group 3"]
    assert page.number == 2 and page.has_previous and page.has_next
    assert (page.previous_page_number, page.next_page_number) == (1, 3)


@pytest.mark.parametrize(
    ("number", "expected", "newer", "older"),
    [
        (None, ["group 0", "group 1"], False, True),
        (1, ["group 0", "group 1"], False, True),
        (3, ["group 4"], True, False),
        (9, [], True, False),
    ],
)
def test_the_first_the_last_and_past_the_end(groups, number, expected, newer, older):
    page = page_without_total(Group.objects.order_by("name"), number, 2)

    assert names(page) == expected and len(page) == len(expected)
    assert (page.has_previous, page.has_next) == (newer, older)


def test_exactly_a_page_has_no_older_one(groups):
    page = page_without_total(Group.objects.order_by("name"), 1, 5)

    assert len(page) == 5 and not page.has_next and not page.has_previous
