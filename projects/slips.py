"""A task's slip (or early finish) carried to the work that waits on it, shown before it is saved.

The ripple itself is a pure function (projects.scheduling.ripple); this module reads the plan
it runs on, previews it, and applies it. A preview carries a signed token of what it was
computed from (the versions of every row it read, and the moves it found): a confirm whose
plan has changed since is refused with what changed, and moves nothing.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from projects import scheduling
from projects.models import ImplementationProject, Milestone, Task
from projects.scheduling import Move, Ripple, ScheduledMilestone, ScheduledTask
from projects.services import project_touch

SALT = "projects.slips"
NOTHING = "so nothing was saved. What would move now is shown below."
# A preview older than this is shown again rather than applied: the plan may have moved on.
MAX_AGE = timedelta(hours=12)


class StalePreview(ValidationError):
    """The plan changed between the preview and its confirmation; nothing was saved."""


@dataclass(frozen=True)
class Change:
    """What the PM asks of one task: new dates, or done today; or a pull forward of what waits
    on it since it finished early (`since` is the day it was to finish)."""

    start: date | None = None
    due: date | None = None
    done: bool = False
    pull: bool = False
    since: date | None = None
    keep_start: bool = True  # an in-place change of the due date leaves the start as it is

    def encode(self) -> list:
        return [
            self.start and self.start.isoformat(),
            self.due and self.due.isoformat(),
            self.done,
            self.pull,
            self.since and self.since.isoformat(),
        ]


@dataclass
class Preview:
    task: Task
    change: Change
    old_finish: date | None
    new_finish: date | None
    ripple: Ripple
    token: str
    # What pulling forward would then move, when this change makes the task finish earlier.
    pull_offer: Ripple | None = None
    versions: dict[str, int] = field(default_factory=dict)
    holidays: frozenset = frozenset()

    @property
    def task_moves(self) -> list[Move]:
        return [m for m in self.ripple.moves if m.kind == "task"]

    @property
    def milestone_moves(self) -> list[Move]:
        return [m for m in self.ripple.moves if m.kind == "milestone"]

    @property
    def finish_days(self) -> int:
        """By how many business days the task's own finish moves (negative: earlier)."""
        if self.old_finish is None or self.new_finish is None:
            return 0
        return scheduling.business_days_between(self.old_finish, self.new_finish, self.holidays)

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.ripple)


@dataclass
class Plan:
    project: ImplementationProject
    tasks: dict[int, ScheduledTask]
    milestones: dict[int, ScheduledMilestone]
    task_versions: dict[int, int]
    milestone_versions: dict[int, int]
    holidays: frozenset


def _finish(status: str, due: date | None, completed_at) -> date | None:
    if status == Task.Status.DONE and completed_at is not None:
        return timezone.localdate(completed_at)
    return due


def load_plan(project: ImplementationProject, *, today: date) -> Plan:
    """The project's tasks, their links and milestones, and the holidays: four queries."""
    rows = list(
        Task.objects.filter(project=project).values_list(
            "pk",
            "title",
            "start_date",
            "due_date",
            "status",
            "completed_at",
            "milestone_id",
            "version",
        )
    )
    links: dict[int, list[int]] = {}
    for succ, pred in Task.depends_on.through.objects.filter(
        from_task__project=project
    ).values_list("from_task_id", "to_task_id"):
        links.setdefault(succ, []).append(pred)
    tasks, versions = {}, {}
    for pk, title, start, due, status, completed_at, milestone_id, version in rows:
        tasks[pk] = ScheduledTask(
            pk,
            title,
            start,
            due,
            _finish(status, due, completed_at),
            tuple(sorted(links.get(pk, ()))),
            milestone_id,
            status == Task.Status.DONE,
            status == Task.Status.IN_PROGRESS,
        )
        versions[pk] = version
    milestones, milestone_versions = {}, {}
    for pk, name, due, completed_on, critical, version in Milestone.objects.filter(
        project=project
    ).values_list("pk", "name", "due_date", "completed_on", "is_golive_critical", "version"):
        milestones[pk] = ScheduledMilestone(pk, name, due, completed_on is not None, critical)
        milestone_versions[pk] = version
    dated = [d for t in tasks.values() for d in (t.start, t.due, t.finish) if d]
    dated += [m.due for m in milestones.values() if m.due]
    start = min([*dated, today])
    holidays = scheduling.company_holidays(start, max([*dated, today]) + timedelta(days=366))
    return Plan(project, tasks, milestones, versions, milestone_versions, holidays)


