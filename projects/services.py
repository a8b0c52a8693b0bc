"""Every write that matters on a project and the things inside it."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.formats import date_format

from clients import roles
from clients.models import Client, Contact
from clients.services import sales_handoff_acknowledgement_stands
from common.versions import version_claim
from projects import gates, notifications
from projects.baselines import take_baseline
from projects.health import refresh_health
from projects.history import history_entries
from projects.models import (
    Comment,
    HandoffReport,
    Health,
    ImplementationProject,
    Issue,
    Milestone,
    Phase,
    PhaseChange,
    ProjectMembership,
    Risk,
    Task,
    TimeEntry,
)
from projects.scheduling import add_business_days, holidays_from
from projects.selectors import owner_candidates, timesheet_state, timesheet_tasks, week_days
from projects.signals import (
    handoff_report_changed,
    hypercare_ended,
    phase_changed,
    project_created,
    went_live,
)

PROJECT_FIELDS = [
    "name",
    "client",
    "sales_handoff",
    "pm",
    "status",
    "kickoff_date",
    "baseline_go_live",
    "forecast_go_live",
    "budget_hours",
    "budget_amount",
    # Set by an import only: the deal's id in the CRM (no form has the field).
    "external_id",
]


def _assign(instance, data: dict[str, Any], fields: list[str]) -> list[str]:
    """Copy the given fields that data holds onto instance; return their names.

    All of them, not only those that differ: a ModelForm has already written its values onto
    the instance it was given, so a comparison here would see no change.
    """
    assigned = [name for name in fields if name in data]
    for name in assigned:
        setattr(instance, name, data[name])
    return assigned


def _save(instance, *, user: User | None, update_fields: list[str] | None = None) -> None:
    instance._history_user = user
    instance.full_clean()
    if update_fields is None:
        instance.save()
    elif update_fields:
        instance.save(update_fields=update_fields)


def _changes_since(stored: Model, version: int) -> str:
    """Who changed what since `version`, in words, from the row's history (oldest first)."""
    history = stored.history.select_related("history_user").order_by("-history_date", "-history_id")
    newer = list(history.filter(version__gt=version))
    before = history.filter(version__lte=version).first()
    entries = history_entries([*newer, before] if before else newer, limit=len(newer))
    said = []
    for entry in reversed(entries):
        when = date_format(timezone.localtime(entry["when"]), "j M Y, H:i")
        changes = "; ".join(
            f"{field} from {old or 'nothing'} to {new or 'nothing'}"
            for field, old, new in entry["changes"]
        )
        said.append(f"{entry['who']} on {when}: {changes or entry['kind']}.")
    return "Meanwhile " + " ".join(said) if said else ""


def _claim(instance: Model, version: int | None) -> Model:
    """Lock the row and count this save; a form's stale version is refused with what changed."""
    return version_claim(instance, version=version, describe=_changes_since)


def _check_owner(project: ImplementationProject, owner: User | None, field: str, before) -> None:
    """The owner must be one of the project's people; one kept from before may stay."""
    if owner is None or owner.pk == before:
        return
    if not owner_candidates(project).filter(pk=owner.pk).exists():
        raise ValidationError(
            {field: f"{owner.get_full_name() or owner.username} is not on this project's team."}
        )


def project_touch(*, project: ImplementationProject) -> None:
    """Record that something happened on the project, and bring its health up to date."""
    now = timezone.now()
    ImplementationProject.objects.filter(pk=project.pk).update(last_activity_at=now)
    project.last_activity_at = now
    refresh_health(project_ids=[project.pk])


@transaction.atomic
def project_create(*, user: User, data: dict[str, Any]) -> ImplementationProject:
    """Open a project for a client; the client becomes an onboarding account."""
    project = ImplementationProject()
    _assign(project, data, PROJECT_FIELDS)
    if project.forecast_go_live is None:
        project.forecast_go_live = project.baseline_go_live
    _validate_handoff_belongs_to_client(project)
    _save(project, user=user)
    project.products.set(data.get("products") or [])
    client = project.client
    if client.account_status == Client.AccountStatus.PROSPECT:
        client.account_status = Client.AccountStatus.ONBOARDING
        client.save(update_fields=["account_status", "updated_at"])
    project_created.send(sender=ImplementationProject, project=project, user=user)
    project_touch(project=project)
    notifications.sales_handoff_linked(project=project)
    return project


