from django import template

from alerts.selectors import project_open_alerts
from projects.models import ImplementationProject

register = template.Library()

CARD_LIMIT = 5


@register.inclusion_tag("alerts/_project_alerts_card.html")
def project_alerts_card(project: ImplementationProject) -> dict:
    """The project's open and acknowledged alerts: `{% project_alerts_card project %}`."""
    alerts, total = project_open_alerts(project, limit=CARD_LIMIT)
    return {"project": project, "alerts": alerts, "total": total}
