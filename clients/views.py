"""Pages for accounts, their contacts and the sales handoff."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from clients import roles, services
from clients.filters import ClientFilter
from clients.forms import (
    ACCOUNT_BLANK_LABEL,
    TIME_ZONE_LIST_ID,
    TIME_ZONES,
    ClientForm,
    ContactForm,
    SalesHandoffForm,
)
from clients.models import Client, Contact, SalesHandoff
from clients.widgets import options_html
from common.forms import add_service_errors
from common.links import pk_link
from common.parsing import parse_id, search_text
from common.queries import get_or_404
from common.submissions import REPEATED, create_once, repeated_url
from common.views import render_form_page

# Access: one place decides who may read and who may change what.


def get_client_for_read(request: HttpRequest, pk: int) -> Client:
    return get_or_404(Client.objects.visible_to(request.user), pk=pk)


def can_edit_clients(user) -> bool:
    """Implementation managers and admins change accounts and their contacts."""
    return roles.is_manager(user)


def can_write_handoff(user, client: Client) -> bool:
    """The account's own sales rep writes its handoffs; an admin may too."""
    return roles.is_admin(user) or (roles.is_sales_rep(user) and client.sales_rep_id == user.pk)


def can_acknowledge_handoff(user, handoff: SalesHandoff) -> bool:
    return services.sales_handoff_may_acknowledge(handoff=handoff, user=user)


def get_client_for_edit(request: HttpRequest, pk: int) -> Client:
    client = get_client_for_read(request, pk)
    if not can_edit_clients(request.user):
        raise PermissionDenied("Only implementation managers can change client accounts.")
    return client


def get_handoff_for_read(request: HttpRequest, pk: int) -> SalesHandoff:
    handoffs = SalesHandoff.objects.visible_to(request.user).select_related(
        # `project`: the reverse of ImplementationProject.sales_handoff, whose PM acknowledges.
        "client",
        "client__sales_rep",
        "submitted_by",
        "acknowledged_by",
        "project",
    )
    return get_or_404(handoffs, pk=pk)


def get_handoff_for_edit(request: HttpRequest, pk: int) -> SalesHandoff:
    handoff = get_handoff_for_read(request, pk)
    if not can_write_handoff(request.user, handoff.client):
        raise PermissionDenied("Only the account’s sales rep can change its sales handoff.")
    if handoff.is_acknowledged:
        by = handoff.acknowledged_by
        who = (by.get_full_name() or by.username) if by else "Implementation"
        raise PermissionDenied(
            f"{who} acknowledged this handoff on "
            f"{date_format(handoff.acknowledged_at, 'DATE_FORMAT')}, so it can no longer be "
            "changed. Tell the project manager about anything new."
        )
    return handoff


# Helpers


def _form_page(
    request: HttpRequest,
    form: Form,
    *,
    title: str,
    cancel_url: str,
    breadcrumbs: list[dict[str, str]],
    submit_label: str = "Save",
) -> HttpResponse:
    return render_form_page(
        request,
        form,
        nav="clients",
        title=title,
        cancel_url=cancel_url,
        breadcrumbs=[{"url": reverse("clients:list"), "label": "Clients"}, *breadcrumbs],
        submit_label=submit_label,
    )


def _without_key(form: Form) -> tuple[dict, object]:
    """A create form's values for its service, and its one-time submission key."""
    values = dict(form.cleaned_data)
    return values, values.pop("submission_key", None)


def _client_crumb(client: Client) -> dict[str, str]:
    return {"url": client.get_absolute_url(), "label": client.name}


# Clients

# What a row of the client list shows: a page reads nothing else of an account (its notes, say)
# or of its sales rep.
CLIENT_ROW_FIELDS = (
    "name",
    "account_status",
    "segment",
    "industry",
    "contract_value",
    "sales_rep__first_name",
    "sales_rep__last_name",
    "sales_rep__username",
)


@login_required
@require_safe
def client_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    filterset = ClientFilter(
        request.GET,
        queryset=Client.objects.visible_to(user).with_list_related().only(*CLIENT_ROW_FIELDS),
        show_sales_rep=roles.is_staff_reader(user),
    )
    page_obj = Paginator(filterset.qs, settings.PAGE_SIZE).get_page(
        parse_id(request.GET.get("page"))
    )
    filtered = any(
        request.GET.get(name) for name in ("q", "account_status", "segment", "sales_rep")
    )
    client_url = pk_link("clients:detail")  # one reverse() for the page, not one per row
    for client in page_obj:
        client.url = client_url(client.pk)
    return render(
        request,
        "clients/client_list.html",
        {
            "nav": "clients",
            "filter": filterset,
            "page_obj": page_obj,
            "clients": page_obj.object_list,
            "current_sort": filterset.current_sort,
            "is_filtered": filtered,
            "can_create": can_edit_clients(user),
        },
    )