@transaction.atomic
def project_update(
    *,
    project: ImplementationProject,
    user: User,
    data: dict[str, Any],
    version: int | None = None,
) -> ImplementationProject:
    """Change a project's details; `version` is the one its edit form was opened at."""
    changed = _assign(project, data, PROJECT_FIELDS)
    _validate_handoff_belongs_to_client(project)
    _claim(project, version)
    _save(project, user=user, update_fields=[*changed, "updated_at", "version"])
    if "products" in data:
        project.products.set(data["products"])
    project_touch(project=project)
    notifications.sales_handoff_linked(project=project)
    return project


def _validate_handoff_belongs_to_client(project: ImplementationProject) -> None:
    if project.sales_handoff_id and project.sales_handoff.client_id != project.client_id:
        raise ValidationError({"sales_handoff": "This sales handoff belongs to another client."})


def _person(user: User | None) -> str:
    return (user.get_full_name() or user.username) if user else "someone"


def _sales_handoff_problems(project: ImplementationProject) -> list[str]:
    problems = []
    if not project.pm_id:
        problems.append("Assign a PM to the project.")
    handoff = project.sales_handoff
    if handoff is None:
        problems.append("Link the sales handoff from the sales rep.")
    elif not handoff.is_acknowledged:
        problems.append("The PM has not acknowledged the sales handoff yet.")
    elif project.pm_id and not sales_handoff_acknowledgement_stands(handoff):
        problems.append(
            f"The sales handoff was acknowledged by {_person(handoff.acknowledged_by)}, who is "
            "neither this project's PM nor a manager: the PM must acknowledge it."
        )
    return problems


@dataclass(frozen=True)
class GateCheck:
    """One condition of a gate, as the go-live readiness page lists it."""

    label: str
    problems: list[str]

    @property
    def passed(self) -> bool:
        return not self.problems


def go_live_gate(
    project: ImplementationProject,
    milestones: list[Milestone] | None = None,
    *,
    critical_open_issues: int | None = None,
    registered: bool = True,
) -> list[GateCheck]:
    """Every condition of reaching Go-live, met or not: the phase change refuses on any problem
    here, and the readiness page shows each one. A new condition is one more check here, or
    one registered in projects.gates by an app built on projects (`registered=False` leaves
    those out, for a page that only hints at the gate)."""
    if milestones is None:
        milestones = list(project.milestones.all())
    milestone_problems = []
    for milestone in milestones:
        if not milestone.is_golive_critical:
            continue
        if not milestone.is_complete:
            milestone_problems.append(
                f"Go-live critical milestone “{milestone.name}” is not complete."
            )
        elif not milestone.is_signed_off:
            milestone_problems.append(
                f"Go-live critical milestone “{milestone.name}” has no client sign-off."
            )
    critical = (
        project.issues.open().critical().count()
        if critical_open_issues is None
        else critical_open_issues
    )
    noun = "issue is" if critical == 1 else "issues are"
    extra = [GateCheck(*check(project)) for check in gates.GO_LIVE_CHECKS] if registered else []
    return [
        GateCheck("Go-live critical milestones complete and signed off", milestone_problems),
        GateCheck(
            "No critical issue open",
            [f"{critical} critical {noun} still open."] if critical else [],
        ),
        GateCheck(
            "UAT signed off by the client",
            [] if project.uat_signed_off_at else ["UAT has not been signed off by the client."],
        ),
        *extra,
    ]


def phase_gate_problems(
    project: ImplementationProject,
    to_phase: Phase,
    *,
    milestones: list[Milestone] | None = None,
    critical_open_issues: int | None = None,
    registered: bool = True,
) -> list[str]:
    """What stops the project from entering `to_phase`, in words a PM can act on.

    `milestones` and `critical_open_issues`, the project's, when the caller has them already;
    `registered=False` leaves out the go-live checks other apps registered (see go_live_gate).
    """
    current = Phase(project.phase)
    if to_phase.index <= current.index:
        return []
    if milestones is None:
        milestones = list(project.milestones.all())
    problems = [
        f"Key milestone “{milestone.name}” of {current.label} is not complete."
        for milestone in milestones
        if milestone.is_key and milestone.phase == current and not milestone.is_complete
    ]
    if current == Phase.SALES_HANDOFF:
        problems += _sales_handoff_problems(project)
    if to_phase == Phase.GO_LIVE:
        checks = go_live_gate(
            project, milestones, critical_open_issues=critical_open_issues, registered=registered
        )
        for check in checks:
            problems += check.problems
    if to_phase == Phase.HANDED_OFF:
        report = HandoffReport.objects.filter(project=project).first()
        if report is None or report.status != HandoffReport.Status.ACCEPTED:
            problems.append("Support has not accepted the handoff report.")
    return problems


