"""A project's kept baselines, and any two versions of its plan side by side."""

from dataclasses import dataclass

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.views.decorators.http import require_safe

from common.forms import form_helper
from common.parsing import PlainInputFormMixin
from projects.access import can_edit_project, get_item_for_view, get_project_for_view
from projects.baseline_comparison import (
    CURRENT,
    ComparedRow,
    PlanDates,
    PlanItem,
    compare,
    dates_span,
)
from projects.models import Baseline, ImplementationProject, Task
from projects.scheduling import company_holidays
from projects.templatetags.baseline_tags import task_variance
from projects.templatetags.golive import pk_url

CURRENT_LABEL = "The plan as it stands"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
STATES = {
    "moved": ("Moved", "text-bg-warning"),
    "added": ("Added since", "text-bg-info"),
    "missing": ("Not in the second", "text-bg-secondary"),
}


def _short(day) -> str:
    """What {{ day|date:"j M y" }} writes, for the hundreds of dates a comparison shows."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year % 100:02d}" if day else ""


def _signed(days: int) -> str:
    return f"+{days}" if days > 0 else str(days)


@dataclass(slots=True)
class Line:
    """A comparison row as the page writes it: every text made here, once."""

    milestone: bool
    name: str
    url: str
    changed: bool
    badge: str
    badge_class: str
    left_start: str
    left_due: str
    right_start: str
    right_due: str
    difference: str


def _lines(rows: list[ComparedRow]) -> list[Line]:
    lines = []
    for row in rows:
        badge, badge_class = STATES.get(row.state, ("", ""))
        difference = "—" if row.difference is None else _signed(row.difference)
        if row.start_difference and row.start_difference != row.difference:
            difference += f" (start {_signed(row.start_difference)})"
        lines.append(
            Line(
                milestone=row.item.kind == "milestone",
                name=row.item.name,
                url=row.item.url,
                changed=row.changed,
                badge=badge,
                badge_class=badge_class,
                left_start=_short(row.left_start),
                left_due=_short(row.left_due) or "—",
                right_start=_short(row.right_start),
                right_due=_short(row.right_due) or "—",
                difference=difference,
            )
        )
    return lines


def _kept(project: ImplementationProject) -> list[Baseline]:
    """The project's baselines, newest first, numbered from the first one taken."""
    baselines = list(
        project.baselines.defer("milestone_dates", "task_dates").select_related("taken_by")
    )
    previous = None
    for number, baseline in enumerate(reversed(baselines), start=1):
        baseline.number, baseline.previous = number, previous
        previous = baseline
        baseline.label = (
            f"Baseline {number} of {date_format(localtime(baseline.taken_at), 'j M Y')}"
        )
    if baselines:
        baselines[0].label += " (current)"
    return baselines


class BaselineCompareForm(PlainInputFormMixin, forms.Form):
    """Which two versions of the plan to put side by side."""

    left = forms.ChoiceField(label="Compare")
    right = forms.ChoiceField(label="with")
    changed = forms.BooleanField(label="Only what moved", required=False)

    def __init__(self, *args, baselines: list[Baseline], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(str(b.pk), b.label) for b in baselines]
        self.fields["left"].choices = choices
        self.fields["right"].choices = [*choices, (CURRENT, CURRENT_LABEL)]
        self.helper = form_helper(*self.fields)

    def clean(self):
        data = super().clean()
        if data.get("left") and data.get("left") == data.get("right"):
            raise forms.ValidationError("Choose two different versions of the plan to compare.")
        return data


@login_required
@require_safe
def baseline_list(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_view(request, pk)
    baselines = _kept(project)
    return render(
        request,
        "projects/baselines/list.html",
        {
            "nav": "projects",
            "project": project,
            "baselines": baselines,
            "can_edit": can_edit_project(request.user, project),
        },
    )


def _plan_items(project: ImplementationProject) -> tuple[list[PlanItem], PlanDates]:
    """The plan as it stands: its milestones, each followed by its tasks, and their dates."""
    current = PlanDates(label=CURRENT_LABEL, go_live=project.forecast_go_live)
    milestones = list(
        project.milestones.order_by("order", "due_date", "pk").values_list("pk", "name", "due_date")
    )
    tasks = project.tasks.order_by("start_date", "due_date", "pk").values_list(
        "pk", "title", "milestone_id", "start_date", "due_date"
    )
    by_milestone: dict[int | None, list[PlanItem]] = {}
    for task_pk, title, milestone_id, start, due in tasks:
        current.tasks[task_pk] = (start, due)
        item = PlanItem("task", task_pk, title, pk_url("projects:task_detail", task_pk))
        by_milestone.setdefault(milestone_id, []).append(item)
    items: list[PlanItem] = []
    for milestone_pk, name, due in milestones:
        current.milestones[milestone_pk] = due
        items.append(PlanItem("milestone", milestone_pk, name))
        items += by_milestone.pop(milestone_pk, [])
    items += [item for rest in by_milestone.values() for item in rest]
    return items, current


@login_required
@require_safe
def baseline_compare(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_view(request, pk)
    baselines = _kept(project)
    context = {"nav": "projects", "project": project, "baselines": baselines}
    if not baselines:
        return render(request, "projects/baselines/compare.html", context)
    if "left" in request.GET or "right" in request.GET:
        form = BaselineCompareForm(request.GET, baselines=baselines)
    else:
        # First visit: the current baseline against the plan as it stands.
        form = BaselineCompareForm(
            {"left": str(baselines[0].pk), "right": CURRENT}, baselines=baselines
        )
    context["form"] = form
    if form.is_valid():
        left_id, right_id = form.cleaned_data["left"], form.cleaned_data["right"]
        chosen = {
            str(b.pk): b
            for b in Baseline.objects.filter(
                project=project, pk__in=[int(x) for x in (left_id, right_id) if x != CURRENT]
            )
        }
        labels = {str(b.pk): b.label for b in baselines}
        items, current = _plan_items(project)

        def side(choice: str) -> PlanDates:
            if choice == CURRENT:
                return current
            return PlanDates.of_baseline(chosen[choice], labels[choice])

        left, right = side(left_id), side(right_id)
        span = dates_span(left, right)
        holidays = company_holidays(*span) if span else frozenset()
        comparison = compare(left, right, items, holidays)
        context["comparison"] = comparison
        context["rows"] = _lines(
            comparison.changed_rows if form.cleaned_data["changed"] else comparison.rows
        )
    return render(request, "projects/baselines/compare.html", context)


@login_required
@require_safe
def task_baseline(request: HttpRequest, pk: int) -> HttpResponse:
    """The task's dates in the current baseline and its variance: loaded into the task page
    once it is shown, so the page itself reads no baseline."""
    task = get_item_for_view(request, Task, pk, Task.objects.only("pk", "project_id", "due_date"))
    return render(
        request, "projects/baselines/_task_baseline.html", {"baseline": task_variance(task)}
    )
