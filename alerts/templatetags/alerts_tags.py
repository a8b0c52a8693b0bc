from django import template
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from alerts.models import Alert
from alerts.selectors import STATUS_RANK, project_open_alerts
from common.dates import month_abbreviations, short_date
from projects.models import ImplementationProject
from projects.templatetags.golive import pk_url_parts
from projects.templatetags.project_rows import escaped_labels, label_html

register = template.Library()

CARD_LIMIT = 5


@register.inclusion_tag("alerts/_project_alerts_card.html")
def project_alerts_card(project: ImplementationProject) -> dict:
    """The project's open and acknowledged alerts: `{% project_alerts_card project %}`."""
    alerts, total = project_open_alerts(project, limit=CARD_LIMIT)
    return {"project": project, "alerts": alerts, "total": total}


HOME_LIMIT = 6


# Each label by its value, escaped once (as projects/templatetags/project_rows.py does).
KIND_HTML = escaped_labels(Alert.Kind.choices)
LEVEL_HTML = escaped_labels(Alert.Level.choices)


def _my_alert_item(row: tuple, before: str, after: str, months: tuple[str, ...]) -> str:
    pk, kind, subject, level, status, first_seen_at, client_name = row
    acknowledged = "acknowledged · " if status == Alert.Status.ACKNOWLEDGED else ""
    since = short_date(timezone.localtime(first_seen_at), with_year=False, months=months)
    return (
        f'<li class="list-group-item px-0"><a href="{before}{pk}{after}">'
        f"{label_html(KIND_HTML, kind)}: {escape(subject)}</a>"
        f'<div class="small text-body-secondary">{escape(client_name)} · '
        f"{LEVEL_HTML.get(level) or escape(level)} · {acknowledged}since {since}</div></li>"
    )


@register.inclusion_tag("alerts/_my_alerts_card.html")
def my_alerts_card(user) -> dict:
    """The first of the alerts the navigation counts, for the home page, open ones first:
    `{% my_alerts_card user %}`. Its few items are written here, read as values."""
    rows = (
        Alert.objects.unresolved()
        .concerning(user)
        .annotate(status_rank=STATUS_RANK)
        .order_by("status_rank", "-level", "-first_seen_at", "-pk")
        .values_list(
            "pk", "kind", "subject", "level", "status", "first_seen_at", "project__client__name"
        )[:HOME_LIMIT]
    )
    before, after = pk_url_parts("alerts:detail")
    months = month_abbreviations()
    items = [_my_alert_item(row, before, after, months) for row in rows]
    # Safe: every text went through escape(); the rest is fixed markup, numbers and dates.
    return {
        "items": mark_safe("".join(items)),  # noqa: S308  # nosec B308 B703
        "full": len(items) == HOME_LIMIT,
    }