class PhaseChangeRefused(ValidationError):
    """A phase change that a gate or the project's state does not allow."""


class GateNotMet(PhaseChangeRefused):
    """A phase change its gate does not allow: an implementation manager may override it."""


ONLY_MANAGERS_OVERRIDE = "Only an implementation manager can override a gate."


@transaction.atomic
def project_change_phase(
    *,
    project: ImplementationProject,
    to_phase: Phase,
    user: User,
    note: str = "",
    override_reason: str = "",
) -> PhaseChange:
    """Move a project one phase forward (gates apply) or back to an earlier phase.

    An implementation manager (or admin) may pass a gate that is not met by giving an
    `override_reason`; the reason and what the gate found missing are kept with the change.
    """
    project = ImplementationProject.objects.select_for_update().get(pk=project.pk)
    current = Phase(project.phase)
    if project.status != ImplementationProject.Status.ACTIVE:
        raise PhaseChangeRefused(
            [f"The project is {project.get_status_display().lower()}; reactivate it first."]
        )
    if to_phase == current:
        raise PhaseChangeRefused([f"The project is already in {current.label}."])
    if to_phase.index > current.index + 1:
        raise PhaseChangeRefused(
            [
                f"Phases go in order: the next phase after {current.label} is "
                f"{Phase.ordered()[current.index + 1].label}."
            ]
        )
    problems = phase_gate_problems(project, to_phase)
    reason = override_reason.strip()
    if problems and not reason:
        raise GateNotMet(problems)
    if problems and not roles.is_manager(user):
        raise GateNotMet([*problems, ONLY_MANAGERS_OVERRIDE])
    project.phase = to_phase
    update_fields = ["phase", "updated_at"]
    if to_phase == Phase.GO_LIVE and project.actual_go_live is None:
        project.actual_go_live = timezone.localdate()
        update_fields.append("actual_go_live")
    if to_phase == Phase.GO_LIVE:
        # Hypercare runs from the go-live date, whenever the project reaches Go-live.
        days = settings.GOLIVE_HANDOFF["HYPERCARE_BUSINESS_DAYS"]
        start = project.actual_go_live
        project.hypercare_ends_on = add_business_days(start, days, holidays_from(start))
        update_fields.append("hypercare_ends_on")
    _save(project, user=user, update_fields=update_fields)
    change = PhaseChange.objects.create(
        project=project,
        from_phase=current,
        to_phase=to_phase,
        changed_by=user,
        note=note,
        gate_overridden=bool(problems),
        override_reason=reason if problems else "",
        overridden_problems=problems,
    )
    if to_phase == Phase.KICKOFF and not project.baselines.exists():
        # The plan agreed at kick-off is the one variance is first measured against.
        take_baseline(project=project, user=user, reason="Taken at kick-off", first=True)
    # The client's account status follows (projects.account_status, run by the health refresh).
    project_touch(project=project)
    phase_changed.send(sender=ImplementationProject, project=project, change=change, user=user)
    if to_phase == Phase.GO_LIVE:
        went_live.send(sender=ImplementationProject, project=project, change=change, user=user)
    if to_phase == Phase.HANDED_OFF:
        hypercare_ended.send(
            sender=ImplementationProject, project=project, change=change, user=user
        )
    return change


