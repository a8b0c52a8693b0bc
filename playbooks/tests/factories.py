"""Factories for templates: plain rows, so tests choose every field."""

import factory

from clients.tests.factories import ProductFactory
from playbooks.models import OwnerRole, ProjectTemplate, TemplateMilestone, TemplateTask


class ProjectTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectTemplate

    name = factory.Sequence(lambda n: f"Template {n}")
    product = factory.SubFactory(ProductFactory, name="Payroll")


class TemplateMilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TemplateMilestone

    template = factory.SubFactory(ProjectTemplateFactory)
    name = factory.Sequence(lambda n: f"Milestone {n}")
    order = factory.Sequence(lambda n: n)
    offset_days = 0
    duration_days = 5


class TemplateTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TemplateTask
        skip_postgeneration_save = True

    template = factory.SubFactory(ProjectTemplateFactory)
    milestone = None
    title = factory.Sequence(lambda n: f"Task {n}")
    offset_days = 0
    duration_days = 2
    owner_role = OwnerRole.CONSULTANT

    @factory.post_generation
    def depends_on(self, create, extracted, **kwargs):
        if create and extracted:
            self.depends_on.set(extracted)


def payroll_and_time(payroll_product, time_product):
    """Two templates sharing Kick-off and Go-live, each with its own chain of work."""
    payroll = ProjectTemplateFactory(name="Payroll", product=payroll_product)
    time = ProjectTemplateFactory(name="Time & Attendance", product=time_product)
    for template, work in ((payroll, "Build pay codes"), (time, "Configure clocks")):
        kickoff = TemplateMilestoneFactory(
            template=template, name="Kick-off", order=1, offset_days=0, duration_days=3
        )
        build = TemplateMilestoneFactory(
            template=template, name=f"{template.name} built", order=2, offset_days=3
        )
        go_live = TemplateMilestoneFactory(
            template=template, name="Go-live", order=3, offset_days=20, duration_days=1
        )
        meeting = TemplateTaskFactory(
            template=template,
            milestone=kickoff,
            title="Hold kick-off meeting",
            owner_role=OwnerRole.PM,
            duration_days=1,
        )
        data = TemplateTaskFactory(
            template=template,
            milestone=build,
            title=f"Send {template.name} data",
            owner_role=OwnerRole.CLIENT,
            offset_days=1,
            depends_on=[meeting],
        )
        configure = TemplateTaskFactory(
            template=template,
            milestone=build,
            title=work,
            offset_days=3,
            duration_days=6,
            depends_on=[data],
        )
        TemplateTaskFactory(
            template=template,
            milestone=go_live,
            title="Go/no-go",
            owner_role=OwnerRole.PM,
            offset_days=20,
            duration_days=1,
            depends_on=[configure],
        )
    return payroll, time
