"""The client's account status follows its projects, set-based (one UPDATE for any number).

- at risk while an active project of theirs that is not yet handed off is red;
- else live once a project of theirs has reached Go-live (or later);
- else onboarding once a project has reached Kick-off (or was at risk and no longer is).

A prospect without a project that started, and a churned account, are left as they are:
churn is a person's judgement, not something projects decide.
"""

from collections.abc import Iterable

from django.db.models import Case, Exists, F, OuterRef, Value, When
from django.utils import timezone

from clients.models import Client
from projects.models import Health, ImplementationProject, Phase

LIVE_PHASES = [Phase.GO_LIVE, Phase.HYPERCARE, Phase.HANDED_OFF]
STARTED_PHASES = [phase for phase in Phase.ordered() if phase.index >= Phase.KICKOFF.index]


def account_status_refresh(*, client_ids: Iterable[int] | None = None) -> int:
    """Bring the account status of the given clients (all when None) in line with their
    projects; returns how many rows changed."""
    projects = ImplementationProject.objects.filter(client=OuterRef("pk")).exclude(
        status=ImplementationProject.Status.CANCELLED
    )
    red = Exists(
        projects.filter(status=ImplementationProject.Status.ACTIVE, health=Health.RED).exclude(
            phase=Phase.HANDED_OFF
        )
    )
    live = Exists(projects.filter(phase__in=LIVE_PHASES))
    started = Exists(projects.filter(phase__in=STARTED_PHASES))
    S = Client.AccountStatus
    status = Case(
        When(red, then=Value(S.AT_RISK)),
        When(live, then=Value(S.LIVE)),
        When(started, then=Value(S.ONBOARDING)),
        When(account_status=S.AT_RISK, then=Value(S.ONBOARDING)),
        default=F("account_status"),
    )
    clients = Client.objects.exclude(account_status=S.CHURNED)
    if client_ids is not None:
        clients = clients.filter(pk__in=client_ids)
    # Only the rows whose status changes are written, so updated_at says when it changed.
    changing = clients.annotate(new_status=status).exclude(account_status=F("new_status"))
    return Client.objects.filter(pk__in=changing.values("pk")).update(
        account_status=status, updated_at=timezone.now()
    )