@transaction.atomic
def project_override_health(
    *, project: ImplementationProject, user: User, health: str, reason: str, until: date
) -> None:
    """A PM's judgement over the computed health, with a reason, until a date."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the computed health is wrong."})
    if until < timezone.localdate():
        raise ValidationError({"until": "The override must last until today or later."})
    project.health_override = Health(health)
    project.health_override_reason = reason.strip()
    project.health_override_until = until
    project.health_override_by = user
    _save(
        project,
        user=user,
        update_fields=[
            "health_override",
            "health_override_reason",
            "health_override_until",
            "health_override_by",
        ],
    )
    project_touch(project=project)


@transaction.atomic
def project_clear_health_override(*, project: ImplementationProject, user: User) -> None:
    project.health_override = ""
    project.health_override_reason = ""
    project.health_override_until = None
    project.health_override_by = None
    _save(
        project,
        user=user,
        update_fields=[
            "health_override",
            "health_override_reason",
            "health_override_until",
            "health_override_by",
        ],
    )
    project_touch(project=project)


def uat_signoff_refusal(project: ImplementationProject, *, with_testing: bool = True) -> str:
    """Why UAT cannot be signed off now, or "" when it can; `with_testing=False` leaves out
    what the apps registered in projects.gates find (test cases, defects)."""
    if project.uat_signed_off_at:
        return "UAT has already been signed off."
    if Phase(project.phase).index < Phase.TESTING.index:
        return (
            "UAT is signed off in the Testing phase; this project is in "
            f"{project.get_phase_display()}."
        )
    if not with_testing:
        return ""
    problems = [problem for check in gates.UAT_SIGNOFF_CHECKS for problem in check(project)]
    return " ".join(problems)


def _record_uat_signoff(
    project: ImplementationProject, *, contact: Contact, user: User | None, exception_reason: str
) -> None:
    # Two sign-offs at once: the second waits here and then finds the first.
    ImplementationProject.objects.select_for_update().filter(pk=project.pk).exists()
    project.refresh_from_db(fields=["uat_signed_off_at", "phase"])
    refusal = uat_signoff_refusal(project)
    if refusal:
        raise ValidationError(refusal)
    if contact.client_id != project.client_id:
        raise ValidationError({"contact": "Choose a contact of this project's client."})
    project.uat_signed_off_by = contact
    project.uat_signed_off_at = timezone.now()
    project.uat_signoff_recorded_by = user
    project.uat_signoff_exception_reason = exception_reason
    _save(
        project,
        user=user,
        update_fields=[
            "uat_signed_off_by",
            "uat_signed_off_at",
            "uat_signoff_recorded_by",
            "uat_signoff_exception_reason",
        ],
    )
    project_touch(project=project)


@transaction.atomic
def project_record_uat_signoff(
    *, project: ImplementationProject, user: User, contact: Contact, reason: str
) -> None:
    """The PM records the client's UAT sign-off on their behalf: an exception, kept with its
    reason, since the client signs off themselves (in the portal) as a rule."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the client cannot sign off UAT themselves."})
    _record_uat_signoff(project, contact=contact, user=user, exception_reason=reason)


@transaction.atomic
def project_uat_signoff_by_contact(*, project: ImplementationProject, contact: Contact) -> None:
    """The client's own UAT sign-off, given by one of their contacts."""
    _record_uat_signoff(project, contact=contact, user=None, exception_reason="")


@transaction.atomic
def project_member_add(
    *, project: ImplementationProject, user: User, member: User, role: str
) -> ProjectMembership:
    membership, created = ProjectMembership.objects.get_or_create(
        project=project, user=member, defaults={"role": role}
    )
    if not created and membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])
    project_touch(project=project)
    return membership


@transaction.atomic
def project_member_remove(*, project: ImplementationProject, user: User, member_id: int) -> None:
    ProjectMembership.objects.filter(project=project, user_id=member_id).delete()
    project_touch(project=project)


# Milestones


@transaction.atomic
def milestone_save(
    *,
    project: ImplementationProject,
    user: User,
    milestone: Milestone | None,
    data: dict,
    version: int | None = None,
) -> Milestone:
    """Create (milestone=None) or update a milestone of the project."""
    fields = [
        "name",
        "order",
        "phase",
        "baseline_date",
        "due_date",
        "is_key",
        "is_golive_critical",
        "visible_to_client",
    ]
    if milestone is None:
        milestone = Milestone(project=project)
        _assign(milestone, data, fields)
        if milestone.baseline_date is None:
            milestone.baseline_date = milestone.due_date
        _save(milestone, user=user)
    else:
        changed = _assign(milestone, data, fields)
        _claim(milestone, version)
        _save(milestone, user=user, update_fields=[*changed, "version"])
    project_touch(project=project)
    return milestone


class OpenTasksNotConfirmed(ValidationError):
    """A milestone completed while its tasks are open, without saying so was intended."""


@transaction.atomic
def milestone_complete(
    *,
    milestone: Milestone,
    user: User,
    on: date | None = None,
    confirm_open_tasks: bool = False,
) -> Milestone:
    """Complete a milestone; with tasks still open only when the user confirmed it."""
    if milestone.completed_on is None:
        open_count = milestone.tasks.open().count()
        if open_count and not confirm_open_tasks:
            noun = "task is" if open_count == 1 else "tasks are"
            raise OpenTasksNotConfirmed(
                f"{open_count} {noun} still open on “{milestone.name}”: confirm that it is "
                "complete anyway.",
                code="open_tasks",
            )
        milestone.completed_on = on or timezone.localdate()
        milestone.completed_by = user
        _save(milestone, user=user, update_fields=["completed_on", "completed_by"])
        project_touch(project=milestone.project)
    return milestone


