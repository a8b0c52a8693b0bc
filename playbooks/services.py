"""Every write on project templates, and making a project's plan from them."""

from collections.abc import Callable, Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, Prefetch
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from simple_history.utils import bulk_create_with_history

from clients.models import Product
from common.versions import version_claim
from playbooks.models import (
    OwnerRole,
    ProjectTemplate,
    ProjectTemplateUse,
    TemplateMilestone,
    TemplateTask,
)
from playbooks.planning import (
    MilestoneSpec,
    Plan,
    TaskSpec,
    TemplateSpec,
    check_no_cycle,
    schedule,
    stitch,
)
from projects.models import ImplementationProject, Milestone, ProjectMembership, Task
from projects.scheduling import business_days_between, company_holidays, next_business_day
from projects.services import project_touch


def _save(instance, update_fields: list[str] | None = None) -> None:
    instance.full_clean()
    instance.save(update_fields=update_fields)


def _shown(value) -> object:
    return value.pk if isinstance(value, Model) else value


def _changed_since(row: Model | None = None, values: dict | None = None) -> Callable:
    """Describe a stale save: who changed the template when, and where theirs and yours differ.

    `row` is what the form edits (the template, one of its milestones or tasks) and `values`
    what the form sent for it; templates keep no history, so the stored values are what can
    be told.
    """

    def describe(stored: ProjectTemplate, version: int) -> str:
        editor = stored.updated_by
        who = (editor.get_full_name() or editor.username) if editor else "Someone"
        when = date_format(timezone.localtime(stored.updated_at), "j M Y, H:i")
        said = f"{who} changed this template after you opened it (on {when})"
        if row is None:
            return said + "."
        current = type(row)._default_manager.filter(pk=row.pk).first()
        if current is None:
            return said + f" and removed this {row._meta.verbose_name}."
        differ = []
        for name, value in (values or {}).items():
            field = current._meta.get_field(name)
            if field.many_to_many:
                now = set(getattr(current, name).values_list("pk", flat=True))
                if now != {item.pk for item in value}:
                    differ.append(capfirst(field.verbose_name))
            elif getattr(current, field.attname) != _shown(value):
                differ.append(capfirst(field.verbose_name))
        if not differ:
            return said + ", elsewhere than in what you edited."
        return said + f"; theirs and yours differ in: {', '.join(differ)}."

    return describe


def _claim(
    template: ProjectTemplate, *, user: User, version: int | None, describe: Callable | None = None
) -> ProjectTemplate:
    """Lock the template and count a change of it or of what it holds; refuse a stale form.

    `version` None is a change from a create form, which checks no version (common.versions).
    """
    version_claim(template, version=version, describe=describe or _changed_since())
    template.updated_by = user
    template.save(update_fields=["version", "updated_by", "updated_at"])
    return template


# Templates


@transaction.atomic
def template_create(
    *, user: User, name: str, product: Product, description: str = "", is_active: bool = True
) -> ProjectTemplate:
    """A new, empty template for a product."""
    template = ProjectTemplate(
        name=name.strip(),
        product=product,
        description=description,
        is_active=is_active,
        created_by=user,
        updated_by=user,
    )
    _save(template)
    return template


@transaction.atomic
def template_update(
    *,
    template: ProjectTemplate,
    user: User,
    version: int,
    name: str,
    product: Product,
    description: str,
    is_active: bool,
) -> ProjectTemplate:
    """Change a template's own details, from a form opened at `version`."""
    values = {"name": name.strip(), "product": product, "description": description}
    values["is_active"] = is_active
    _claim(template, user=user, version=version, describe=_changed_since(template, values))
    for field, value in values.items():
        setattr(template, field, value)
    _save(template, [*values, "version", "updated_by", "updated_at"])
    return template


# Milestones


