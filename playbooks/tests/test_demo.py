"""seed_demo ships realistic templates, and every demo project records the ones it came from."""

from io import StringIO

import pytest
from django.core.management import call_command

from playbooks.demo import template_name
from playbooks.models import ProjectTemplate, ProjectTemplateUse
from playbooks.services import plan_preview
from projects import demo as project_demo
from projects.models import Holiday, ImplementationProject, Phase

pytestmark = pytest.mark.django_db


def test_seed_demo_ships_a_template_per_product_and_records_each_projects_templates():
    call_command("seed_demo", stdout=StringIO())

    names = set(ProjectTemplate.objects.values_list("name", flat=True))
    assert {
        "Payroll implementation",
        "Time & Attendance implementation",
        "HR Core implementation",
        "Benefits Administration implementation",
    } <= names
    payroll = ProjectTemplate.objects.get(name=template_name(project_demo.PAYROLL))
    milestones = list(payroll.milestones.values_list("name", flat=True))
    assert milestones[0] == "Kick-off complete" and "Parallel payroll run" in milestones
    assert "Go-live" in milestones
    assert payroll.tasks.filter(title="Build earning and deduction codes").exists()
    assert not payroll.tasks.filter(title="Configure pay rules, schedules and clocks").exists()

    for project in ImplementationProject.objects.prefetch_related("products", "templates"):
        products = {p.name for p in project.products.all()}
        made_from = {t.product.name for t in project.templates.all()}
        assert made_from == products, project.name

    # Stitched, the templates of a Payroll + Time project make one plan without a loop.
    northwind = ImplementationProject.objects.get(name__startswith="Northwind Foods — Payroll")
    plan = plan_preview(templates=list(northwind.templates.all()), kickoff=northwind.kickoff_date)
    assert [m.name for m in plan.milestones].count("Go-live") == 1
    assert plan.go_live() > northwind.kickoff_date


def test_seeding_again_changes_no_template():
    call_command("seed_demo", stdout=StringIO())
    before = list(ProjectTemplate.objects.values_list("pk", "version", "updated_at"))
    uses = list(ProjectTemplateUse.objects.values_list("pk", flat=True))
    call_command("seed_demo", stdout=StringIO())
    assert list(ProjectTemplate.objects.values_list("pk", "version", "updated_at")) == before
    assert list(ProjectTemplateUse.objects.values_list("pk", flat=True)) == uses


def test_every_demo_plan_is_its_products_templates_stitched_and_dated_in_business_days():
    call_command("seed_demo", stdout=StringIO())

    holidays = set(Holiday.objects.values_list("date", flat=True))
    for project in ImplementationProject.objects.prefetch_related("templates", "products"):
        templates = list(project.templates.all())
        assert {t.product.name for t in templates} == {p.name for p in project.products.all()}
        expected = plan_preview(templates=templates, kickoff=project.kickoff_date)
        milestones = list(project.milestones.order_by("order"))
        tasks = list(project.tasks.prefetch_related("depends_on"))
        assert [m.name for m in milestones] == [m.name for m in expected.milestones], project.name
        assert {t.title for t in tasks} == {t.title for t in expected.tasks}, project.name
        # Every dependency the stitched templates hold, and none besides.
        titles = {t.key: t.title for t in expected.tasks}
        wanted = {(t.title, titles[d]) for t in expected.tasks for d in t.depends_on}
        assert wanted and {(t.title, d.title) for t in tasks for d in t.depends_on.all()} == wanted
        # The dates are business days, from a kick-off on one.
        days = [project.kickoff_date, *(m.due_date for m in milestones)]
        days += [d for t in tasks for d in (t.start_date, t.due_date)]
        assert all(d.weekday() < 5 and d not in holidays for d in days), project.name
        # With no slip, the plan is the templates' schedule from the kick-off.
        if project.baseline_go_live == project.forecast_go_live:
            assert project.forecast_go_live == expected.go_live(), project.name


def test_demo_projects_past_kick_off_have_a_baseline_and_one_was_re_baselined_with_a_reason():
    call_command("seed_demo", stdout=StringIO())

    projects = ImplementationProject.objects.exclude(phase=Phase.SALES_HANDOFF)
    for project in projects:
        baselines = list(project.baselines.all())
        assert baselines, project.name
        current = baselines[0]
        assert current.go_live == project.baseline_go_live, project.name
        assert {int(k) for k in current.task_dates} == set(
            project.tasks.values_list("pk", flat=True)
        )
    rebaselined = [p for p in projects if p.baselines.count() == 2]
    assert rebaselined
    for project in rebaselined:
        current, first = project.baselines.all()
        assert current.reason and not first.reason
        assert first.go_live < current.go_live
        assert first.taken_at < current.taken_at
    assert not ImplementationProject.objects.filter(
        phase=Phase.SALES_HANDOFF, baselines__isnull=False
    ).exists()


def test_scaled_copies_record_their_templates_and_keep_their_baselines():
    call_command("seed_demo", scale=1, stdout=StringIO())

    copies = ImplementationProject.objects.filter(client__name__endswith=" #1")
    assert copies.count() == len(project_demo.PROJECTS)
    for project in copies.prefetch_related("templates", "products"):
        made_from = {t.product.name for t in project.templates.all()}
        assert made_from == {p.name for p in project.products.all()}, project.name
        assert project.tasks.filter(depends_on__isnull=False).exists(), project.name
        if project.phase != Phase.SALES_HANDOFF:
            assert project.baselines.first().go_live == project.baseline_go_live, project.name