@transaction.atomic
def milestone_reopen(*, milestone: Milestone, user: User) -> Milestone:
    milestone.completed_on = None
    milestone.completed_by = None
    milestone.signed_off_by = None
    milestone.signed_off_at = None
    _save(
        milestone,
        user=user,
        update_fields=["completed_on", "completed_by", "signed_off_by", "signed_off_at"],
    )
    project_touch(project=milestone.project)
    return milestone


@transaction.atomic
def milestone_sign_off(*, milestone: Milestone, user: User, contact: Contact) -> Milestone:
    """Record the client's sign-off of a completed milestone."""
    if milestone.completed_on is None:
        raise ValidationError("Complete the milestone before recording the client's sign-off.")
    if contact.client_id != milestone.project.client_id:
        raise ValidationError({"contact": "Choose a contact of this project's client."})
    milestone.signed_off_by = contact
    milestone.signed_off_at = timezone.now()
    _save(milestone, user=user, update_fields=["signed_off_by", "signed_off_at"])
    project_touch(project=milestone.project)
    return milestone


# Tasks


def _validate_task(
    task: Task, depends_on: list[Task] | None, *, owner_before: int | None = None
) -> None:
    _check_owner(task.project, task.owner_user, "owner_user", owner_before)
    errors: dict[str, str] = {}
    if task.owner_user_id and task.owner_contact_id:
        errors["owner_contact"] = "A task has one owner: a team member or a client contact."
    if task.owner_contact_id and task.owner_contact.client_id != task.project.client_id:
        errors["owner_contact"] = "Choose a contact of this project's client."
    if task.milestone_id and task.milestone.project_id != task.project_id:
        errors["milestone"] = "Choose a milestone of this project."
    if task.start_date and task.due_date and task.due_date < task.start_date:
        errors["due_date"] = "The due date cannot be before the start date."
    if depends_on:
        if any(dep.project_id != task.project_id for dep in depends_on):
            errors["depends_on"] = "A task can only depend on tasks of the same project."
        elif task.pk and _creates_cycle(task, depends_on):
            errors["depends_on"] = "These dependencies would make a loop."
    if errors:
        raise ValidationError(errors)


def _creates_cycle(task: Task, depends_on: list[Task]) -> bool:
    edges: dict[int, set[int]] = {}
    for succ, pred in Task.depends_on.through.objects.filter(
        from_task__project_id=task.project_id
    ).values_list("from_task_id", "to_task_id"):
        edges.setdefault(succ, set()).add(pred)
    edges[task.pk] = {dep.pk for dep in depends_on}
    stack, seen = list(edges[task.pk]), set()
    while stack:
        current = stack.pop()
        if current == task.pk:
            return True
        if current not in seen:
            seen.add(current)
            stack.extend(edges.get(current, ()))
    return False


TASK_FIELDS = [
    "title",
    "description",
    "milestone",
    "owner_user",
    "owner_contact",
    "priority",
    "start_date",
    "due_date",
    "estimate_hours",
    "visible_to_client",
]


@transaction.atomic
def task_save(
    *,
    project: ImplementationProject,
    user: User,
    task: Task | None,
    data: dict,
    version: int | None = None,
) -> Task:
    """Create (task=None) or update a task's details; status goes through task_set_status.

    `version` is the one the task's edit form was opened at.
    """
    depends_on = list(data["depends_on"]) if data.get("depends_on") is not None else None
    if task is None:
        task = Task(project=project)
        _assign(task, data, TASK_FIELDS)
        _validate_task(task, depends_on)
        _save(task, user=user)
    else:
        changed = _assign(task, data, TASK_FIELDS)
        stored = _claim(task, version)
        if depends_on is not None:
            # Two saves at once could each find no loop and together make one: the project's
            # row serialises the dependency edits of its tasks (locked after the task's row,
            # as every task change does through project_touch).
            ImplementationProject.objects.select_for_update(no_key=True).filter(
                pk=project.pk
            ).first()
        _validate_task(task, depends_on, owner_before=stored.owner_user_id)
        _save(task, user=user, update_fields=[*changed, "version"])
    if depends_on is not None:
        task.depends_on.set(depends_on)
    if "status" in data and data["status"] and data["status"] != task.status:
        task_set_status(task=task, user=user, status=data["status"])
    project_touch(project=project)
    return task


