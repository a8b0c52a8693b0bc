"""The team's side of the portal: who has access, links, sign-off requests, client files."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from clients.models import Contact
from common.parsing import parse_id
from common.submissions import REPEATED, create_once
from portal import services
from portal.forms import InviteForm, SignOffRequestForm
from portal.models import PortalAccess, SignOffRequest, Survey, TaskUpload
from portal.views import file_response
from projects.access import (
    can_edit_project,
    get_item_for_view,
    get_project_for_edit,
    get_project_for_view,
)
from projects.models import ImplementationProject, Task


def _back(project) -> HttpResponse:
    return redirect("portal_staff:project", project.pk)


@login_required
@require_GET
def project_portal(request: HttpRequest, pk: int) -> HttpResponse:
    """Who of the client's contacts may enter the portal for this project, and what waits."""
    project = get_project_for_view(
        request,
        pk,
        ImplementationProject.objects.select_related("client").only(
            "name", "pm_id", "client_id", "client__name", "phase"
        ),
    )
    can_edit = can_edit_project(request.user, project)
    accesses = list(
        PortalAccess.objects.filter(project=project)
        .select_related("contact")
        .prefetch_related(
            Prefetch(
                "contact__portal_links",
                queryset=services.PortalLink.objects.filter(project=project).only(
                    "created_at", "used_at", "contact_id"
                ),
                to_attr="links_here",
            )
        )
        .order_by("revoked_at", "contact__name")
    )
    requests = list(
        SignOffRequest.objects.filter(milestone__project=project)
        .select_related("milestone", "contact")
        .only("requested_at", "signed_at", "milestone__name", "contact__name")
    )
    surveys = list(
        Survey.objects.filter(project=project)
        .select_related("contact")
        .only(
            "reason",
            "sent_at",
            "reminded_at",
            "answered_at",
            "csat",
            "nps",
            "comment",
            "contact__name",
        )
    )
    return render(
        request,
        "portal/staff/project_portal.html",
        {
            "project": project,
            "can_edit": can_edit,
            "accesses": accesses,
            "signoff_requests": requests,
            "surveys": surveys,
            "invite_form": InviteForm(project=project) if can_edit else None,
            "signoff_form": SignOffRequestForm(project=project) if can_edit else None,
        },
    )


@login_required
@require_POST
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_edit(request, pk)
    form = InviteForm(request.POST, project=project)
    if not form.is_valid():
        messages.error(request, "Choose a contact of this project's client to invite.")
        return _back(project)
    contact = form.cleaned_data["contact"]
    try:
        outcome = create_once(
            request,
            form.cleaned_data["submission_key"],
            lambda: services.portal_invite_send(
                contact=contact, project=project, user=request.user
            ),
            lambda link: reverse("portal_staff:project", args=[project.pk]),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back(project)
    if outcome.repeated:
        messages.info(request, REPEATED)
    else:
        messages.success(request, f"A sign-in link is on its way to {contact.name}.")
    return _back(project)


@login_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_edit(request, pk)
    contact_id = parse_id(request.POST.get("contact"))
    contact = (
        Contact.objects.filter(pk=contact_id, client_id=project.client_id).first()
        if contact_id
        else None
    )
    if contact is None:
        messages.error(request, "Choose whose access to revoke.")
        return _back(project)
    if services.portal_access_revoke(contact=contact, project=project, user=request.user):
        messages.success(
            request, f"{contact.name} can no longer open this project in the client portal."
        )
    else:
        messages.info(request, f"{contact.name} had no access to revoke.")
    return _back(project)


@login_required
@require_POST
def signoff_request(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_edit(request, pk)
    form = SignOffRequestForm(request.POST, project=project)
    if not form.is_valid():
        messages.error(request, "Choose a completed, client-visible milestone and a contact.")
        return _back(project)
    milestone, contact = form.cleaned_data["milestone"], form.cleaned_data["contact"]
    milestone.project = project
    try:
        services.signoff_request(milestone=milestone, contact=contact, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{contact.name} is asked to sign off “{milestone.name}”.")
    return _back(project)


@login_required
@require_GET
def task_file(request: HttpRequest, pk: int, file_pk: int) -> HttpResponse:
    """A file a client sent for a task: for whoever may read the task."""
    task = get_item_for_view(request, Task, pk, Task.objects.only("project_id"))
    upload = (
        TaskUpload.objects.filter(pk=file_pk, task=task)
        .only("file", "original_name", "content_type")
        .first()
    )
    if upload is None:
        raise Http404
    return file_response(upload)