def _milestone_fields(
    milestone: TemplateMilestone,
    *,
    name: str,
    order: int,
    offset_days: int,
    duration_days: int,
    is_key: bool,
    is_golive_critical: bool,
    visible_to_client: bool,
) -> None:
    milestone.name, milestone.order = name.strip(), order
    milestone.offset_days, milestone.duration_days = offset_days, duration_days
    milestone.is_key, milestone.is_golive_critical = is_key, is_golive_critical
    milestone.visible_to_client = visible_to_client
    clash = TemplateMilestone.objects.filter(
        template_id=milestone.template_id, name__iexact=milestone.name
    ).exclude(pk=milestone.pk)
    if clash.exists():
        raise ValidationError({"name": "This template already has a milestone of that name."})


@transaction.atomic
def template_milestone_create(
    *,
    template: ProjectTemplate,
    user: User,
    name: str,
    order: int,
    offset_days: int,
    duration_days: int,
    is_key: bool = False,
    is_golive_critical: bool = False,
    visible_to_client: bool = True,
) -> TemplateMilestone:
    """Add a milestone to the template."""
    _claim(template, user=user, version=None)
    milestone = TemplateMilestone(template=template)
    _milestone_fields(
        milestone,
        name=name,
        order=order,
        offset_days=offset_days,
        duration_days=duration_days,
        is_key=is_key,
        is_golive_critical=is_golive_critical,
        visible_to_client=visible_to_client,
    )
    _save(milestone)
    return milestone


@transaction.atomic
def template_milestone_update(
    *,
    milestone: TemplateMilestone,
    user: User,
    version: int | None,
    name: str,
    order: int,
    offset_days: int,
    duration_days: int,
    is_key: bool,
    is_golive_critical: bool,
    visible_to_client: bool,
) -> TemplateMilestone:
    """Change a milestone, from a form opened at the template's `version`."""
    values = {
        "name": name.strip(),
        "order": order,
        "offset_days": offset_days,
        "duration_days": duration_days,
        "is_key": is_key,
        "is_golive_critical": is_golive_critical,
        "visible_to_client": visible_to_client,
    }
    _claim(
        milestone.template,
        user=user,
        version=version,
        describe=_changed_since(milestone, values),
    )
    _milestone_fields(milestone, **values)
    _save(milestone)
    return milestone


@transaction.atomic
def template_milestone_delete(*, milestone: TemplateMilestone, user: User, version: int) -> None:
    """Remove a milestone; its tasks stay in the template, outside any milestone."""
    _claim(milestone.template, user=user, version=version)
    milestone.delete()


# Tasks


def _check_dependencies(task: TemplateTask, depends_on: Sequence[TemplateTask]) -> None:
    """Dependencies stay inside the template and never loop, whatever the order of edits."""
    if any(dep.template_id != task.template_id for dep in depends_on):
        raise ValidationError({"depends_on": "A task can only wait on tasks of its template."})
    if task.pk and any(dep.pk == task.pk for dep in depends_on):
        raise ValidationError({"depends_on": "A task cannot wait on itself."})
    through = TemplateTask.depends_on.through
    edges: dict[int, set[int]] = {}
    names = dict(
        TemplateTask.objects.filter(template_id=task.template_id).values_list("pk", "title")
    )
    for successor, predecessor in through.objects.filter(
        from_templatetask__template_id=task.template_id
    ).values_list("from_templatetask_id", "to_templatetask_id"):
        edges.setdefault(successor, set()).add(predecessor)
    key = task.pk or 0
    names[key] = task.title
    edges[key] = {dep.pk for dep in depends_on}
    check_no_cycle(edges, names, start=key)


