"""Demo templates, one per product, made from the plan definitions the demo projects use.

`seed(result)` is called by `manage.py seed_demo` after the base set is loaded. It is
idempotent: a template whose content already matches is left alone; one that differs (edited in
the app, or the definitions changed) is brought back to its canonical content. Each demo
project records the templates of its products as the ones its plan came from.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction

from clients.models import Product
from playbooks.models import (
    OwnerRole,
    ProjectTemplate,
    ProjectTemplateUse,
    TemplateMilestone,
    TemplateTask,
)
from playbooks.planning import Plan, schedule, stitch
from playbooks.services import template_specs
from projects import demo as project_demo
from projects.models import ImplementationProject
from projects.scheduling import business_days_between

# A mid-market project: 126 calendar days from kick-off to go-live, 30 of hypercare.
GO_LIVE_DAY = 90
HYPERCARE_DAYS = 21
SEGMENTS = (project_demo.SMB, project_demo.MID, project_demo.ENT)

DESCRIPTIONS = {
    project_demo.PAYROLL: "Gross-to-net payroll from discovery to the first live pay period, "
    "with a parallel run for mid-market clients.",
    project_demo.TIME: "Clocks, schedules and pay rules, from the pay-rules workshop to "
    "go-live across every site.",
    project_demo.HR: "Employee records, org structure and self-service, with data conversion "
    "from the legacy HR system.",
    project_demo.BENEFITS: "Benefit plans, eligibility and carrier feeds, timed to go live "
    "before open enrolment.",
    project_demo.RECRUITING: "Requisitions, applicant tracking and offer workflows.",
}


@dataclass(frozen=True)
class _Milestone:
    name: str
    order: int
    offset: int
    duration: int
    key: bool
    critical: bool


@dataclass(frozen=True)
class _Task:
    title: str
    milestone: str
    offset: int
    duration: int
    owner_role: str
    hours: Decimal
    client_visible: bool
    description: str
    waits_on: str | None


def template_name(product: str) -> str:
    return f"{product} implementation"


def _owner_role(owner: str) -> str:
    if owner == "pm":
        return OwnerRole.PM
    if owner.startswith("client:"):
        return OwnerRole.CLIENT
    return OwnerRole.CONSULTANT


def template_content(product: str) -> tuple[list[_Milestone], list[_Task]]:
    """The product's milestones and tasks, chosen as the demo projects choose theirs."""
    milestones: list[_Milestone] = []
    tasks: list[_Task] = []
    previous_end = 0
    for template in project_demo.MILESTONES:
        if not any(template.applies(segment, (product,)) for segment in SEGMENTS):
            continue
        chosen = [t for t in template.tasks if not t.products or product in t.products]
        if len(chosen) > template.max_tasks:
            chosen = chosen[: template.max_tasks - 1] + chosen[-1:]
        end = (
            GO_LIVE_DAY + HYPERCARE_DAYS
            if template.frac is None
            else round(template.frac * GO_LIVE_DAY)
        )
        start, length = previous_end, max(end - previous_end, 1)
        milestones.append(
            _Milestone(
                template.name, len(milestones) + 1, start, length, template.key, template.critical
            )
        )
        for index, task in enumerate(chosen):
            begin = start + index * length // len(chosen)
            finish = start + (index + 1) * length // len(chosen)
            tasks.append(
                _Task(
                    title=task.title,
                    milestone=template.name,
                    offset=begin,
                    duration=max(finish - begin, 1),
                    owner_role=_owner_role(task.owner),
                    hours=Decimal(str(task.hours)),
                    client_visible=task.client_visible,
                    description=task.description,
                    # The plan's work runs in order: each task waits on the one before it.
                    waits_on=tasks[-1].title if tasks else None,
                )
            )
        previous_end = start + length
    return milestones, tasks


def _current(template: ProjectTemplate) -> tuple[list[_Milestone], list[_Task]]:
    milestones = [
        _Milestone(m.name, m.order, m.offset_days, m.duration_days, m.is_key, m.is_golive_critical)
        for m in template.milestones.order_by("order")
    ]
    tasks = []
    for t in template.tasks.select_related("milestone").prefetch_related("depends_on"):
        waits = [d.title for d in t.depends_on.all()]
        tasks.append(
            _Task(
                title=t.title,
                milestone=t.milestone.name if t.milestone_id else "",
                offset=t.offset_days,
                duration=t.duration_days,
                owner_role=t.owner_role,
                hours=t.estimate_hours,
                client_visible=t.visible_to_client,
                description=t.description,
                waits_on=waits[0] if len(waits) == 1 else None,
            )
        )
    key = lambda t: (t.offset, t.title)  # noqa: E731
    return milestones, sorted(tasks, key=key)


def _fill(template: ProjectTemplate, milestones: list[_Milestone], tasks: list[_Task]) -> None:
    template.milestones.all().delete()
    template.tasks.all().delete()
    rows = TemplateMilestone.objects.bulk_create(
        TemplateMilestone(
            template=template,
            name=m.name,
            order=m.order,
            offset_days=m.offset,
            duration_days=m.duration,
            is_key=m.key,
            is_golive_critical=m.critical,
        )
        for m in milestones
    )
    by_name = {m.name: m for m in rows}
    created = TemplateTask.objects.bulk_create(
        TemplateTask(
            template=template,
            milestone=by_name[t.milestone],
            title=t.title,
            description=t.description,
            offset_days=t.offset,
            duration_days=t.duration,
            owner_role=t.owner_role,
            estimate_hours=t.hours,
            visible_to_client=t.client_visible,
        )
        for t in tasks
    )
    ids = {t.title: row.pk for t, row in zip(tasks, created, strict=True)}
    through = TemplateTask.depends_on.through
    through.objects.bulk_create(
        through(from_templatetask_id=ids[t.title], to_templatetask_id=ids[t.waits_on])
        for t in tasks
        if t.waits_on
    )


