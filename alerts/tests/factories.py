"""Alerts made directly, for page tests; the sweep tests make theirs by running the sweep."""

from datetime import timedelta

import factory
from django.utils import timezone

from alerts.models import Alert, AlertNotification
from clients.tests.factories import UserFactory
from projects.tests.factories import ProjectFactory, TaskFactory


class AlertFactory(factory.django.DjangoModelFactory):
    """An open, owner-level alert about an overdue task of `project`."""

    class Meta:
        model = Alert

    project = factory.SubFactory(ProjectFactory)
    kind = Alert.Kind.TASK_OVERDUE
    task = factory.SubFactory(TaskFactory, project=factory.SelfAttribute("..project"))
    object_key = factory.LazyAttribute(lambda a: f"task:{a.task.pk}")
    subject = factory.LazyAttribute(lambda a: a.task.title)
    owner = factory.LazyAttribute(lambda a: a.task.owner_user if a.task else None)
    detail = "The task was due three days ago."
    level = Alert.Level.OWNER
    status = Alert.Status.OPEN
    first_seen_at = factory.LazyFunction(timezone.now)
    last_seen_at = factory.SelfAttribute("first_seen_at")
    next_escalation_at = factory.LazyAttribute(lambda a: a.first_seen_at + timedelta(hours=24))


class AlertNotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AlertNotification

    alert = factory.SubFactory(AlertFactory)
    level = factory.SelfAttribute("alert.level")
    recipient = factory.SubFactory(UserFactory)
    created_at = factory.LazyFunction(timezone.now)
