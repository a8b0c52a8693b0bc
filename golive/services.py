"""The go-live checklist, the move into Go-live from the readiness page, and the handoff thread."""

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from common.versions import version_claim
from golive.models import CutoverStep
from projects.models import ImplementationProject, Phase, PhaseChange
from projects.selectors import owner_candidates
from projects.services import GateCheck, go_live_gate, project_change_phase, project_touch
from projects.signals import hypercare_ended, phase_changed

STEP_FIELDS = ["title", "owner", "state"]


@dataclass
class Readiness:
    """What the readiness page shows: the gate's checks and the project's own checklist."""

    checks: list[GateCheck]
    steps: list[CutoverStep]

    @property
    def gate_passed(self) -> bool:
        return all(check.passed for check in self.checks)

    @property
    def open_steps(self) -> list[CutoverStep]:
        return [step for step in self.steps if step.is_open]


def readiness(project: ImplementationProject) -> Readiness:
    steps = list(
        project.cutover_steps.select_related("owner").only(
            "title",
            "state",
            "order",
            "version",
            "project_id",
            "owner__first_name",
            "owner__last_name",
            "owner__username",
        )
    )
    return Readiness(checks=go_live_gate(project), steps=steps)


def _check_owner(project: ImplementationProject, owner: User | None, before: int | None) -> None:
    if owner is None or owner.pk == before:
        return
    if not owner_candidates(project).filter(pk=owner.pk).exists():
        raise ValidationError(
            {"owner": f"{owner.get_full_name() or owner.username} is not on this project's team."}
        )


@transaction.atomic
def step_save(
    *,
    project: ImplementationProject,
    user: User,
    step: CutoverStep | None,
    data: dict,
    version: int | None = None,
) -> CutoverStep:
    """Add a step at the end of the checklist (step=None) or change one."""
    if step is None:
        # The project's row serialises additions, so two steps never share a place.
        ImplementationProject.objects.select_for_update(no_key=True).filter(pk=project.pk).first()
        last = project.cutover_steps.aggregate(last=Max("order"))["last"]
        step = CutoverStep(project=project, order=(last or 0) + 1)
        for name in STEP_FIELDS:
            if name in data:
                setattr(step, name, data[name])
        _check_owner(project, step.owner, None)
        step.full_clean()
        step.save()
    else:
        stored = version_claim(step, version=version)
        for name in STEP_FIELDS:
            if name in data:
                setattr(step, name, data[name])
        _check_owner(project, step.owner, stored.owner_id)
        step.full_clean()
        step.save()
    project_touch(project=project)
    return step


@transaction.atomic
def step_set_state(*, step: CutoverStep, user: User, state: str) -> CutoverStep:
    step.state = CutoverStep.State(state)
    version_claim(step, version=None)
    step.save(update_fields=["state", "version", "updated_at"])
    project_touch(project=step.project)
    return step


@transaction.atomic
def step_move(*, step: CutoverStep, user: User, up: bool) -> CutoverStep:
    """Swap the step with its neighbour above (up) or below; at either end nothing moves."""
    ImplementationProject.objects.select_for_update(no_key=True).filter(pk=step.project_id).first()
    steps = list(CutoverStep.objects.filter(project_id=step.project_id).order_by("order", "pk"))
    index = next(i for i, s in enumerate(steps) if s.pk == step.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(steps):
        steps[index], steps[other] = steps[other], steps[index]
        # Renumbered 1…n: orders that were equal (or had gaps) become a clean sequence.
        for position, item in enumerate(steps, start=1):
            item.order = position
        CutoverStep.objects.bulk_update(steps, ["order"])
    return step


class OpenStepsNotConfirmed(ValidationError):
    """A move into Go-live with checklist steps still open, not confirmed."""


@transaction.atomic
def project_go_live(
    *, project: ImplementationProject, user: User, confirm_open_steps: bool = False
) -> PhaseChange:
    """Move the project from Testing into Go-live. The gate applies (project_change_phase);
    open checklist steps must be confirmed, as the page listed them."""
    if project.phase != Phase.TESTING:
        raise ValidationError(
            "A project moves to Go-live from Testing; this one is in "
            f"{project.get_phase_display()}."
        )
    open_steps = project.cutover_steps.filter(state=CutoverStep.State.OPEN).count()
    if open_steps and not confirm_open_steps:
        noun = "step is" if open_steps == 1 else "steps are"
        raise OpenStepsNotConfirmed(
            f"{open_steps} checklist {noun} still open: confirm that the project goes live "
            "with them.",
            code="open_steps",
        )
    return project_change_phase(project=project, to_phase=Phase.GO_LIVE, user=user)


HANDED_OFF_NOTE = "Support accepted the handoff report."


@transaction.atomic
def project_hand_off(*, project: ImplementationProject, user: User | None) -> PhaseChange | None:
    """Support's acceptance is the gate to Handed off: the project moves there from Go-live or
    Hypercare at once, the change recorded as support's. A project elsewhere stays put."""
    project = ImplementationProject.objects.select_for_update().get(pk=project.pk)
    current = Phase(project.phase)
    if current not in (Phase.GO_LIVE, Phase.HYPERCARE):
        return None
    project.phase = Phase.HANDED_OFF
    project._history_user = user
    project.save(update_fields=["phase", "updated_at"])
    change = PhaseChange.objects.create(
        project=project,
        from_phase=current,
        to_phase=Phase.HANDED_OFF,
        changed_by=user,
        note=HANDED_OFF_NOTE,
    )
    project_touch(project=project)
    phase_changed.send(sender=ImplementationProject, project=project, change=change, user=user)
    hypercare_ended.send(sender=ImplementationProject, project=project, change=change, user=user)
    return change
