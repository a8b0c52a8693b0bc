"""What the pages of a project's milestones, tasks, risks and issues share: the form page,
breadcrumbs, history and comments."""

import copy

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from common.forms import add_service_errors
from common.submissions import REPEATED, create_once
from common.views import render_form_page
from projects import services
from projects.forms import (
    CommentForm,
)
from projects.history import history_entries
from projects.models import (
    Comment,
    ImplementationProject,
)

HISTORY_LIMIT = 50


def error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def repeated(request: HttpRequest, url: str) -> HttpResponse:
    messages.info(request, REPEATED)
    return redirect(url)


def form_instance(item: Model) -> Model:
    """A copy for a ModelForm to write its cleaned values onto.

    Validating a ModelForm copies the submitted values onto its instance; the services compare
    the data with the item to decide what changed, so they must get the untouched item.
    """
    return copy.copy(item)


def project_url(project: ImplementationProject, anchor: str = "") -> str:
    url = reverse("projects:detail", args=[project.pk])
    return f"{url}#{anchor}" if anchor else url


def project_crumbs(project: ImplementationProject) -> list[dict[str, str]]:
    return [
        {"url": reverse("projects:list"), "label": "Projects"},
        {"url": project_url(project), "label": project.name},
    ]


def form_page(
    request: HttpRequest,
    form: forms.Form,
    *,
    project: ImplementationProject,
    title: str,
    cancel_url: str,
    extra_crumbs: tuple[dict[str, str], ...] = (),
    submit_label: str = "Save",
) -> HttpResponse:
    return render_form_page(
        request,
        form,
        nav="projects",
        title=title,
        cancel_url=cancel_url,
        breadcrumbs=[*project_crumbs(project), *extra_crumbs],
        submit_label=submit_label,
    )


def history(item: Model) -> list[dict]:
    records = item.history.select_related("history_user").order_by("-history_date", "-history_id")
    return history_entries(records, limit=HISTORY_LIMIT)


def comments(item_filter: dict) -> list:
    return list(Comment.objects.filter(**item_filter).select_related("author"))


def comment_or_detail(request: HttpRequest, item: Model, *, kind: str, detail) -> HttpResponse:
    """Post a comment on a task, risk or issue; on bad input show its page with the error."""
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            outcome = create_once(
                request,
                form.cleaned_data["submission_key"],
                lambda: services.comment_add(
                    project=item.project,
                    user=request.user,
                    body=form.cleaned_data["body"],
                    **{kind: item},
                ),
                lambda comment: item.get_absolute_url() + "#comments",
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if outcome.repeated:
                return repeated(request, outcome.url)
            messages.success(request, "Comment posted.")
            return redirect(outcome.url)
    return detail(request, item, comment_form=form)
