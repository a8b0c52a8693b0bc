"""Factories for meetings: plain rows, no services, so tests choose every field."""

import datetime

import factory
from django.utils import timezone

from meetings.models import Decision, Meeting
from projects.tests.factories import ProjectFactory


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting
        skip_postgeneration_save = True

    project = factory.SubFactory(ProjectFactory)
    kind = Meeting.Kind.WEEKLY_STATUS
    title = factory.Sequence(lambda n: f"Weekly status {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=2))
    duration_minutes = 60
    agenda = "Census file, pay groups, parallel run plan."

    @factory.post_generation
    def attendee_users(self, create, extracted, **kwargs):
        if create and extracted:
            self.attendee_users.set(extracted)


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    meeting = factory.SubFactory(MeetingFactory)
    text = factory.Sequence(lambda n: f"Decision number {n}: pay hourly staff bi-weekly.")
    decided_on = factory.LazyFunction(timezone.localdate)
    decided_by = "Client payroll lead"