def _task_fields(
    task: TemplateTask,
    *,
    title: str,
    description: str,
    milestone: TemplateMilestone | None,
    offset_days: int,
    duration_days: int,
    owner_role: str,
    estimate_hours: Decimal | None,
    visible_to_client: bool,
) -> None:
    if milestone is not None and milestone.template_id != task.template_id:
        raise ValidationError({"milestone": "Choose a milestone of this template."})
    task.title, task.description, task.milestone = title.strip(), description, milestone
    task.offset_days, task.duration_days = offset_days, duration_days
    task.owner_role = OwnerRole(owner_role)
    task.estimate_hours, task.visible_to_client = estimate_hours, visible_to_client
    clash = TemplateTask.objects.filter(
        template_id=task.template_id, title__iexact=task.title
    ).exclude(pk=task.pk)
    if clash.exists():
        raise ValidationError({"title": "This template already has a task of that title."})


@transaction.atomic
def template_task_create(
    *,
    template: ProjectTemplate,
    user: User,
    title: str,
    milestone: TemplateMilestone | None,
    offset_days: int,
    duration_days: int,
    owner_role: str,
    description: str = "",
    estimate_hours: Decimal | None = None,
    visible_to_client: bool = False,
    depends_on: Sequence[TemplateTask] = (),
) -> TemplateTask:
    """Add a task to the template; its dependencies may not close a loop."""
    _claim(template, user=user, version=None)
    task = TemplateTask(template=template)
    _task_fields(
        task,
        title=title,
        description=description,
        milestone=milestone,
        offset_days=offset_days,
        duration_days=duration_days,
        owner_role=owner_role,
        estimate_hours=estimate_hours,
        visible_to_client=visible_to_client,
    )
    _check_dependencies(task, depends_on)
    _save(task)
    task.depends_on.set(depends_on)
    return task


@transaction.atomic
def template_task_update(
    *,
    task: TemplateTask,
    user: User,
    version: int | None,
    title: str,
    milestone: TemplateMilestone | None,
    offset_days: int,
    duration_days: int,
    owner_role: str,
    description: str,
    estimate_hours: Decimal | None,
    visible_to_client: bool,
    depends_on: Sequence[TemplateTask],
) -> TemplateTask:
    """Change a task, from a form opened at the template's `version`."""
    values = {
        "title": title.strip(),
        "description": description,
        "milestone": milestone,
        "offset_days": offset_days,
        "duration_days": duration_days,
        "owner_role": owner_role,
        "estimate_hours": estimate_hours,
        "visible_to_client": visible_to_client,
    }
    _claim(
        task.template,
        user=user,
        version=version,
        describe=_changed_since(task, {**values, "depends_on": depends_on}),
    )
    _task_fields(task, **values)
    _check_dependencies(task, depends_on)
    _save(task)
    task.depends_on.set(depends_on)
    return task


@transaction.atomic
def template_task_delete(*, task: TemplateTask, user: User, version: int) -> None:
    """Remove a task; the tasks that waited on it no longer do."""
    _claim(task.template, user=user, version=version)
    task.delete()


# Plans from templates


def template_specs(templates: Iterable[ProjectTemplate]) -> list[TemplateSpec]:
    """The templates as plain records for planning, read in three queries whatever their size."""
    ids = [t.pk for t in templates]
    rows = (
        ProjectTemplate.objects.filter(pk__in=ids)
        .order_by("name")
        .prefetch_related(
            "milestones",
            Prefetch(
                "tasks",
                queryset=TemplateTask.objects.select_related("milestone").prefetch_related(
                    Prefetch("depends_on", queryset=TemplateTask.objects.only("pk"))
                ),
            ),
        )
    )
    return [
        TemplateSpec(
            name=template.name,
            milestones=[
                MilestoneSpec(
                    name=m.name,
                    order=m.order,
                    offset=m.offset_days,
                    duration=m.duration_days,
                    is_key=m.is_key,
                    is_golive_critical=m.is_golive_critical,
                    visible_to_client=m.visible_to_client,
                )
                for m in template.milestones.all()
            ],
            tasks=[
                TaskSpec(
                    key=t.pk,
                    title=t.title,
                    milestone=t.milestone.name if t.milestone_id else None,
                    offset=t.offset_days,
                    duration=t.duration_days,
                    owner_role=t.owner_role,
                    estimate_hours=t.estimate_hours,
                    visible_to_client=t.visible_to_client,
                    description=t.description,
                    depends_on={d.pk for d in t.depends_on.all()},
                )
                for t in template.tasks.all()
            ],
        )
        for template in rows
    ]


