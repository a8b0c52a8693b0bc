from django import template

from alerts.models import Alert
from alerts.selectors import STATUS_RANK, project_open_alerts
from projects.models import ImplementationProject

register = template.Library()

CARD_LIMIT = 5


@register.inclusion_tag("alerts/_project_alerts_card.html")
def project_alerts_card(project: ImplementationProject) -> dict:
    """The project's open and acknowledged alerts: `{% project_alerts_card project %}`."""
    alerts, total = project_open_alerts(project, limit=CARD_LIMIT)
    return {"project": project, "alerts": alerts, "total": total}


HOME_LIMIT = 6


@register.inclusion_tag("alerts/_my_alerts_card.html")
def my_alerts_card(user) -> dict:
    """The first of the alerts the navigation counts, for the home page, open ones first:
    `{% my_alerts_card user %}`."""
    alerts = list(
        Alert.objects.unresolved()
        .concerning(user)
        .select_related("project", "project__client")
        .annotate(status_rank=STATUS_RANK)
        .order_by("status_rank", "-level", "-first_seen_at", "-pk")[:HOME_LIMIT]
    )
    return {"alerts": alerts, "limit": HOME_LIMIT}