@transaction.atomic
def task_set_status(*, task: Task, user: User, status: str) -> Task:
    """Change a task's status; finish-to-start: no start before its predecessors are done."""
    status = Task.Status(status)
    if status in (Task.Status.IN_PROGRESS, Task.Status.DONE):
        waiting = [dep.title for dep in task.depends_on.exclude(status=Task.Status.DONE)]
        if waiting:
            raise ValidationError(
                {"status": f"Waiting on unfinished tasks: {', '.join(sorted(waiting))}."}
            )
    if status == Task.Status.DONE:
        task.completed_at = task.completed_at or timezone.now()
    else:
        task.completed_at = None
    task.status = status
    _claim(task, None)
    _save(task, user=user, update_fields=["status", "completed_at", "version"])
    project_touch(project=task.project)
    return task


@transaction.atomic
def task_set_owner(
    *, task: Task, user: User, owner_user: User | None, owner_contact: Contact | None
) -> Task:
    task.owner_user = owner_user
    task.owner_contact = owner_contact
    stored = _claim(task, None)
    _validate_task(task, None, owner_before=stored.owner_user_id)
    _save(task, user=user, update_fields=["owner_user", "owner_contact", "version"])
    project_touch(project=task.project)
    return task


# Risks and issues

RISK_FIELDS = [
    "title",
    "description",
    "probability",
    "impact",
    "owner",
    "mitigation_plan",
    "visible_to_client",
]


@transaction.atomic
def risk_save(
    *,
    project: ImplementationProject,
    user: User,
    risk: Risk | None,
    data: dict,
    version: int | None = None,
) -> Risk:
    """Create (risk=None) or update a risk; `version` is the one its edit form was opened at."""
    if risk is None:
        risk = Risk(project=project)
        _assign(risk, data, RISK_FIELDS)
        _check_owner(project, risk.owner, "owner", None)
        _save(risk, user=user)
    else:
        changed = _assign(risk, data, RISK_FIELDS)
        stored = _claim(risk, version)
        _check_owner(project, risk.owner, "owner", stored.owner_id)
        _save(risk, user=user, update_fields=[*changed, "version"])
        if {"probability", "impact"} & set(changed):
            risk.refresh_from_db(fields=["score"])
    if "status" in data and data["status"] and data["status"] != risk.status:
        risk_set_status(risk=risk, user=user, status=data["status"])
    project_touch(project=project)
    return risk


@transaction.atomic
def risk_set_status(*, risk: Risk, user: User, status: str) -> Risk:
    """Move a risk along; a risk that occurred raises an issue of its own."""
    status = Risk.Status(status)
    risk.status = status
    risk.closed_at = (
        timezone.now() if status in (Risk.Status.CLOSED, Risk.Status.OCCURRED) else None
    )
    _claim(risk, None)
    _save(risk, user=user, update_fields=["status", "closed_at", "version"])
    if status == Risk.Status.OCCURRED and not Issue.objects.filter(from_risk=risk).exists():
        severity = (
            Issue.Severity.CRITICAL
            if risk.impact >= 5
            else Issue.Severity.HIGH
            if risk.impact >= 4
            else Issue.Severity.MEDIUM
        )
        issue = Issue(
            project=risk.project,
            title=risk.title,
            description=f"Raised because the risk occurred.\n\n{risk.description}".strip(),
            severity=severity,
            owner=risk.owner,
            from_risk=risk,
        )
        _save(issue, user=user)
    project_touch(project=risk.project)
    return risk


ISSUE_FIELDS = ["title", "description", "severity", "owner", "resolution", "visible_to_client"]


@transaction.atomic
def issue_save(
    *,
    project: ImplementationProject,
    user: User,
    issue: Issue | None,
    data: dict,
    version: int | None = None,
) -> Issue:
    """Create (issue=None) or update an issue; `version` is the one its edit form was opened at."""
    if issue is None:
        issue = Issue(project=project)
        _assign(issue, data, ISSUE_FIELDS)
        _save(issue, user=user)
    else:
        changed = _assign(issue, data, ISSUE_FIELDS)
        _claim(issue, version)
        _save(issue, user=user, update_fields=[*changed, "version"])
    if "status" in data and data["status"] and data["status"] != issue.status:
        issue_set_status(issue=issue, user=user, status=data["status"])
    project_touch(project=project)
    return issue


@transaction.atomic
def issue_set_status(*, issue: Issue, user: User, status: str, resolution: str = "") -> Issue:
    status = Issue.Status(status)
    if status in (Issue.Status.RESOLVED, Issue.Status.CLOSED):
        issue.resolved_at = issue.resolved_at or timezone.now()
        if resolution:
            issue.resolution = resolution
    else:
        issue.resolved_at = None
    issue.status = status
    _claim(issue, None)
    _save(issue, user=user, update_fields=["status", "resolved_at", "resolution", "version"])
    project_touch(project=issue.project)
    return issue


