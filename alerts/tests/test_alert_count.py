"""The navigation's alert count, written in SQL, counts what `concerning()` selects."""

import pytest

from alerts.models import Alert
from alerts.selectors import alert_count
from alerts.tests.factories import AlertFactory, AlertNotificationFactory
from clients.roles import Role
from clients.tests.factories import UserFactory
from projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def counted_by_queryset(user) -> int:
    return Alert.objects.unresolved().concerning(user).count()


def test_the_count_agrees_with_the_queryset_for_every_way_an_alert_concerns_someone(pm, manager):
    owner = UserFactory(username="count_owner", role=Role.PM)
    told = UserFactory(username="count_told", role=Role.SUPPORT)
    managed = ProjectFactory(pm=pm)
    # Owned, on a project the PM manages, and told to someone: each counted once.
    owned = AlertFactory(project=managed, owner=owner)
    AlertNotificationFactory(alert=owned, recipient=told)
    AlertNotificationFactory(alert=owned, recipient=pm, level=Alert.Level.PM)
    AlertFactory(project=managed, owner=None)
    AlertFactory(project=ProjectFactory(), owner=None, level=Alert.Level.MANAGER)
    # Acknowledged: still someone's business, counted like the open ones.
    AlertFactory(project=ProjectFactory(), owner=owner, status=Alert.Status.ACKNOWLEDGED)
    # Done with: never counted.
    for status in (Alert.Status.RESOLVED, Alert.Status.CLEARED):
        AlertFactory(project=managed, owner=owner, status=status, level=Alert.Level.MANAGER)
    outsider = UserFactory(username="count_outsider", role=Role.PM)

    expected = {owner: 2, told: 1, pm: 2, manager: 1, outsider: 0}
    for user, count in expected.items():
        assert alert_count(user) == counted_by_queryset(user) == count, user.username


def test_a_manager_who_owns_an_alert_at_the_managers_rung_counts_it_once(manager):
    AlertFactory(project=ProjectFactory(pm=manager), owner=manager, level=Alert.Level.MANAGER)
    assert alert_count(manager) == counted_by_queryset(manager) == 1
