"""Template pages, and the project's page for making its plan from templates.

Access goes through playbooks.access (templates) and projects.access (projects); writes through
playbooks.services, whose ValidationError becomes a form error and changes nothing.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from clients import roles
from common.forms import add_service_errors
from common.links import pk_link
from common.parsing import parse_id
from common.submissions import FIELD as SUBMISSION_KEY
from common.submissions import REPEATED, create_once
from common.versions import MISSING
from common.views import render_form_page
from playbooks import selectors, services
from playbooks.access import (
    can_edit_templates,
    get_template_for_edit,
    get_template_for_view,
    get_template_item_for_edit,
)
from playbooks.filters import TemplateFilter
from playbooks.forms import (
    ApplyTemplatesForm,
    SaveAsTemplateForm,
    TemplateForm,
    TemplateMilestoneForm,
    TemplateTaskForm,
)
from playbooks.models import ProjectTemplate, ProjectTemplateUse, TemplateMilestone, TemplateTask
from projects.access import can_edit_project, get_project_for_edit, get_project_for_view
from projects.models import ImplementationProject

NAV = "templates"


def _values(form: forms.Form) -> dict:
    """What a template form sends its service: every field but the one-time key."""
    return {k: v for k, v in form.cleaned_data.items() if k != SUBMISSION_KEY}


def _created(request: HttpRequest, outcome, message: str) -> HttpResponse:
    if outcome.repeated:
        messages.info(request, REPEATED)
    else:
        messages.success(request, message.format(created=outcome.created))
    return redirect(outcome.url)


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


def _crumbs(template: ProjectTemplate | None = None) -> list[dict]:
    crumbs = [{"label": "Templates", "url": reverse("playbooks:list")}]
    if template is not None:
        crumbs.append({"label": template.name, "url": template.get_absolute_url()})
    return crumbs


# Templates


@login_required
@require_safe
def template_list(request: HttpRequest) -> HttpResponse:
    if not (roles.is_pm(request.user) or roles.is_manager(request.user)):
        raise PermissionDenied("Templates are for PMs and implementation managers.")
    queryset = selectors.template_rows(ProjectTemplate.objects.visible_to(request.user)).order_by(
        "-is_active", "name"
    )
    template_filter = TemplateFilter(request.GET, queryset=queryset)
    page_obj = Paginator(template_filter.qs, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    template_url = pk_link("playbooks:detail")  # one reverse() for the page, not one per row
    for template in page_obj:
        template.url = template_url(template.pk)
    return render(
        request,
        "playbooks/template_list.html",
        {
            "nav": NAV,
            "filter": template_filter,
            "page_obj": page_obj,
            "can_edit": can_edit_templates(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def template_create(request: HttpRequest) -> HttpResponse:
    if not can_edit_templates(request.user):
        raise PermissionDenied("Only implementation managers and admins make templates.")
    form = TemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = create_once(
                request,
                form.cleaned_data[SUBMISSION_KEY],
                lambda: services.template_create(user=request.user, **_values(form)),
                ProjectTemplate.get_absolute_url,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _created(request, outcome, "Template “{created.name}” made: add its milestones.")
    return _form_page(
        request,
        form,
        title="New template",
        cancel_url=reverse("playbooks:list"),
        breadcrumbs=_crumbs(),
        submit_label="Make template",
    )


@login_required
@require_safe
def template_detail(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_template_for_view(
        request, pk, selectors.template_rows(ProjectTemplate.objects.all())
    )
    milestones, loose_tasks = selectors.template_plan(template)
    can_edit = can_edit_templates(request.user)
    if can_edit:
        # One reverse() per kind of link, not one per row.
        edit_url, delete_url = pk_link("playbooks:task_edit"), pk_link("playbooks:task_delete")
        for task in [*loose_tasks, *(t for m in milestones for t in m.task_list)]:
            task.edit_url, task.delete_url = edit_url(task.pk), delete_url(task.pk)
    return render(
        request,
        "playbooks/template_detail.html",
        {
            "nav": NAV,
            "template": template,
            "milestones": milestones,
            "loose_tasks": loose_tasks,
            "can_edit": can_edit,
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_template_for_edit(request, pk)
    initial = {
        "name": template.name,
        "product": template.product_id,
        "description": template.description,
        "is_active": template.is_active,
    }
    name = template.name
    form = TemplateForm(request.POST or None, initial=initial, version=template.version)
    if request.method == "POST" and form.is_valid():
        try:
            services.template_update(template=template, user=request.user, **_values(form))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Template “{form.cleaned_data['name']}” saved.")
            return redirect(template)
    return _form_page(
        request,
        form,
        title=f"Edit {name}",
        cancel_url=template.get_absolute_url(),
        breadcrumbs=_crumbs(template),
    )


# Milestones and tasks of a template


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def milestone_create(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_template_for_edit(request, pk)
    form = TemplateMilestoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = create_once(
                request,
                form.cleaned_data[SUBMISSION_KEY],
                lambda: services.template_milestone_create(
                    template=template, user=request.user, **_values(form)
                ),
                lambda milestone: template.get_absolute_url(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _created(request, outcome, "Milestone “{created.name}” added.")
    return _form_page(
        request,
        form,
        title="New milestone",
        cancel_url=template.get_absolute_url(),
        breadcrumbs=_crumbs(template),
        submit_label="Add milestone",
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def milestone_edit(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = get_template_item_for_edit(request, TemplateMilestone, pk)
    template = milestone.template
    form = TemplateMilestoneForm(
        request.POST or None,
        initial=TemplateMilestoneForm.initial_from(milestone),
        version=template.version,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.template_milestone_update(
                milestone=milestone, user=request.user, **_values(form)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Milestone “{milestone.name}” saved.")
            return redirect(template)
    return _form_page(
        request,
        form,
        title=f"Edit milestone {milestone.name}",
        cancel_url=template.get_absolute_url(),
        breadcrumbs=_crumbs(template),
    )


@login_required
@require_POST
def milestone_delete(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = get_template_item_for_edit(request, TemplateMilestone, pk)
    # The version the template page was read at; versions count from 1, as ids do.
    version = parse_id(request.POST.get("version"))
    try:
        if version is None:
            raise ValidationError(MISSING)
        services.template_milestone_delete(milestone=milestone, user=request.user, version=version)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Milestone “{milestone.name}” removed; its tasks stay.")
    return redirect(milestone.template)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def task_create(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_template_for_edit(request, pk)
    initial = {}
    milestone_id = parse_id(request.GET.get("milestone"))
    if milestone_id is not None:
        initial["milestone"] = milestone_id
    form = TemplateTaskForm(request.POST or None, initial=initial, template=template)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = create_once(
                request,
                form.cleaned_data[SUBMISSION_KEY],
                lambda: services.template_task_create(
                    template=template, user=request.user, **_values(form)
                ),
                lambda task: template.get_absolute_url(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _created(request, outcome, "Task “{created.title}” added.")
    return _form_page(
        request,
        form,
        title="New task",
        cancel_url=template.get_absolute_url(),
        breadcrumbs=_crumbs(template),
        submit_label="Add task",
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_template_item_for_edit(request, TemplateTask, pk)
    template = task.template
    form = TemplateTaskForm(
        request.POST or None,
        initial=TemplateTaskForm.initial_from(task),
        template=template,
        task=task,
        version=template.version,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.template_task_update(task=task, user=request.user, **_values(form))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Task “{task.title}” saved.")
            return redirect(template)
    return _form_page(
        request,
        form,
        title=f"Edit task {task.title}",
        cancel_url=template.get_absolute_url(),
        breadcrumbs=_crumbs(template),
    )


@login_required
@require_POST
def task_delete(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_template_item_for_edit(request, TemplateTask, pk)
    version = parse_id(request.POST.get("version"))
    try:
        if version is None:
            raise ValidationError(MISSING)
        services.template_task_delete(task=task, user=request.user, version=version)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Task “{task.title}” removed.")
    return redirect(task.template)


# A project's plan from templates, and a project saved as a template


def _project_templates_page(
    request: HttpRequest,
    project: ImplementationProject,
    *,
    apply_form: ApplyTemplatesForm | None = None,
    save_form: SaveAsTemplateForm | None = None,
    preview=None,
) -> HttpResponse:
    has_plan = project.milestones.exists() or project.tasks.exists()
    can_apply = can_edit_project(request.user, project) and not has_plan
    if apply_form is not None and apply_form.is_bound and not can_apply:
        # A second submit of the same plan: the form is gone, its refusal must still show.
        for error in apply_form.non_field_errors():
            messages.error(request, error)
    if can_apply and apply_form is None:
        products = project.products.values("pk")
        chosen = list(ProjectTemplate.objects.active().filter(product__in=products))
        apply_form = ApplyTemplatesForm(
            initial={"templates": [t.pk for t in chosen]}, project=project
        )
        kickoff = project.kickoff_date
        if chosen and kickoff:
            preview = services.plan_preview(templates=chosen, kickoff=kickoff)
    can_save = can_edit_templates(request.user) and has_plan
    if can_save and save_form is None:
        first_product = project.products.order_by("name").first()
        save_form = SaveAsTemplateForm(
            initial={"name": f"{project.name} plan", "product": first_product},
            project=project,
        )
    uses = ProjectTemplateUse.objects.filter(project=project).select_related(
        "template__product", "applied_by"
    )
    return render(
        request,
        "playbooks/project_templates.html",
        {
            "nav": "projects",
            "project": project,
            "uses": uses,
            "has_plan": has_plan,
            "apply_form": apply_form if can_apply else None,
            "preview": preview,
            "save_form": save_form if can_save else None,
        },
    )


@login_required
@require_safe
def project_templates(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_view(request, pk)
    return _project_templates_page(request, project)


@login_required
@require_POST
def project_apply_templates(request: HttpRequest, pk: int) -> HttpResponse:
    """Preview the plan the chosen templates make, or make it."""
    project = get_project_for_edit(request, pk)
    form = ApplyTemplatesForm(request.POST, project=project)
    preview = None
    if form.is_valid():
        templates = list(form.cleaned_data["templates"])
        kickoff = form.cleaned_data["kickoff"]
        try:
            if "preview" in request.POST:
                preview = services.plan_preview(templates=templates, kickoff=kickoff)
            else:
                plan = services.project_plan_from_templates(
                    project=project, templates=templates, user=request.user, kickoff=kickoff
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if preview is None:
                go_live = plan.go_live()
                messages.success(
                    request,
                    f"Plan made from {', '.join(t.name for t in templates)}: "
                    f"{len(plan.milestones)} milestones, {len(plan.tasks)} tasks"
                    + (f", go-live {go_live:%-d %b %Y}." if go_live else "."),
                )
                return redirect(project)
    return _project_templates_page(request, project, apply_form=form, preview=preview)


@login_required
@require_POST
def project_save_as_template(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_view(request, pk)
    if not can_edit_templates(request.user):
        raise PermissionDenied("Only implementation managers and admins make templates.")
    form = SaveAsTemplateForm(request.POST, project=project)
    if form.is_valid():
        try:
            outcome = create_once(
                request,
                form.cleaned_data[SUBMISSION_KEY],
                lambda: services.template_from_project(
                    project=project, user=request.user, **_values(form)
                ),
                ProjectTemplate.get_absolute_url,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _created(request, outcome, "Template “{created.name}” made from this project.")
    return _project_templates_page(request, project, save_form=form)
