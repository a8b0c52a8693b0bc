"""The reads the template pages share, each in a fixed number of queries."""

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from playbooks.models import ProjectTemplate, ProjectTemplateUse, TemplateMilestone, TemplateTask


def _count(model, field: str = "template"):
    rows = model.objects.filter(**{field: OuterRef("pk")}).order_by().values(field)
    return Coalesce(
        Subquery(rows.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), 0
    )


def template_rows(queryset: QuerySet[ProjectTemplate]) -> QuerySet[ProjectTemplate]:
    """Templates with their product and how much each holds and has made."""
    return queryset.select_related("product").annotate(
        milestone_count=_count(TemplateMilestone),
        task_count=_count(TemplateTask),
        use_count=_count(ProjectTemplateUse),
    )


# What the template page shows of a task, and nothing else.
TASK_ROW_FIELDS = (
    "template_id",
    "milestone_id",
    "title",
    "description",
    "visible_to_client",
    "owner_role",
    "offset_days",
    "duration_days",
    "estimate_hours",
)


def template_plan(template: ProjectTemplate) -> tuple[list[TemplateMilestone], list[TemplateTask]]:
    """Its milestones, each with `.task_list`, and the tasks outside any milestone."""
    tasks = list(
        template.tasks.order_by("offset_days", "pk")
        .only(*TASK_ROW_FIELDS)
        .prefetch_related(Prefetch("depends_on", queryset=TemplateTask.objects.only("pk", "title")))
    )
    milestones = list(template.milestones.all())
    by_milestone: dict[int | None, list[TemplateTask]] = {}
    for task in tasks:
        by_milestone.setdefault(task.milestone_id, []).append(task)
        # Joined here once, not by a loop inside the template's row loop.
        task.waits_on = "; ".join(d.title for d in task.depends_on.all())
    for milestone in milestones:
        milestone.task_list = by_milestone.get(milestone.pk, [])
    return milestones, by_milestone.get(None, [])