def _proposed(task: ScheduledTask, change: Change, *, today: date) -> tuple[ScheduledTask, date]:
    """The task as it stands for the ripple (its finish before), and its finish after."""
    if change.pull:
        # Finished (or now due) earlier than `since`: the ripple compares with that day.
        before = ScheduledTask(**{**task.__dict__, "finish": change.since or task.due})
        return before, task.finish
    if change.done:
        return task, task.finish if task.done else today
    return task, change.due


def preview(task: Task, change: Change, *, today: date | None = None) -> Preview:
    """What would move if `change` were saved: read-only."""
    today = today or timezone.localdate()
    plan = load_plan(task.project, today=today)
    return _preview(plan, task, change, today=today)


def _preview(plan: Plan, task: Task, change: Change, *, today: date) -> Preview:
    current = plan.tasks[task.pk]
    before, new_finish = _proposed(current, change, today=today)
    tasks = {**plan.tasks, task.pk: before}
    old_finish = before.finish
    forecast = plan.project.forecast_go_live
    milestones = plan.milestones.values()
    if change.pull:
        earlier = new_finish is not None and old_finish is not None and new_finish < old_finish
        result = (
            scheduling.ripple(
                tasks.values(),
                milestones,
                {task.pk: new_finish},
                plan.holidays,
                forecast=forecast,
                earlier=True,
                today=today,
            )
            if earlier
            else Ripple((), forecast, forecast)
        )
        offer = None
    else:
        later = new_finish is not None and (old_finish is None or new_finish > old_finish)
        result = (
            scheduling.ripple(
                tasks.values(), milestones, {task.pk: new_finish}, plan.holidays, forecast=forecast
            )
            if later
            else Ripple((), forecast, forecast)
        )
        offer = None
        if new_finish is not None and old_finish is not None and new_finish < old_finish:
            offer = scheduling.ripple(
                tasks.values(),
                milestones,
                {task.pk: new_finish},
                plan.holidays,
                forecast=forecast,
                earlier=True,
                today=today,
            )
    versions = _scope_versions(plan, task.pk)
    token = signing.dumps(
        {
            "task": task.pk,
            "change": change.encode(),
            "versions": versions,
            "moves": _encode_moves(result),
        },
        salt=SALT,
        compress=True,
    )
    return Preview(
        task=task,
        change=change,
        old_finish=old_finish,
        new_finish=new_finish,
        ripple=result,
        token=token,
        pull_offer=offer or None,
        versions=versions,
        holidays=plan.holidays,
    )


def _encode_moves(result: Ripple) -> list:
    moves = [[m.kind, m.id, m.new_due.isoformat()] for m in result.moves]
    go_live = result.go_live_after
    return [
        moves,
        result.go_live_before and result.go_live_before.isoformat(),
        go_live and str(go_live),
    ]


def _scope_versions(plan: Plan, task_pk: int) -> dict[str, int]:
    """The versions of every row the ripple of this task reads: the task, all that waits on it
    (and what those wait on), their milestones and the go-live ones, and the project's."""
    successors: dict[int, list[int]] = {}
    for t in plan.tasks.values():
        for pred in t.depends_on:
            successors.setdefault(pred, []).append(t.id)
    reach, stack = {task_pk}, [task_pk]
    while stack:
        for succ in successors.get(stack.pop(), ()):
            if succ not in reach:
                reach.add(succ)
                stack.append(succ)
    scope = set(reach)
    for pk in reach:
        scope.update(p for p in plan.tasks[pk].depends_on if p in plan.tasks)
    milestone_ids = {plan.tasks[pk].milestone_id for pk in scope} - {None}
    milestone_ids |= {
        m.id for m in plan.milestones.values() if m.is_go_live or m.is_golive_critical
    }
    # Tasks of those milestones decide when a milestone must move, so they are read too.
    scope |= {t.id for t in plan.tasks.values() if t.milestone_id in milestone_ids}
    versions = {f"t{pk}": plan.task_versions[pk] for pk in sorted(scope)}
    versions |= {f"m{pk}": plan.milestone_versions[pk] for pk in sorted(milestone_ids)}
    versions["p"] = plan.project.version
    return versions


