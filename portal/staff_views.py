"""The team's side of the portal: who has access, links, sign-off requests, client files."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Avg, Count, OuterRef, Prefetch, Q, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from clients.models import Client, Contact
from common.parsing import parse_id
from common.queries import get_or_404
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
            "name", "pm_id", "client_id", "client__name", "phase", "uat_signed_off_at"
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
        SignOffRequest.objects.filter(Q(milestone__project=project) | Q(project=project))
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
            "withheld_at",
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
    if milestone is None:
        try:
            services.uat_signoff_request(project=project, contact=contact, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{contact.name} is asked to sign off UAT.")
        return _back(project)
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


# Cards of staff pages, loaded by htmx once the page is shown, so that the pages they sit on
# keep their own fixed number of queries.


def _per_project(queryset, value):
    return Subquery(
        queryset.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(v=value)
        .values("v")
    )


@login_required
@require_GET
def project_card(request: HttpRequest, pk: int) -> HttpResponse:
    """Who has portal access and what the surveys said, in one query."""
    answered = Survey.objects.filter(answered_at__isnull=False)
    row = (
        ImplementationProject.objects.visible_to(request.user)
        .filter(pk=pk)
        .annotate(
            active=_per_project(PortalAccess.objects.filter(revoked_at__isnull=True), Count("pk")),
            answers=_per_project(answered, Count("pk")),
            csat=_per_project(answered, Avg("csat")),
            nps=_per_project(answered, Avg("nps")),
        )
        .values("pk", "active", "answers", "csat", "nps")
        .first()
    )
    if row is None:
        raise Http404
    return render(request, "portal/staff/_project_card.html", row)


@login_required
@require_GET
def task_files(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_item_for_view(
        request,
        Task,
        pk,
        Task.objects.select_related("owner_contact").only(
            "project_id", "owner_contact__name", "visible_to_client"
        ),
    )
    uploads = list(
        TaskUpload.objects.filter(task=task)
        .select_related("uploaded_by")
        .only("original_name", "size", "uploaded_at", "task_id", "uploaded_by__name")
    )
    if task.visible_to_client and can_edit_project(request.user, task.project):
        # The team's page of the task has shown this card: the client's news is seen.
        services.portal_activity_seen(task=task, user=request.user)
    return render(request, "portal/staff/_task_files.html", {"task": task, "uploads": uploads})


@login_required
@require_GET
def client_surveys(request: HttpRequest, pk: int) -> HttpResponse:
    client = get_or_404(Client.objects.visible_to(request.user).only("pk"), pk=pk)
    surveys = list(
        Survey.objects.filter(project__client=client)
        .select_related("contact", "project")
        .only(
            "reason",
            "sent_at",
            "reminded_at",
            "withheld_at",
            "answered_at",
            "csat",
            "nps",
            "comment",
            "contact__name",
            "project__name",
        )[:20]
    )
    answered = [s for s in surveys if s.answered_at]
    return render(
        request,
        "portal/staff/_client_surveys.html",
        {
            "surveys": surveys,
            "average_csat": sum(s.csat for s in answered) / len(answered) if answered else None,
            "average_nps": sum(s.nps for s in answered) / len(answered) if answered else None,
        },
    )
