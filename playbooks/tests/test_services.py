"""Template edits checked for loops and staleness; plans made from templates, and back."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from clients.tests.factories import ContactFactory, ProductFactory, UserFactory
from playbooks import services
from playbooks.models import OwnerRole, ProjectTemplate, ProjectTemplateUse
from playbooks.tests.factories import (
    ProjectTemplateFactory,
    TemplateTaskFactory,
    payroll_and_time,
)
from projects.models import Holiday, ProjectMembership, Task
from projects.services import project_create
from projects.tests.factories import MilestoneFactory, ProjectFactory

pytestmark = pytest.mark.django_db

KICKOFF = date(2027, 3, 1)  # a Monday


@pytest.fixture
def products():
    return ProductFactory(name="Payroll"), ProductFactory(name="Time & Attendance")


def test_a_dependency_that_closes_a_loop_is_refused_with_the_loop_named(manager):
    template = ProjectTemplateFactory()
    a = TemplateTaskFactory(template=template, title="Collect census")
    b = TemplateTaskFactory(template=template, title="Load employees", depends_on=[a])
    c = TemplateTaskFactory(template=template, title="Run parallel", depends_on=[b])

    with pytest.raises(ValidationError) as refused:
        services.template_task_update(
            task=a,
            user=manager,
            version=template.version,
            title=a.title,
            milestone=None,
            offset_days=0,
            duration_days=1,
            owner_role=OwnerRole.CLIENT,
            description="",
            estimate_hours=None,
            visible_to_client=True,
            depends_on=[c],
        )
    message = refused.value.message_dict["depends_on"][0]
    assert "Collect census → Load employees → Run parallel → Collect census" in message
    assert list(a.depends_on.all()) == []


def test_an_edit_opened_before_someone_elses_change_is_refused(manager):
    template = ProjectTemplateFactory(name="Payroll standard")
    opened_at = template.version
    services.template_milestone_create(
        template=template,
        user=manager,
        name="Kick-off",
        order=1,
        offset_days=0,
        duration_days=3,
    )
    with pytest.raises(ValidationError, match="changed this template"):
        services.template_update(
            template=template,
            user=manager,
            version=opened_at,
            name="Payroll renamed",
            product=template.product,
            description="",
            is_active=True,
        )
    template.refresh_from_db()
    assert template.name == "Payroll standard"
    assert template.version == opened_at + 1


def test_a_project_made_from_two_templates_gets_one_plan_with_every_dependency(pm, products):
    payroll, time = payroll_and_time(*products)
    consultant = UserFactory()
    project = ProjectFactory(pm=pm, kickoff_date=KICKOFF, baseline_go_live=None, products=products)
    ProjectMembership.objects.create(project=project, user=consultant)

    plan = services.project_plan_from_templates(project=project, templates=[payroll, time], user=pm)

    names = list(project.milestones.order_by("order").values_list("name", flat=True))
    assert names == ["Kick-off", "Payroll built", "Time & Attendance built", "Go-live"]
    tasks = {t.title: t for t in project.tasks.prefetch_related("depends_on")}
    assert sorted(tasks) == sorted(
        [
            "Hold kick-off meeting",
            "Send Payroll data",
            "Build pay codes",
            "Send Time & Attendance data",
            "Configure clocks",
            "Go/no-go",
        ]
    )
    waits = {title: sorted(d.title for d in t.depends_on.all()) for title, t in tasks.items()}
    assert waits["Go/no-go"] == ["Build pay codes", "Configure clocks"]
    assert (
        waits["Send Payroll data"]
        == waits["Send Time & Attendance data"]
        == ["Hold kick-off meeting"]
    )
    assert Task.depends_on.through.objects.filter(from_task__project=project).count() == 6
    # Owners follow the roles: the PM, the team's consultant, the client (named later).
    assert tasks["Hold kick-off meeting"].owner_user == pm
    assert tasks["Build pay codes"].owner_user == consultant
    send = tasks["Send Payroll data"]
    assert send.owner_user is None and send.owner_contact is None and send.visible_to_client
    # Dates from the kick-off in business days; the project's go-live comes from the plan.
    assert tasks["Hold kick-off meeting"].start_date == KICKOFF
    project.refresh_from_db()
    assert project.baseline_go_live == project.forecast_go_live == plan.go_live()
    assert project.forecast_go_live == date(2027, 3, 29)  # business day 20 after the Monday
    assert set(project.templates.all()) == {payroll, time}


def test_the_plan_skips_the_company_holidays(pm, products):
    payroll, _ = payroll_and_time(*products)
    Holiday.objects.create(date=date(2027, 3, 2), name="Founders' day")
    project = ProjectFactory(pm=pm, kickoff_date=KICKOFF, products=[products[0]])
    services.project_plan_from_templates(project=project, templates=[payroll], user=pm)
    send = project.tasks.get(title="Send Payroll data")
    assert send.start_date == date(2027, 3, 3)  # business day 1: the Tuesday is a holiday


def test_a_project_with_a_plan_is_not_given_a_second_one(pm, products):
    payroll, _ = payroll_and_time(*products)
    project = ProjectFactory(pm=pm, kickoff_date=KICKOFF)
    MilestoneFactory(project=project, name="Already planned")
    with pytest.raises(ValidationError, match="already has a plan"):
        services.project_plan_from_templates(project=project, templates=[payroll], user=pm)
    assert project.milestones.count() == 1
    assert not ProjectTemplateUse.objects.exists()


def test_a_project_saved_as_a_template_makes_the_same_plan_again(manager, pm, products):
    payroll, time = payroll_and_time(*products)
    source = ProjectFactory(pm=pm, kickoff_date=KICKOFF, products=products)
    contact = ContactFactory(client=source.client)
    services.project_plan_from_templates(project=source, templates=[payroll, time], user=pm)
    Task.objects.filter(project=source, title="Send Payroll data").update(owner_contact=contact)

    template = services.template_from_project(
        project=source, user=manager, name="Payroll + Time (from Northwind)", product=products[0]
    )

    assert template.milestones.count() == 4
    assert template.tasks.count() == 6
    send = template.tasks.get(title="Send Payroll data")
    assert send.owner_role == OwnerRole.CLIENT
    assert template.tasks.get(title="Hold kick-off meeting").owner_role == OwnerRole.PM
    go = template.tasks.get(title="Go/no-go")
    assert sorted(go.depends_on.values_list("title", flat=True)) == [
        "Build pay codes",
        "Configure clocks",
    ]
    copy = ProjectFactory(pm=pm, kickoff_date=KICKOFF, products=products)
    services.project_plan_from_templates(project=copy, templates=[template], user=pm)
    dates = sorted(copy.tasks.values_list("title", "start_date", "due_date"))
    assert dates == sorted(source.tasks.values_list("title", "start_date", "due_date"))


def test_a_project_without_a_plan_cannot_be_saved_as_a_template(manager):
    project = ProjectFactory()
    with pytest.raises(ValidationError, match="no plan"):
        services.template_from_project(
            project=project, user=manager, name="Empty", product=project.products.first()
        )
    assert not ProjectTemplate.objects.exists()


def test_a_deleted_task_no_longer_holds_up_the_tasks_that_waited_on_it(manager):
    template = ProjectTemplateFactory()
    first = TemplateTaskFactory(template=template, title="Collect census")
    later = TemplateTaskFactory(template=template, title="Load employees", depends_on=[first])
    services.template_task_delete(task=first, user=manager, version=template.version)
    assert list(template.tasks.all()) == [later]
    assert not later.depends_on.exists()


def test_a_new_project_with_a_kickoff_gets_the_plan_of_its_products_templates(pm, products):
    payroll, time = payroll_and_time(*products)
    client = ProjectFactory().client
    project = project_create(
        user=pm,
        data={
            "name": "Harbor View payroll and time",
            "client": client,
            "pm": pm,
            "kickoff_date": KICKOFF,
            "products": list(products),
        },
    )
    assert set(project.templates.all()) == {payroll, time}
    assert project.milestones.count() == 4 and project.tasks.count() == 6
    project.refresh_from_db()
    assert project.forecast_go_live == date(2027, 3, 29)


def test_a_new_project_without_a_kickoff_waits_for_its_plan(pm, products):
    payroll_and_time(*products)
    project = project_create(
        user=pm,
        data={"name": "Later", "client": ProjectFactory().client, "products": list(products)},
    )
    assert not project.tasks.exists() and not project.templates.exists()