def _why_stale(submitted: dict, fresh: Preview, plan: Plan) -> str:
    old = submitted.get("versions", {})
    changed = []
    for key in sorted(set(old) | set(fresh.versions)):
        if old.get(key) == fresh.versions.get(key):
            continue
        pk = int(key[1:]) if key[1:].isdigit() else None
        if key.startswith("t") and pk in plan.tasks:
            changed.append(f"“{plan.tasks[pk].title}”")
        elif key.startswith("m") and pk in plan.milestones:
            changed.append(f"milestone “{plan.milestones[pk].name}”")
        elif key == "p":
            changed.append("the project’s details")
    if changed:
        shown = ", ".join(changed[:5]) + (
            f" and {len(changed) - 5} more" if len(changed) > 5 else ""
        )
        return f"The plan changed since this preview ({shown} changed meanwhile), " + NOTHING
    return "The plan changed since this preview (the holidays or the dates it reads), " + NOTHING


def _check_token(token: str, fresh: Preview, plan: Plan) -> None:
    try:
        submitted = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired:
        raise StalePreview(
            "This preview is too old to confirm, so nothing was saved.", code="stale"
        ) from None
    except signing.BadSignature:
        raise StalePreview("This preview could not be read, so nothing was saved.") from None
    if submitted.get("task") != fresh.task.pk or submitted.get("change") != fresh.change.encode():
        raise StalePreview("This preview was for another change, so nothing was saved.")
    if submitted.get("versions") != fresh.versions or submitted.get("moves") != _encode_moves(
        fresh.ripple
    ):
        raise StalePreview(_why_stale(submitted, fresh, plan), code="stale")


@transaction.atomic
def apply(
    task: Task,
    change: Change,
    *,
    user,
    token: str,
    save_task=None,
    today: date | None = None,
) -> Preview:
    """Confirm a preview: save the task's change (`save_task`, a service call) and move what the
    ripple moves, all at once; refused (StalePreview) when the plan changed since the preview.

    Every row the ripple read is locked first, tasks before milestones before the project (the
    order every task change takes), so that the check and the moves see the same plan.
    """
    today = today or timezone.localdate()
    project = task.project
    list(
        Task.objects.select_for_update(no_key=True)
        .filter(project=project)
        .order_by("pk")
        .only("pk")
    )
    list(
        Milestone.objects.select_for_update(no_key=True)
        .filter(project=project)
        .order_by("pk")
        .only("pk")
    )
    project.refresh_from_db(fields=["forecast_go_live", "version"])
    plan = load_plan(project, today=today)
    if task.pk not in plan.tasks:
        raise StalePreview("This task is no longer on the plan, so nothing was saved.")
    fresh = _preview(plan, task, change, today=today)
    _check_token(token, fresh, plan)
    if save_task is not None:
        save_task()
    _move(project, fresh.ripple, user=user)
    project_touch(project=project)
    return fresh


def _move(project: ImplementationProject, result: Ripple, *, user) -> None:
    """Write the moves, one history record and one version count per row moved."""
    task_moves = {m.id: m for m in result.moves if m.kind == "task"}
    for row in Task.objects.filter(pk__in=task_moves):
        move = task_moves[row.pk]
        row.due_date = move.new_due
        if move.new_start is not None:
            row.start_date = move.new_start
        row.version += 1
        row._history_user = user
        row.save(update_fields=["start_date", "due_date", "version"])
    milestone_moves = {m.id: m for m in result.moves if m.kind == "milestone"}
    for row in Milestone.objects.filter(pk__in=milestone_moves):
        row.due_date = milestone_moves[row.pk].new_due
        row.version += 1
        row._history_user = user
        row.save(update_fields=["due_date", "version"])
    if result.go_live_moves:
        project.forecast_go_live = result.go_live_after
        project.version += 1
        project._history_user = user
        project.save(update_fields=["forecast_go_live", "version", "updated_at"])
