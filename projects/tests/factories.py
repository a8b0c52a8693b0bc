"""Factories for the projects app: plain rows, no services, so tests choose every field."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from clients.tests.factories import ClientFactory, ContactFactory, ProductFactory, UserFactory
from projects.models import (
    Comment,
    HandoffReport,
    ImplementationProject,
    Issue,
    Milestone,
    Phase,
    ProjectMembership,
    Risk,
    Task,
    TimeEntry,
)


def _days(n: int):
    return factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=n))


class ProjectFactory(factory.django.DjangoModelFactory):
    """A project in Configuration, with no PM unless given; pass products=[...] to choose them."""

    class Meta:
        model = ImplementationProject
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Onboarding project {n}")
    client = factory.SubFactory(ClientFactory)
    pm = None
    phase = Phase.CONFIGURATION
    status = ImplementationProject.Status.ACTIVE
    kickoff_date = _days(-60)
    baseline_go_live = _days(60)
    forecast_go_live = factory.SelfAttribute("baseline_go_live")
    budget_hours = Decimal("200.0")

    @factory.post_generation
    def products(self, create, extracted, **kwargs):
        if create:
            self.products.set(extracted or [ProductFactory(name="Payroll")])

    @factory.post_generation
    def team(self, create, extracted, **kwargs):
        """team=[user, …] adds each user as a consultant on the project."""
        if create and extracted:
            for user in extracted:
                ProjectMembership.objects.create(project=self, user=user)


class ProjectMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectMembership

    project = factory.SubFactory(ProjectFactory)
    user = factory.SubFactory(UserFactory)
    role = ProjectMembership.TeamRole.CONSULTANT


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    project = factory.SubFactory(ProjectFactory)
    name = factory.Sequence(lambda n: f"Milestone {n}")
    order = factory.Sequence(lambda n: n)
    # Testing, like a milestone of a plan older than phases: as key, it gates go-live only.
    phase = Phase.TESTING
    due_date = _days(30)
    baseline_date = factory.SelfAttribute("due_date")


class TaskFactory(factory.django.DjangoModelFactory):
    """A task; pass depends_on=[task, …] for finish-to-start predecessors."""

    class Meta:
        model = Task
        skip_postgeneration_save = True

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Task {n}")
    status = Task.Status.NOT_STARTED
    priority = Task.Priority.NORMAL
    start_date = _days(-5)
    due_date = _days(10)

    @factory.post_generation
    def depends_on(self, create, extracted, **kwargs):
        if create and extracted:
            self.depends_on.set(extracted)


class RiskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Risk

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Risk {n}")
    description = "Payroll data arrives late from the legacy system."
    probability = 3
    impact = 3
    mitigation_plan = "Weekly check-in with the client's payroll admin."


class IssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Issue

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Issue {n}")
    description = "Pay codes do not map one to one."
    severity = Issue.Severity.MEDIUM


class CommentFactory(factory.django.DjangoModelFactory):
    """A comment on a project; give task=, risk= or issue= to put it on one of them."""

    class Meta:
        model = Comment

    project = factory.LazyAttribute(
        lambda c: (
            (c.task or c.risk or c.issue).project
            if (c.task or c.risk or c.issue)
            else ProjectFactory()
        )
    )
    task = None
    risk = None
    issue = None
    author = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"Comment number {n}.")


class TimeEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimeEntry

    project = factory.SubFactory(ProjectFactory)
    user = factory.SubFactory(UserFactory)
    hours = Decimal("2.00")
    billable = True


class HandoffReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HandoffReport

    project = factory.SubFactory(ProjectFactory, phase=Phase.GO_LIVE)
    configuration_summary = "Pay groups, earnings codes and the GL export."
    decisions = "Bi-weekly pay for hourly staff."
    training = "Two admin sessions, recorded."
    status = HandoffReport.Status.DRAFT


__all__ = [
    "ClientFactory",
    "CommentFactory",
    "ContactFactory",
    "HandoffReportFactory",
    "IssueFactory",
    "MilestoneFactory",
    "ProjectFactory",
    "ProjectMembershipFactory",
    "ProductFactory",
    "RiskFactory",
    "TaskFactory",
    "TimeEntryFactory",
    "UserFactory",
]
