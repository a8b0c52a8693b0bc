"""A person's own work across projects: the "My work" page and the weekly timesheet.

Every logged-in user has one; it lists only the open tasks they own, on projects they may read,
so a role that owns no tasks (a sales rep, support) sees an empty page rather than a refusal.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from common.parsing import parse_id
from projects import selectors, services
from projects.forms import TimesheetForm
from projects.models import ImplementationProject, Task
from projects.templatetags.my_work_rows import MY_TASK_ROW_COLUMNS, MyTaskRow

PROJECT_ID_COLUMN = MY_TASK_ROW_COLUMNS.index("project_id")

# A group shows at most this many tasks; the rest are reached by filtering on a project.
GROUP_CAP = 50


@login_required
@require_safe
def my_work(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    week_end = today + timedelta(days=6 - today.weekday())
    own_open_tasks = Task.objects.open().filter(owner_user=request.user)
    editable_project = ImplementationProject.objects.editable_by(request.user).filter(
        pk=OuterRef("pk")
    )
    # The filter offers the projects the user may read and has open tasks on, and nothing else.
    projects = list(
        ImplementationProject.objects.visible_to(request.user)
        .filter(pk__in=own_open_tasks.values("project_id"))
        .annotate(can_edit=Exists(editable_project))
        .order_by("name")
        .only("pk", "name")
    )
    project_id = parse_id(request.GET.get("project"))
    selected = next((p for p in projects if p.pk == project_id), None)
    shown = [selected] if selected is not None else projects
    tasks = own_open_tasks.filter(project_id__in=[p.pk for p in shown]).order_by("due_date", "pk")
    editable = {p.pk for p in shown if p.can_edit}
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
        rows = [
            MyTaskRow(*values, can_edit=values[PROJECT_ID_COLUMN] in editable)
            for values in queryset.values_list(*MY_TASK_ROW_COLUMNS)[: GROUP_CAP + 1]
        ]
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


def _week_start(value: str | None) -> date:
    """The Monday of the week a `week` parameter names; this week for a missing or bad one."""
    try:
        day = date.fromisoformat(value or "")
    except ValueError:
        day = timezone.localdate()
    if not 1900 <= day.year <= 9000:  # the previous/next week links must stay valid dates
        day = timezone.localdate()
    return day - timedelta(days=day.weekday())


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def timesheet(request: HttpRequest) -> HttpResponse:
    week_start = _week_start(request.GET.get("week"))
    days = selectors.week_days(week_start)
    tasks = selectors.timesheet_tasks(user=request.user, week_start=week_start)
    entries = selectors.timesheet_entries(user=request.user, week_start=week_start)
    stored = _cell_hours(entries)
    state = selectors.timesheet_state(entries)
    form_args = {"tasks": tasks, "days": days, "stored": stored}
    form = TimesheetForm(request.POST or None, initial={"state": state}, **form_args)
    week_url = f"{reverse('projects:timesheet')}?week={week_start.isoformat()}"
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.timesheet_save(
                user=request.user,
                week_start=week_start,
                hours=form.hours(),
                state=form.cleaned_data["state"],
            )
        except ValidationError as error:
            if form.cleaned_data["state"] != state:
                # Keep what was typed, now against the week as stored: saving again is deliberate.
                data = request.POST.copy()
                data["state"] = state
                form = TimesheetForm(data, **form_args)
                form.is_valid()
            form.add_error(None, error)
        else:
            if changed:
                messages.success(
                    request, f"Timesheet saved: {changed} day{pluralize(changed)} changed."
                )
            else:
                messages.info(request, "Timesheet already up to date: nothing changed.")
            return redirect(week_url)
    totals = [sum((v for (_t, d), v in stored.items() if d == day), Decimal(0)) for day in days]
    other = [
        sum((e.hours for e in entries if e.task_id is None and e.spent_on == day), Decimal(0))
        for day in days
    ]
    return render(
        request,
        "projects/work/timesheet.html",
        {
            "nav": "timesheet",
            "form": form,
            "days": days,
            "week_start": week_start,
            "week_url": week_url,
            "previous_week": (week_start - timedelta(days=7)).isoformat(),
            "next_week": (week_start + timedelta(days=7)).isoformat(),
            "this_week": _week_start(None),
            "day_totals": [t + o for t, o in zip(totals, other, strict=True)],
            "other_hours": other if any(other) else None,
            "week_total": sum(totals, Decimal(0)) + sum(other, Decimal(0)),
        },
    )


def _cell_hours(entries) -> dict:
    cells: dict = {}
    for entry in entries:
        if entry.task_id is not None:
            key = (entry.task_id, entry.spent_on)
            cells[key] = cells.get(key, Decimal(0)) + entry.hours
    return cells
