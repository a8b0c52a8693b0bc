"""Milestones: add, edit, complete (after a confirmation while tasks are open), reopen, sign off."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from common.forms import add_service_errors
from common.parsing import local_next_url
from common.submissions import create_once
from projects import selectors, services
from projects.access import (
    get_item_for_edit,
    get_project_for_edit,
)
from projects.forms import (
    ConfirmForm,
    ContactChoiceForm,
    MilestoneForm,
)
from projects.item_pages import (
    error_text,
    form_instance,
    form_page,
    project_url,
    repeated,
)
from projects.models import (
    Milestone,
)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def milestone_create(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_edit(request, pk)
    form = MilestoneForm(request.POST or None, initial={"phase": project.phase})
    if request.method == "POST" and form.is_valid():
        try:
            outcome = create_once(
                request,
                form.cleaned_data["submission_key"],
                lambda: services.milestone_save(
                    project=project, user=request.user, milestone=None, data=form.cleaned_data
                ),
                lambda milestone: project_url(project, "milestones"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if outcome.repeated:
                return repeated(request, outcome.url)
            messages.success(request, f"Milestone “{outcome.created.name}” added.")
            return redirect(outcome.url)
    return form_page(
        request,
        form,
        project=project,
        title="New milestone",
        cancel_url=project_url(project, "milestones"),
        submit_label="Add milestone",
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def milestone_edit(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = get_item_for_edit(request, Milestone, pk)
    project, name = milestone.project, milestone.name
    form = MilestoneForm(request.POST or None, instance=form_instance(milestone))
    if request.method == "POST" and form.is_valid():
        try:
            services.milestone_save(
                project=project,
                user=request.user,
                milestone=milestone,
                data=form.cleaned_data,
                version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Milestone “{milestone.name}” saved.")
            return redirect(project_url(project, "milestones"))
    return form_page(
        request,
        form,
        project=project,
        title=f"Edit milestone “{name}”",
        cancel_url=project_url(project, "milestones"),
    )


@login_required
@require_POST
def milestone_complete(request: HttpRequest, pk: int) -> HttpResponse:
    """Complete a milestone; while tasks of it are open, only after a page that lists them."""
    milestone = get_item_for_edit(request, Milestone, pk)
    back = local_next_url(request, project_url(milestone.project, "milestones"))
    confirm = ConfirmForm(request.POST if "confirm_page" in request.POST else None)
    try:
        services.milestone_complete(
            milestone=milestone, user=request.user, confirm_open_tasks=confirm.is_valid()
        )
    except services.OpenTasksNotConfirmed:
        return render(
            request,
            "projects/items/milestone_complete_confirm.html",
            {
                "nav": "projects",
                "project": milestone.project,
                "milestone": milestone,
                "open_tasks": list(
                    selectors.task_rows(milestone.tasks.open()).order_by("due_date", "pk")
                ),
                "form": confirm,
                "back": back,
            },
        )
    messages.success(request, f"Milestone “{milestone.name}” is complete.")
    return redirect(back)


@login_required
@require_POST
def milestone_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = get_item_for_edit(request, Milestone, pk)
    services.milestone_reopen(milestone=milestone, user=request.user)
    messages.success(
        request, f"Milestone “{milestone.name}” is open again; its client sign-off was cleared."
    )
    return redirect(local_next_url(request, project_url(milestone.project, "milestones")))


@login_required
@require_POST
def milestone_sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = get_item_for_edit(request, Milestone, pk)
    back = local_next_url(request, project_url(milestone.project, "milestones"))
    form = ContactChoiceForm(request.POST, project=milestone.project)
    if not form.is_valid():
        messages.error(request, "Choose the client contact who signed the milestone off.")
        return redirect(back)
    try:
        services.milestone_sign_off(
            milestone=milestone, user=request.user, contact=form.cleaned_data["contact"]
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request,
            f"Sign-off of “{milestone.name}” by {form.cleaned_data['contact'].name} recorded.",
        )
    return redirect(back)