# Comments and time


@transaction.atomic
def comment_add(
    *,
    project: ImplementationProject,
    user: User,
    body: str,
    task: Task | None = None,
    risk: Risk | None = None,
    issue: Issue | None = None,
) -> Comment:
    if not body.strip():
        raise ValidationError({"body": "Write something before posting."})
    for item in (task, risk, issue):
        if item is not None and item.project_id != project.pk:
            raise ValidationError("That item belongs to another project.")
    comment = Comment(project=project, task=task, risk=risk, issue=issue, author=user, body=body)
    comment.full_clean()
    comment.save()
    project_touch(project=project)
    return comment


@transaction.atomic
def time_entry_add(*, project: ImplementationProject, user: User, data: dict) -> TimeEntry:
    entry = TimeEntry(project=project, user=user)
    _assign(entry, data, ["task", "spent_on", "hours", "billable", "note"])
    if entry.task_id and entry.task.project_id != project.pk:
        raise ValidationError({"task": "Choose a task of this project."})
    entry.full_clean()
    entry.save()
    project_touch(project=project)
    return entry


# Handoff report


@transaction.atomic
def handoff_report_save(
    *, project: ImplementationProject, user: User, data: dict, version: int | None = None
) -> HandoffReport:
    """Write the PM's part of the report; `version` is the one the form was opened at (0 when
    there was no report yet)."""
    report, _ = HandoffReport.objects.get_or_create(project=project)
    if report.status == HandoffReport.Status.ACCEPTED:
        raise ValidationError("Support has accepted this report; it can no longer change.")
    fields = ["configuration_summary", "decisions", "training", "open_items"]
    changed = _assign(report, data, fields)
    _claim(report, version)
    _save(report, user=user, update_fields=[*changed, "version"])
    project_touch(project=project)
    return report


@transaction.atomic
def handoff_report_send(*, report: HandoffReport, user: User) -> HandoffReport:
    if Phase(report.project.phase).index < Phase.GO_LIVE.index:
        raise ValidationError("The handoff report goes to support at go-live.")
    if report.status == HandoffReport.Status.ACCEPTED:
        raise ValidationError("Support has already accepted this report.")
    report.status = HandoffReport.Status.SENT
    report.sent_by = user
    report.sent_at = timezone.now()
    # A new wait on support begins: it may be reminded of in its turn.
    report.reminder_sent_at = None
    # What support receives (its HTML and PDF) is stored by the receiver of
    # handoff_report_changed, which builds the report's facts (golive.handoff).
    _save(report, user=user, update_fields=["status", "sent_by", "sent_at", "reminder_sent_at"])
    project_touch(project=report.project)
    handoff_report_changed.send(sender=HandoffReport, report=report)
    notifications.handoff_report_changed(report=report)
    return report


class OpenIssuesNotConfirmed(ValidationError):
    """A handoff accepted while high or critical issues are open, without saying so was intended."""


@transaction.atomic
def handoff_report_decide(
    *,
    report: HandoffReport,
    user: User,
    accept: bool,
    comment: str = "",
    confirm_open_issues: bool = False,
) -> HandoffReport:
    """Support accepts the report, or returns it with questions.

    Accepting while high or critical issues are open needs `confirm_open_issues`; the issues
    confirmed are kept with the acceptance.
    """
    if not (roles.is_support(user) or roles.is_admin(user)):
        raise PermissionDenied("Only support accepts or returns handoff reports.")
    if report.status != HandoffReport.Status.SENT:
        raise ValidationError("Only a report that has been sent to support can be decided.")
    if not accept and not comment.strip():
        raise ValidationError({"support_comment": "Say what support needs before it can accept."})
    serious = (
        list(report.project.issues.open().serious().order_by("pk").only("title", "severity"))
        if accept
        else []
    )
    if serious and not confirm_open_issues:
        noun = "issue is" if len(serious) == 1 else "issues are"
        raise OpenIssuesNotConfirmed(
            f"{len(serious)} high or critical {noun} still open: confirm that support "
            "accepts the client with them.",
            code="open_issues",
        )
    report.status = HandoffReport.Status.ACCEPTED if accept else HandoffReport.Status.RETURNED
    report.decided_by = user
    report.decided_at = timezone.now()
    report.support_comment = comment.strip()
    report.accepted_open_issues = [
        f"{issue.get_severity_display()}: {issue.title}" for issue in serious
    ]
    # Returned, the report waits on the PM: a new wait, which may be reminded of in its turn.
    report.reminder_sent_at = None
    _save(
        report,
        user=user,
        update_fields=[
            "status",
            "decided_by",
            "decided_at",
            "support_comment",
            "accepted_open_issues",
            "reminder_sent_at",
        ],
    )
    project_touch(project=report.project)
    handoff_report_changed.send(sender=HandoffReport, report=report)
    notifications.handoff_report_changed(report=report)
    return report