def _horizon(kickoff: date, specs: list[TemplateSpec]) -> date:
    """A date safely past the end of any schedule these templates can make."""
    days = sum(t.duration for spec in specs for t in spec.tasks) + max(
        (x.offset + x.duration for spec in specs for x in [*spec.milestones, *spec.tasks]),
        default=0,
    )
    return kickoff + timedelta(days=2 * days + 60)


def plan_preview(*, templates: Sequence[ProjectTemplate], kickoff: date) -> Plan:
    """The plan these templates would make from this kick-off; nothing is written."""
    specs = template_specs(templates)
    plan = stitch(specs)
    return schedule(plan, kickoff, company_holidays(kickoff, _horizon(kickoff, specs)))


@transaction.atomic
def project_plan_from_templates(
    *,
    project: ImplementationProject,
    templates: Sequence[ProjectTemplate],
    user: User,
    kickoff: date | None = None,
) -> Plan:
    """Make an empty project's plan from templates, stitched into one and dated from kick-off.

    Owners follow each task's role: the project's PM, the team's first consultant (or nobody
    yet), and client-side tasks wait for a contact to be named.
    """
    project = ImplementationProject.objects.select_for_update().get(pk=project.pk)
    if not templates:
        raise ValidationError({"templates": "Choose at least one template."})
    if project.milestones.exists() or project.tasks.exists():
        raise ValidationError(
            "This project already has a plan: templates make the plan of a project with none."
        )
    kickoff = kickoff or project.kickoff_date
    if kickoff is None:
        raise ValidationError({"kickoff": "Give the kick-off date the plan starts from."})
    plan = plan_preview(templates=templates, kickoff=kickoff)
    consultant_id = (
        ProjectMembership.objects.filter(
            project=project, role=ProjectMembership.TeamRole.CONSULTANT
        )
        .order_by("pk")
        .values_list("user_id", flat=True)
        .first()
    )
    owners = {OwnerRole.PM: project.pm_id, OwnerRole.CONSULTANT: consultant_id}

    milestones = bulk_create_with_history(
        [
            Milestone(
                project=project,
                name=m.name,
                order=m.order,
                baseline_date=m.due_date,
                due_date=m.due_date,
                is_key=m.is_key,
                is_golive_critical=m.is_golive_critical,
                visible_to_client=m.visible_to_client,
            )
            for m in plan.milestones
        ],
        Milestone,
        default_user=user,
    )
    milestone_ids = {m.name: m.pk for m in milestones}
    tasks = bulk_create_with_history(
        [
            Task(
                project=project,
                milestone_id=milestone_ids.get(t.milestone),
                title=t.title,
                description=t.description,
                owner_user_id=owners.get(t.owner_role),
                start_date=t.start_date,
                due_date=t.due_date,
                estimate_hours=t.estimate_hours,
                visible_to_client=t.visible_to_client or t.owner_role == OwnerRole.CLIENT,
            )
            for t in plan.tasks
        ],
        Task,
        default_user=user,
    )
    task_ids = {t.key: row.pk for t, row in zip(plan.tasks, tasks, strict=True)}
    through = Task.depends_on.through
    through.objects.bulk_create(
        [
            through(from_task_id=task_ids[t.key], to_task_id=task_ids[dep])
            for t in plan.tasks
            for dep in sorted(t.depends_on)
        ]
    )
    ProjectTemplateUse.objects.bulk_create(
        [ProjectTemplateUse(project=project, template=t, applied_by=user) for t in templates]
    )
    dates = {"kickoff_date": kickoff}
    go_live = plan.go_live()
    if go_live:
        dates |= {"baseline_go_live": go_live, "forecast_go_live": go_live}
    # Dates the PM already set (a go-live promised in the contract, say) stay as they are.
    missing = [name for name, value in dates.items() if getattr(project, name) is None and value]
    if missing:
        for name in missing:
            setattr(project, name, dates[name])
        # A count of this change too: a project edit form opened before it must not undo it.
        project.version += 1  # the row is locked above
        project._history_user = user
        project.save(update_fields=[*missing, "version", "updated_at"])
    project_touch(project=project)
    return plan


