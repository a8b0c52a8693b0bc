"""Who may act on an alert, decided in one place."""

from django.core.exceptions import PermissionDenied

from alerts.models import Alert
from common.queries import get_or_404
from projects.access import can_edit_project


def can_act_on_alert(user, alert: Alert) -> bool:
    """The owner of what it is about, whoever may change the project, managers and admins."""
    return alert.owner_id == user.pk or can_edit_project(user, alert.project)


def get_alert_for_action(request, pk: int) -> Alert:
    """An alert the user may see (else 404) and act on (else 403)."""
    alert = get_or_404(Alert.objects.visible_to(request.user).select_related("project"), pk=pk)
    if not can_act_on_alert(request.user, alert):
        raise PermissionDenied(
            "Only the owner, the project's PM and team, and managers can act on this alert."
        )
    return alert
