"""The alerts list, an alert with its history, and acknowledging and resolving it."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from alerts import selectors, services
from alerts.access import get_alert_for_action
from alerts.filters import AlertFilter
from alerts.forms import ResolveForm
from alerts.models import Alert
from clients import roles
from common.links import pk_link
from common.parsing import local_next_url, parse_id
from common.queries import get_or_404

# What a row of the list shows, looked up once per row in the view: the labels and the badges
# of alerts/_level_badge.html and alerts/_status_badge.html.
LEVEL_BADGES = {
    Alert.Level.MANAGER: "text-bg-dark",
    Alert.Level.PM: "text-bg-info",
    Alert.Level.OWNER: "text-bg-light border",
}
KIND_LABELS = dict(Alert.Kind.choices)
LEVEL_LABELS = dict(Alert.Level.choices)
STATUS_LABELS = dict(Alert.Status.choices)
STATUS_BADGES = {
    Alert.Status.OPEN: "text-bg-danger",
    Alert.Status.ACKNOWLEDGED: "text-bg-warning",
    Alert.Status.RESOLVED: "text-bg-success",
}


def owner_name(alert: Alert) -> str:
    """Who the alert is with: its owner; with none (nobody, a client contact, someone who
    left), the PM it goes to first, or the managers when the project has no PM."""
    owner = alert.owner
    if owner is not None:
        return owner.get_full_name() or owner.username
    return "No owner: the PM" if alert.project.pm_id else "No owner: the managers"


def _require_reader(request: HttpRequest) -> None:
    # Alerts live on project pages, which sales reps and people without a role cannot see.
    if not roles.is_staff_reader(request.user):
        raise Http404("No alerts here.")


@login_required
@require_safe
def alert_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    scope = selectors.scope_from(request.GET.get("scope"))
    filterset = AlertFilter(request.GET, queryset=selectors.alert_list(request.user, scope))
    page_obj = Paginator(filterset.qs, settings.PAGE_SIZE).get_page(
        parse_id(request.GET.get("page"))
    )
    # What each row links to, and how its badges look, worked out here once per row: in the
    # template's row loop each tag and include was paid 25 times.
    alert_url, project_url = pk_link("alerts:detail"), pk_link("projects:detail")
    acknowledge_url = pk_link("alerts:acknowledge")
    for alert in page_obj:
        alert.url = alert_url(alert.pk)
        alert.project_url = project_url(alert.project_id)
        alert.subject_id = f"alert-{alert.pk}-subject"
        alert.kind_label = KIND_LABELS.get(alert.kind, alert.kind)
        alert.level_label = LEVEL_LABELS.get(alert.level, "")
        alert.status_label = STATUS_LABELS.get(alert.status, alert.status)
        alert.level_badge = LEVEL_BADGES.get(alert.level, LEVEL_BADGES[Alert.Level.OWNER])
        alert.status_badge = STATUS_BADGES.get(alert.status, "text-bg-secondary")
        alert.owner_name = owner_name(alert)
        if alert.can_act and alert.status == Alert.Status.OPEN:
            alert.acknowledge_url = acknowledge_url(alert.pk)
    return render(
        request,
        "alerts/alert_list.html",
        {
            "nav": "alerts",
            "filter": filterset,
            "page_obj": page_obj,
            "scope": scope,
            "scopes": selectors.SCOPES,
        },
    )


def _detail_response(
    request: HttpRequest, alert: Alert, *, resolve_form: ResolveForm
) -> HttpResponse:
    notifications = selectors.alert_notifications(alert)
    return render(
        request,
        "alerts/alert_detail.html",
        {
            "nav": "alerts",
            "alert": alert,
            "history": selectors.alert_history(alert, notifications),
            "resolve_form": resolve_form,
            "owner_name": owner_name(alert),
        },
    )


@login_required
@require_safe
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request)
    alert = get_or_404(selectors.alert_for_detail(request.user), pk=pk)
    return _detail_response(request, alert, resolve_form=ResolveForm())


@login_required
@require_POST
def alert_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    alert = get_alert_for_action(request, pk)
    try:
        services.alert_acknowledge(alert=alert, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Alert acknowledged: “{alert.subject}” will not escalate.")
    return redirect(local_next_url(request, alert.get_absolute_url()))


@login_required
@require_POST
def alert_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    alert = get_alert_for_action(request, pk)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        shown = get_or_404(selectors.alert_for_detail(request.user), pk=pk)
        return _detail_response(request, shown, resolve_form=form)
    try:
        services.alert_resolve(alert=alert, user=request.user, note=form.cleaned_data["note"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Alert resolved: “{alert.subject}”.")
    return redirect(local_next_url(request, alert.get_absolute_url()))