# Timesheet

MAX_HOURS_A_DAY = Decimal(24)
MIN_ENTRY_HOURS = Decimal("0.25")


@transaction.atomic
def timesheet_save(
    *,
    user: User,
    week_start: date,
    hours: dict[tuple[int, date], Decimal],
    state: str,
) -> int:
    """Set the user's hours per task and day of one week (0 clears a day); returns the cells
    changed. The grid sets values rather than adding, so sending the same grid twice changes
    nothing the second time; a grid opened before someone else changed the week is refused."""
    if week_start.weekday() != 0:
        raise ValidationError("A timesheet week starts on a Monday.")
    days = set(week_days(week_start))
    tasks = {task.pk: task for task in timesheet_tasks(user=user, week_start=week_start)}
    for (task_id, day), value in hours.items():
        if task_id not in tasks:
            raise ValidationError("You can log hours only on your own tasks of your projects.")
        if day not in days:
            raise ValidationError("Log hours on the days of the week shown.")
        if value < 0 or value > MAX_HOURS_A_DAY:
            raise ValidationError(
                f"“{tasks[task_id].title}” on {day:%a %d %b}: enter 0 to 24 hours."
            )
        if 0 < value < MIN_ENTRY_HOURS:
            raise ValidationError(
                f"“{tasks[task_id].title}” on {day:%a %d %b}: log at least a quarter of an hour."
            )
    # Lock the week's rows: two saves of the same week take turns.
    entries = list(
        TimeEntry.objects.select_for_update().filter(user=user, spent_on__in=days).order_by("pk")
    )
    stored: dict[tuple[int, date], Decimal] = {}
    by_cell: dict[tuple[int, date], list[TimeEntry]] = {}
    day_totals: dict[date, Decimal] = dict.fromkeys(days, Decimal(0))
    for entry in entries:
        day_totals[entry.spent_on] += entry.hours
        if entry.task_id is not None:
            key = (entry.task_id, entry.spent_on)
            stored[key] = stored.get(key, Decimal(0)) + entry.hours
            by_cell.setdefault(key, []).append(entry)
    changes = {key: value for key, value in hours.items() if stored.get(key, Decimal(0)) != value}
    if timesheet_state(entries) != state:
        if not changes:
            return 0  # the same grid sent again: it is already saved
        raise ValidationError(
            "Hours of this week changed since you opened it, so nothing was saved. "
            "The timesheet now shows what is stored; enter your changes again."
        )
    for (_task_id, day), value in changes.items():
        day_totals[day] += value - stored.get((_task_id, day), Decimal(0))
    for day in sorted(days):
        if day_totals[day] > MAX_HOURS_A_DAY:
            raise ValidationError(f"{day:%a %d %b}: more than 24 hours in one day.")
    to_delete: list[int] = []
    to_update: list[TimeEntry] = []
    to_create: list[TimeEntry] = []
    for (task_id, day), value in changes.items():
        existing = by_cell.get((task_id, day), [])
        if value == 0:
            to_delete.extend(entry.pk for entry in existing)
        elif existing:
            # One row holds the day's hours; the others of that cell are folded into it.
            existing[0].hours = value
            to_update.append(existing[0])
            to_delete.extend(entry.pk for entry in existing[1:])
        else:
            task = tasks[task_id]
            to_create.append(
                TimeEntry(
                    project_id=task.project_id, task=task, user=user, spent_on=day, hours=value
                )
            )
    TimeEntry.objects.filter(pk__in=to_delete).delete()
    TimeEntry.objects.bulk_update(to_update, ["hours"])
    TimeEntry.objects.bulk_create(to_create)
    project_ids = sorted({tasks[task_id].project_id for task_id, _day in changes})
    if project_ids:
        # What project_touch does, once for every project the week touched.
        ImplementationProject.objects.filter(pk__in=project_ids).update(
            last_activity_at=timezone.now()
        )
        refresh_health(project_ids=project_ids)
    return len(changes)
