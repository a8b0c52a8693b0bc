import pytest
from django.contrib.auth.models import Group, User
from django.http import Http404

from common.queries import get_or_404


@pytest.fixture
def groups(db):
    Group.objects.all().delete()
    return Group.objects.bulk_create(Group(name=f"group {n}") for n in range(3))


def test_it_reads_the_object_with_that_key_in_one_query_without_a_limit(
    groups, django_assert_num_queries
):
    with django_assert_num_queries(1) as queries:
        found = get_or_404(Group.objects.order_by("name"), pk=groups[1].pk)

    assert found == groups[1]
    sql = queries.captured_queries[0]["sql"].upper()
    # A LIMIT doubles PostgreSQL's planning of a detail page's joined query; ORDER BY is work.
    assert "LIMIT" not in sql and "ORDER BY" not in sql


def test_a_model_is_its_default_manager(groups):
    assert get_or_404(Group, pk=groups[2].pk) == groups[2]


def test_a_key_outside_the_queryset_or_its_lookups_is_not_found(groups):
    with pytest.raises(Http404):
        get_or_404(Group.objects.exclude(pk=groups[0].pk), pk=groups[0].pk)
    with pytest.raises(Http404):
        get_or_404(Group, pk=groups[0].pk, name="another name")
    with pytest.raises(Http404):
        get_or_404(Group, pk=10**9)


def test_a_join_that_repeats_the_row_is_an_error_as_with_get(groups):
    for n in range(2):
        User.objects.create_user(f"member{n}").groups.add(groups[0])
    repeated = Group.objects.filter(user__username__startswith="member")

    with pytest.raises(Group.MultipleObjectsReturned):
        get_or_404(repeated, pk=groups[0].pk)


def test_a_related_manager_is_its_queryset(groups):
    member = User.objects.create_user("member")
    member.groups.add(groups[1])

    assert get_or_404(member.groups, pk=groups[1].pk) == groups[1]
    with pytest.raises(Http404):
        get_or_404(member.groups, pk=groups[0].pk)
