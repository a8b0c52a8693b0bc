"""The webhook pages: admins register endpoints and read each one's delivery log."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from clients import roles
from common.forms import add_service_errors
from common.links import pk_link
from common.parsing import parse_id
from common.queries import get_or_404
from common.submissions import FIELD as SUBMISSION_KEY
from common.submissions import REPEATED, create_once
from common.views import render_form_page
from webhooks import services
from webhooks.forms import EndpointForm
from webhooks.models import WebhookDelivery, WebhookEndpoint

NAV = "webhooks"

# The log shows what was sent and how it went; the body itself only in part.
LOG_FIELDS = (
    "pk",
    "event",
    "event_id",
    "status",
    "attempts",
    "last_error",
    "last_status_code",
    "last_response",
    "created_at",
    "next_attempt_at",
    "delivered_at",
)


def require_admin(user) -> None:
    """Webhooks send Golive's data out of it: admins alone decide where."""
    if not roles.is_admin(user):
        raise PermissionDenied("Webhooks are for admins.")


def get_endpoint_for_admin(request: HttpRequest, pk: int) -> WebhookEndpoint:
    # Nobody but admins may know which endpoints exist: to others, any one is not found.
    if not roles.is_admin(request.user):
        raise Http404("No such webhook.")
    return get_or_404(WebhookEndpoint, pk=pk)


def _crumbs(endpoint: WebhookEndpoint | None = None) -> list[dict]:
    crumbs = [{"label": "Webhooks", "url": reverse("webhooks:list")}]
    if endpoint is not None:
        crumbs.append(
            {"label": endpoint.url, "url": reverse("webhooks:detail", args=[endpoint.pk])}
        )
    return crumbs


def _form_page(request, form, *, title: str, cancel_url: str, breadcrumbs, submit_label="Save"):
    return render_form_page(
        request,
        form,
        nav=NAV,
        title=title,
        cancel_url=cancel_url,
        breadcrumbs=breadcrumbs,
        submit_label=submit_label,
    )


def _values(form: forms.Form) -> dict:
    return {name: form.cleaned_data[name] for name in ("url", "events", "description", "active")}


@login_required
@require_safe
def endpoint_list(request: HttpRequest) -> HttpResponse:
    require_admin(request.user)
    endpoints = (
        WebhookEndpoint.objects.annotate(
            delivered=Count("deliveries", filter=Q(deliveries__status="delivered")),
            failed=Count("deliveries", filter=Q(deliveries__status="failed")),
            pending=Count("deliveries", filter=Q(deliveries__status__in=["queued", "sending"])),
            last_delivery_at=Max("deliveries__created_at"),
        )
        .defer("secret")
        .order_by("url", "pk")
    )
    page_obj = Paginator(endpoints, settings.PAGE_SIZE).get_page(parse_id(request.GET.get("page")))
    endpoint_url = pk_link("webhooks:detail")
    for endpoint in page_obj:
        endpoint.detail_url = endpoint_url(endpoint.pk)
    return render(
        request,
        "webhooks/endpoint_list.html",
        {"nav": NAV, "page_obj": page_obj, "endpoints": page_obj.object_list},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def endpoint_create(request: HttpRequest) -> HttpResponse:
    require_admin(request.user)
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = create_once(
                request,
                form.cleaned_data[SUBMISSION_KEY],
                lambda: services.endpoint_create(user=request.user, **_values(form)),
                lambda endpoint: reverse("webhooks:detail", args=[endpoint.pk]),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if outcome.repeated:
                messages.info(request, REPEATED)
            else:
                messages.success(
                    request,
                    "Webhook added. Give its signing secret, below, to the system that "
                    "receives it.",
                )
            return redirect(outcome.url)
    return _form_page(
        request,
        form,
        title="New webhook",
        cancel_url=reverse("webhooks:list"),
        breadcrumbs=_crumbs(),
        submit_label="Add webhook",
    )


@login_required
@require_safe
def endpoint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = get_endpoint_for_admin(request, pk)
    deliveries = WebhookDelivery.objects.filter(endpoint=endpoint).only(*LOG_FIELDS)
    page_obj = Paginator(deliveries, settings.PAGE_SIZE).get_page(parse_id(request.GET.get("page")))
    return render(
        request,
        "webhooks/endpoint_detail.html",
        {
            "nav": NAV,
            "endpoint": endpoint,
            "page_obj": page_obj,
            "deliveries": page_obj.object_list,
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def endpoint_edit(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = get_endpoint_for_admin(request, pk)
    initial = {
        "url": endpoint.url,
        "description": endpoint.description,
        "events": endpoint.events,
        "active": endpoint.active,
    }
    form = EndpointForm(request.POST or None, initial=initial, version=endpoint.version)
    title = f"Edit {endpoint.url}"
    if request.method == "POST" and form.is_valid():
        try:
            services.endpoint_update(
                endpoint=endpoint, version=form.cleaned_data["version"], **_values(form)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Webhook saved.")
            return redirect("webhooks:detail", pk=endpoint.pk)
    return _form_page(
        request,
        form,
        title=title,
        cancel_url=reverse("webhooks:detail", args=[endpoint.pk]),
        breadcrumbs=_crumbs(endpoint),
    )


@login_required
@require_POST
def endpoint_rotate_secret(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = get_endpoint_for_admin(request, pk)
    services.endpoint_rotate_secret(endpoint=endpoint)
    messages.success(
        request,
        "New signing secret made: deliveries are signed with it from now on, so give it to the "
        "receiver. The old one no longer verifies.",
    )
    return redirect("webhooks:detail", pk=endpoint.pk)


@login_required
@require_POST
def endpoint_delete(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = get_endpoint_for_admin(request, pk)
    url = endpoint.url
    services.endpoint_delete(endpoint=endpoint)
    messages.success(request, f"Webhook {url} deleted, with its delivery log.")
    return redirect("webhooks:list")


@login_required
@require_POST
def delivery_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """An admin sends a failed delivery again, its attempts counted afresh."""
    if not roles.is_admin(request.user):
        raise Http404("No such delivery.")
    delivery = get_or_404(WebhookDelivery.objects.select_related("endpoint"), pk=pk)
    if services.delivery_retry(delivery=delivery):
        messages.success(
            request, f"The {delivery.get_event_display().lower()} event is queued to be sent again."
        )
    else:
        status = delivery.get_status_display().lower()
        messages.error(request, f"Only a failed delivery can be sent again; this one is {status}.")
    return redirect("webhooks:detail", pk=delivery.endpoint_id)
