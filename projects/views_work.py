"""A person's own work across projects: the "My work" page.

Every logged-in user has one; it lists only the open tasks they own, on projects they may read,
so a role that owns no tasks (a sales rep, support) sees an empty page rather than a refusal.
"""

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from common.parsing import parse_id
from projects.models import ImplementationProject, Task

# A group shows at most this many tasks; the rest are reached by filtering on a project.
GROUP_CAP = 50


def _my_open_tasks(user):
    visible = ImplementationProject.objects.visible_to(user)
    return (
        Task.objects.open()
        .filter(owner_user=user, project__in=visible)
        .select_related("project", "project__client", "milestone")
        .order_by("due_date", "pk")
    )


@login_required
@require_safe
def my_work(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    week_end = today + timedelta(days=6 - today.weekday())
    tasks = _my_open_tasks(request.user)
    # The filter offers the projects the user has open tasks on, and nothing else.
    projects = list(
        ImplementationProject.objects.filter(pk__in=tasks.values("project_id"))
        .order_by("name")
        .only("pk", "name")
    )
    project_id = parse_id(request.GET.get("project"))
    selected = next((p for p in projects if p.pk == project_id), None)
    if selected is not None:
        tasks = tasks.filter(project=selected)
    editable = set(
        ImplementationProject.objects.editable_by(request.user)
        .filter(pk__in=[p.pk for p in projects])
        .values_list("pk", flat=True)
    )
    groups = []
    for key, label, empty, queryset in (
        ("overdue", "Overdue", "Nothing overdue.", tasks.filter(due_date__lt=today)),
        (
            "week",
            "Due this week",
            "Nothing else due this week.",
            tasks.filter(due_date__gte=today, due_date__lte=week_end),
        ),
        (
            "later",
            "Later or no due date",
            "Nothing due later.",
            tasks.exclude(due_date__lte=week_end),
        ),
    ):
        rows = list(queryset[: GROUP_CAP + 1])
        for task in rows:
            task.can_edit = task.project_id in editable
        groups.append(
            {
                "key": key,
                "label": label,
                "empty": empty,
                "tasks": rows[:GROUP_CAP],
                "more": len(rows) > GROUP_CAP,
            }
        )
    return render(
        request,
        "projects/work/my_work.html",
        {
            "nav": "my_work",
            "groups": groups,
            "projects": projects,
            "selected": selected,
            "today": today,
            "cap": GROUP_CAP,
            "has_any": bool(projects),
        },
    )
