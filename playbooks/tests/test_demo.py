"""seed_demo ships realistic templates, and every demo project records the ones it came from."""

from io import StringIO

import pytest
from django.core.management import call_command

from playbooks.demo import template_name
from playbooks.models import ProjectTemplate, ProjectTemplateUse
from playbooks.services import plan_preview
from projects import demo as project_demo
from projects.models import ImplementationProject

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