def _owner_role(task: Task, pm_id: int | None) -> str:
    if task.owner_contact_id:
        return OwnerRole.CLIENT
    if task.owner_user_id and task.owner_user_id == pm_id:
        return OwnerRole.PM
    return OwnerRole.CONSULTANT


@transaction.atomic
def template_from_project(
    *,
    project: ImplementationProject,
    user: User,
    name: str,
    product: Product,
    description: str = "",
) -> ProjectTemplate:
    """A new template from a project's plan: its dates become offsets from its kick-off."""
    milestones = list(project.milestones.order_by("order", "due_date", "pk"))
    tasks = list(
        project.tasks.select_related("milestone")
        .prefetch_related(Prefetch("depends_on", queryset=Task.objects.only("pk")))
        .order_by("start_date", "due_date", "pk")
    )
    if not milestones and not tasks:
        raise ValidationError("This project has no plan to make a template from.")
    dated = [d for x in [*milestones, *tasks] for d in (getattr(x, "start_date", None), x.due_date)]
    kickoff = project.kickoff_date or min((d for d in dated if d), default=None)
    if kickoff is None:
        raise ValidationError("Give the project a kick-off date first: offsets count from it.")
    kickoff = next_business_day(kickoff)
    last = max([kickoff, *(d for d in dated if d)])
    holidays = company_holidays(kickoff, last)

    def offset(day: date | None) -> int:
        return max(business_days_between(kickoff, day, holidays), 0) if day else 0

    template = template_create(user=user, name=name, product=product, description=description)
    previous_end = 0
    rows = []
    for order, m in enumerate(milestones, start=1):
        end = offset(m.due_date)
        start = min(previous_end, end)
        rows.append(
            TemplateMilestone(
                template=template,
                name=m.name,
                order=order,
                offset_days=start,
                duration_days=max(end - start + 1, 1),
                is_key=m.is_key,
                is_golive_critical=m.is_golive_critical,
            )
        )
        previous_end = end + 1
    names = set()
    for row in rows:
        if row.name.casefold() in names:
            raise ValidationError(f"Two milestones are named “{row.name}”; rename one first.")
        names.add(row.name.casefold())
    by_name = {m.name: m for m in TemplateMilestone.objects.bulk_create(rows)}
    titles: set[str] = set()
    task_rows = []
    for t in tasks:
        if t.title.casefold() in titles:
            raise ValidationError(f"Two tasks are called “{t.title}”; rename one first.")
        titles.add(t.title.casefold())
        start = offset(t.start_date or t.due_date)
        end = offset(t.due_date) if t.due_date else start
        task_rows.append(
            TemplateTask(
                template=template,
                milestone=by_name.get(t.milestone.name) if t.milestone_id else None,
                title=t.title,
                description=t.description,
                offset_days=start,
                duration_days=max(end - start + 1, 1),
                owner_role=_owner_role(t, project.pm_id),
                estimate_hours=t.estimate_hours,
                visible_to_client=t.visible_to_client,
            )
        )
    created = TemplateTask.objects.bulk_create(task_rows)
    ids = {t.pk: row.pk for t, row in zip(tasks, created, strict=True)}
    through = TemplateTask.depends_on.through
    through.objects.bulk_create(
        [
            through(from_templatetask_id=ids[t.pk], to_templatetask_id=ids[dep.pk])
            for t in tasks
            for dep in t.depends_on.all()
            if dep.pk in ids
        ]
    )
    return template