def _projects_model():
    # The model behind the reverse relation "projects", reached by name: clients must not
    # import projects.
    return Client._meta.get_field("projects").related_model


@login_required
@require_safe
def client_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    clients = (
        Client.objects.visible_to(user)
        .select_related("sales_rep")
        # "projects" is the reverse relation from the projects app, reached by name only:
        # clients must not import projects.
        .prefetch_related(
            "products",
            "contacts",
            Prefetch(
                "sales_handoffs",
                SalesHandoff.objects.select_related("submitted_by", "acknowledged_by"),
            ),
            Prefetch("projects", _projects_model().objects.select_related("pm")),
        )
    )
    client = get_or_404(clients, pk=pk)
    return render(
        request,
        "clients/client_detail.html",
        {
            "nav": "clients",
            "client": client,
            "contacts": client.contacts.all(),
            "handoffs": client.sales_handoffs.all(),
            "projects": client.projects.all(),
            "can_edit": can_edit_clients(user),
            "can_write_handoff": can_write_handoff(user, client),
            "show_project_links": roles.is_staff_reader(user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def client_create(request: HttpRequest) -> HttpResponse:
    if not can_edit_clients(request.user):
        raise PermissionDenied("Only implementation managers can add client accounts.")
    if request.method == "POST" and (url := repeated_url(request)):
        messages.info(request, REPEATED)
        return redirect(url)
    form = ClientForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        values, key = _without_key(form)
        try:
            outcome = create_once(
                request, key, lambda: services.client_create(**values), Client.get_absolute_url
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if outcome.repeated:
                messages.info(request, REPEATED)
            else:
                messages.success(request, f"{outcome.created.name} was added.")
            return redirect(outcome.url)
    return _form_page(
        request,
        form,
        title="New client",
        cancel_url=reverse("clients:list"),
        breadcrumbs=[],
        submit_label="Add client",
    )


@login_required
@require_http_methods(["GET", "POST"])
def client_edit(request: HttpRequest, pk: int) -> HttpResponse:
    client = get_client_for_edit(request, pk)
    name = client.name
    form = ClientForm(request.POST if request.method == "POST" else None, instance=client)
    if form.is_bound and form.is_valid():
        try:
            services.client_update(client=client, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{client.name} was saved.")
            return redirect(client)
    return _form_page(
        request,
        form,
        title=f"Edit {name}",
        cancel_url=reverse("clients:detail", args=[pk]),
        breadcrumbs=[{"url": reverse("clients:detail", args=[pk]), "label": name}],
    )


# Contacts


@login_required
@require_http_methods(["GET", "POST"])
def contact_create(request: HttpRequest, pk: int) -> HttpResponse:
    client = get_client_for_edit(request, pk)
    if request.method == "POST" and (url := repeated_url(request)):
        messages.info(request, REPEATED)
        return redirect(url)
    form = ContactForm(request.POST if request.method == "POST" else None, client=client)
    if form.is_bound and form.is_valid():
        values, key = _without_key(form)
        try:
            outcome = create_once(
                request,
                key,
                lambda: services.contact_create(client=client, **values),
                lambda contact: client.get_absolute_url(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if outcome.repeated:
                messages.info(request, REPEATED)
            else:
                messages.success(
                    request, f"{outcome.created.name} was added to {client.name}’s contacts."
                )
            return redirect(outcome.url)
    return _form_page(
        request,
        form,
        title=f"New contact at {client.name}",
        cancel_url=client.get_absolute_url(),
        breadcrumbs=[_client_crumb(client)],
        submit_label="Add contact",
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_edit(request: HttpRequest, pk: int, contact_pk: int) -> HttpResponse:
    client = get_client_for_edit(request, pk)
    contact = get_or_404(Contact.objects.filter(client=client), pk=contact_pk)
    name = contact.name
    form = ContactForm(
        request.POST if request.method == "POST" else None, instance=contact, client=client
    )
    if form.is_bound and form.is_valid():
        try:
            services.contact_update(contact=contact, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{contact.name} was saved.")
            return redirect(client)
    return _form_page(
        request,
        form,
        title=f"Edit contact {name}",
        cancel_url=client.get_absolute_url(),
        breadcrumbs=[_client_crumb(client)],
    )


# Sales handoffs


@login_required
@require_http_methods(["GET", "POST"])
def handoff_create(request: HttpRequest, pk: int) -> HttpResponse:
    client = get_client_for_read(request, pk)
    if not can_write_handoff(request.user, client):
        raise PermissionDenied("Only the account’s sales rep can write its sales handoff.")
    form = SalesHandoffForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        values, key = _without_key(form)
        try:
            outcome = create_once(
                request,
                key,
                lambda: services.sales_handoff_create(
                    client=client, submitted_by=request.user, **values
                ),
                SalesHandoff.get_absolute_url,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if outcome.repeated:
                messages.info(request, REPEATED)
            else:
                messages.success(
                    request, "The sales handoff was sent to implementation for acknowledgement."
                )
            return redirect(outcome.url)
    return _form_page(
        request,
        form,
        title=f"Sales handoff for {client.name}",
        cancel_url=client.get_absolute_url(),
        breadcrumbs=[_client_crumb(client)],
        submit_label="Send handoff",
    )


@login_required
@require_safe
def handoff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    handoff = get_handoff_for_read(request, pk)
    user = request.user
    return render(
        request,
        "clients/handoff_detail.html",
        {
            "nav": "clients",
            "handoff": handoff,
            "client": handoff.client,
            "products": handoff.products.all(),
            "can_edit": can_write_handoff(user, handoff.client) and not handoff.is_acknowledged,
            "can_acknowledge": can_acknowledge_handoff(user, handoff)
            and not services.sales_handoff_acknowledgement_stands(handoff),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def handoff_edit(request: HttpRequest, pk: int) -> HttpResponse:
    handoff = get_handoff_for_edit(request, pk)
    client = handoff.client
    form = SalesHandoffForm(request.POST if request.method == "POST" else None, instance=handoff)
    if form.is_bound and form.is_valid():
        try:
            services.sales_handoff_update(handoff=handoff, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The sales handoff was saved.")
            return redirect(handoff)
    return _form_page(
        request,
        form,
        title=f"Edit sales handoff for {client.name}",
        cancel_url=handoff.get_absolute_url(),
        breadcrumbs=[
            _client_crumb(client),
            {"url": handoff.get_absolute_url(), "label": "Sales handoff"},
        ],
    )


@login_required
@require_POST
def handoff_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    handoff = get_handoff_for_read(request, pk)
    if not can_acknowledge_handoff(request.user, handoff):
        raise PermissionDenied(services.NOT_YOURS_TO_ACKNOWLEDGE)
    already = services.sales_handoff_acknowledgement_stands(handoff)
    services.sales_handoff_acknowledge(handoff=handoff, user=request.user)
    if already:
        messages.info(request, "This handoff had already been acknowledged.")
    else:
        messages.success(request, f"You acknowledged the sales handoff for {handoff.client.name}.")
    return redirect(handoff)


ACCOUNT_CHOICES_SHOWN = 50


@login_required
@require_safe
def client_options(request: HttpRequest) -> HttpResponse:
    """The accounts whose name contains ?find=, as <option>s for a searchable account field.

    For the people who open and edit projects (the project form's client field), the chosen
    account (?client=) kept among them.
    """
    if not (roles.is_manager(request.user) or roles.is_pm(request.user)):
        raise PermissionDenied("Only PMs and managers choose a project's account.")
    text = search_text(request.GET.get("client_find"))
    chosen = request.GET.get("client", "")
    choices = Client.objects.visible_to(request.user).name_choices(
        text, chosen, limit=ACCOUNT_CHOICES_SHOWN
    )
    empty = [("", ACCOUNT_BLANK_LABEL)]
    if not choices:
        empty = [("", f"No account’s name contains “{text}”")]
    return HttpResponse(options_html(empty + choices, selected=chosen))


# The same for every request: written once when the app starts.
TIME_ZONE_DATALIST = format_html(
    '<datalist id="{}">{}</datalist>',
    TIME_ZONE_LIST_ID,
    format_html_join(
        "",
        '<option value="{}">{}</option>',
        # The label lets "new york" find America/New_York.
        ((name, name.replace("_", " ")) for name in sorted(TIME_ZONES)),
    ),
)


@login_required
@require_safe
def time_zone_names(request: HttpRequest) -> HttpResponse:
    """The time zone names the client form's time zone field suggests, as a <datalist>."""
    return HttpResponse(TIME_ZONE_DATALIST)
