"""Meeting pages: a project's meetings and decisions, one meeting, and the forms that change them.

Access follows the project's (projects.access); writes go through meetings.services; a
service's ValidationError becomes a form error and changes nothing.
"""

import copy

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from common.forms import add_service_errors
from common.submissions import REPEATED, create_once
from common.views import render_form_page
from meetings import selectors, services
from meetings.access import get_meeting_for_edit, get_meeting_for_view
from meetings.filters import MeetingFilter
from meetings.forms import ActionItemForm, DecisionForm, MeetingForm
from meetings.models import Meeting
from projects.access import can_edit_project, get_project_for_edit, get_project_for_view
from projects.item_pages import project_crumbs
from projects.models import ImplementationProject

FORM_METHODS = ["GET", "HEAD", "POST"]


def _crumbs(project: ImplementationProject, meeting: Meeting | None = None) -> list[dict]:
    crumbs = [
        *project_crumbs(project),
        {"url": reverse("meetings:meeting_list", args=[project.pk]), "label": "Meetings"},
    ]
    if meeting is not None:
        crumbs.append({"url": meeting.get_absolute_url(), "label": meeting.title})
    return crumbs


def _form_page(request, form, *, title: str, crumbs: list[dict], cancel_url: str, submit: str):
    return render_form_page(
        request,
        form,
        nav="projects",
        title=title,
        cancel_url=cancel_url,
        breadcrumbs=crumbs,
        submit_label=submit,
    )


@login_required
@require_safe
def meeting_list(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_view(request, pk)
    filterset = MeetingFilter(request.GET, queryset=selectors.project_meetings(project))
    page_obj = Paginator(filterset.qs, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "nav": "projects",
            "project": project,
            "filter": filterset,
            "page_obj": page_obj,
            "can_edit": can_edit_project(request.user, project),
        },
    )


@login_required
@require_safe
def decision_list(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_view(request, pk)
    decisions = selectors.project_decisions(project)
    page_obj = Paginator(decisions, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "meetings/decision_list.html",
        {"nav": "projects", "project": project, "page_obj": page_obj},
    )


@login_required
@require_safe
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_view(request, pk, selectors.meeting_for_detail())
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "nav": "projects",
            "project": meeting.project,
            "meeting": meeting,
            "can_edit": can_edit_project(request.user, meeting.project),
            "crumbs": _crumbs(meeting.project),
        },
    )


@login_required
@require_http_methods(FORM_METHODS)
def meeting_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_edit(request, pk)
    form = MeetingForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            outcome = create_once(
                request,
                data["submission_key"],
                lambda: services.meeting_create(
                    project=project,
                    user=request.user,
                    kind=data["kind"],
                    title=data["title"],
                    starts_at=data["starts_at"],
                    duration_minutes=data["duration_minutes"],
                    attendee_users=data["attendee_users"],
                    attendee_contacts=data["attendee_contacts"],
                    agenda=data["agenda"],
                    minutes=data["minutes"],
                ),
                Meeting.get_absolute_url,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if outcome.repeated:
                messages.info(request, REPEATED)
            else:
                messages.success(request, f"Meeting “{outcome.created.title}” recorded.")
            return redirect(outcome.url)
    return _form_page(
        request,
        form,
        title="New meeting",
        crumbs=_crumbs(project),
        cancel_url=reverse("meetings:meeting_list", args=[project.pk]),
        submit="Add meeting",
    )


@login_required
@require_http_methods(FORM_METHODS)
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_edit(request, pk)
    title = meeting.title
    # The form writes onto a copy: the service compares against the meeting as it was read.
    form = MeetingForm(request.POST or None, instance=copy.copy(meeting), project=meeting.project)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.meeting_update(
                meeting=meeting,
                user=request.user,
                version=data["version"],
                kind=data["kind"],
                title=data["title"],
                starts_at=data["starts_at"],
                duration_minutes=data["duration_minutes"],
                attendee_users=data["attendee_users"],
                attendee_contacts=data["attendee_contacts"],
                agenda=data["agenda"],
                minutes=data["minutes"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Meeting “{meeting.title}” saved.")
            return redirect(meeting.get_absolute_url())
    return _form_page(
        request,
        form,
        title=f"Edit meeting “{title}”",
        crumbs=_crumbs(meeting.project),
        cancel_url=meeting.get_absolute_url(),
        submit="Save meeting",
    )


@login_required
@require_http_methods(FORM_METHODS)
def action_item_create(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_edit(request, pk, Meeting.objects.select_related("project"))
    form = ActionItemForm(request.POST or None, meeting=meeting, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            outcome = create_once(
                request,
                data["submission_key"],
                lambda: services.action_item_create(
                    meeting=meeting,
                    user=request.user,
                    title=data["title"],
                    notes=data["notes"],
                    owner_user=data["owner_user"],
                    owner_contact=data["owner_contact"],
                    due_date=data["due_date"],
                ),
                lambda item: meeting.get_absolute_url() + "#action-items",
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if outcome.repeated:
                messages.info(request, REPEATED)
            else:
                title = outcome.created.task.title
                messages.success(request, f"Action item “{title}” added to the plan.")
            return redirect(outcome.url)
    return _form_page(
        request,
        form,
        title="New action item",
        crumbs=_crumbs(meeting.project, meeting),
        cancel_url=meeting.get_absolute_url(),
        submit="Add action item",
    )


@login_required
@require_http_methods(FORM_METHODS)
def decision_create(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_edit(request, pk)
    form = DecisionForm(request.POST or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            outcome = create_once(
                request,
                data["submission_key"],
                lambda: services.decision_record(
                    meeting=meeting,
                    user=request.user,
                    text=data["text"],
                    decided_on=data["decided_on"],
                    decided_by=data["decided_by"],
                ),
                lambda decision: meeting.get_absolute_url() + "#decisions",
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if outcome.repeated:
                messages.info(request, REPEATED)
            else:
                messages.success(request, "Decision recorded.")
            return redirect(outcome.url)
    return _form_page(
        request,
        form,
        title="New decision",
        crumbs=_crumbs(meeting.project, meeting),
        cancel_url=meeting.get_absolute_url(),
        submit="Record decision",
    )