@transaction.atomic
def seed_templates() -> dict[str, ProjectTemplate]:
    """One template per demo product, by name; returns them by product name."""
    products = {p.name: p for p in Product.objects.filter(name__in=DESCRIPTIONS)}
    existing = {t.name: t for t in ProjectTemplate.objects.filter(product__in=products.values())}
    templates = {}
    for product_name, description in DESCRIPTIONS.items():
        product = products.get(product_name)
        if product is None:
            continue
        name = template_name(product_name)
        template = existing.get(name)
        if template is None:
            template = ProjectTemplate.objects.create(
                name=name, product=product, description=description
            )
        elif (template.product_id, template.description, template.is_active) != (
            product.pk,
            description,
            True,
        ):
            template.product, template.description, template.is_active = product, description, True
            template.save(update_fields=["product", "description", "is_active", "updated_at"])
        wanted = template_content(product_name)
        wanted = (wanted[0], sorted(wanted[1], key=lambda t: (t.offset, t.title)))
        if _current(template) != wanted:
            _fill(template, *template_content(product_name))
            ProjectTemplate.objects.filter(pk=template.pk).update(version=template.version + 1)
        templates[product_name] = template
    return templates


@transaction.atomic
def record_uses(project_ids: list[int], templates: dict[str, ProjectTemplate]) -> None:
    """Each demo project came from the templates of its products."""
    through = ImplementationProject.products.through
    wanted = {
        (project_id, templates[name].pk)
        for project_id, name in through.objects.filter(
            implementationproject_id__in=project_ids
        ).values_list("implementationproject_id", "product__name")
        if name in templates
    }
    current = set(
        ProjectTemplateUse.objects.filter(project_id__in=project_ids).values_list(
            "project_id", "template_id"
        )
    )
    pms = dict(ImplementationProject.objects.filter(pk__in=project_ids).values_list("pk", "pm_id"))
    ProjectTemplateUse.objects.bulk_create(
        ProjectTemplateUse(project_id=p, template_id=t, applied_by_id=pms[p])
        for p, t in sorted(wanted - current)
    )
    for p, t in current - wanted:
        ProjectTemplateUse.objects.filter(project_id=p, template_id=t).delete()


def seed(result) -> None:
    """seed_demo's hook: the templates, and which of them each base project came from."""
    templates = seed_templates()
    record_uses(result.project_ids, templates)


# A Monday with no holiday around it: plans are laid out from it, then read as day indices.
LAYOUT_KICKOFF = date(2001, 1, 1)
TASK_OWNERS = {t.title: t.owner for m in project_demo.MILESTONES for t in m.tasks}
MILESTONE_PHASES = {m.name: m.phase for m in project_demo.MILESTONES}
ROLE_OWNERS = {
    OwnerRole.PM: "pm",
    OwnerRole.CONSULTANT: project_demo.TeamRole.CONSULTANT,
    OwnerRole.CLIENT: project_demo.CLIENT_LEAD,
}


def skeleton_of(plan: Plan, template_ids: tuple[int, ...], holidays) -> project_demo.PlanSkeleton:
    """A stitched, scheduled plan as business-day indices from its kick-off (day 0)."""

    def index(day: date) -> int:
        return business_days_between(LAYOUT_KICKOFF, day)

    phase = project_demo.Phase.KICKOFF
    milestones = []
    for m in plan.milestones:
        # A milestone the demo does not know takes the phase of the one before it.
        phase = MILESTONE_PHASES.get(m.name, phase)
        milestones.append(
            project_demo.SkeletonMilestone(
                m.name, index(m.due_date), m.is_key, m.is_golive_critical, phase
            )
        )
    position = {t.key: i for i, t in enumerate(plan.tasks)}
    tasks = tuple(
        project_demo.SkeletonTask(
            title=t.title,
            milestone=t.milestone or milestones[-1].name,
            start=index(t.start_date),
            end=index(t.due_date),
            owner=TASK_OWNERS.get(t.title, ROLE_OWNERS.get(t.owner_role, "pm")),
            hours=t.estimate_hours or Decimal(1),
            client_visible=t.visible_to_client,
            description=t.description,
            waits_on=tuple(sorted(position[d] for d in t.depends_on)),
        )
        for t in plan.tasks
    )
    return project_demo.PlanSkeleton(template_ids, tuple(milestones), tasks, holidays)


def plan_skeletons(holidays) -> Callable[[tuple[str, ...]], project_demo.PlanSkeleton]:
    """The demo projects' plans: their products' templates stitched into one and scheduled
    through the planning service, once per combination of products."""
    templates = seed_templates()
    made: dict[tuple[str, ...], project_demo.PlanSkeleton] = {}

    def skeleton(products: tuple[str, ...]) -> project_demo.PlanSkeleton:
        key = tuple(sorted(products))
        if key not in made:
            chosen = [templates[name] for name in key]
            plan = schedule(stitch(template_specs(chosen)), LAYOUT_KICKOFF)
            made[key] = skeleton_of(plan, tuple(t.pk for t in chosen), holidays)
        return made[key]

    return skeleton
