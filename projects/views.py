from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clients import roles
from clients.models import Client
from clients.widgets import options_html
from common.forms import add_service_errors
from common.parsing import parse_id, search_text
from common.queries import get_or_404
from common.submissions import REPEATED, create_once
from common.versions import StaleEdit, show_stale
from common.views import render_form_page
from projects import selectors, services
from projects.access import (
    can_edit_project,
    get_item_for_edit,
    get_project_for_edit,
    get_project_for_view,
)
from projects.budget import can_see_budget, money_of
from projects.filters import ProjectFilter, figure_filters
from projects.forms import (
    CommentForm,
    ConfirmForm,
    HealthOverrideForm,
    MembershipForm,
    PhaseChangeForm,
    ProjectForm,
    UatSignoffForm,
    owner_choices,
    person_choices,
)
from projects.models import HEALTH_RANK, ImplementationProject, Issue, Phase, Task

# Changes the project page shows; the history page has the rest.
RECENT_HISTORY = 10
RECENT_PHASE_CHANGES = 5


def _form_error_messages(error: ValidationError) -> list[str]:
    return list(error.messages)


def _paginate(request, queryset, count: int | None = None):
    """A page of the queryset; `count`, when the caller knows how many rows it holds, spares
    the paginator its COUNT query."""
    paginator = Paginator(queryset, settings.PAGE_SIZE)
    if count is not None:
        paginator.count = count
    return paginator.get_page(parse_id(request.GET.get("page")))


def _query_without(request, *names: str) -> str:
    """The request's query string without `names`, ending in & when not empty."""
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    encoded = query.urlencode()
    return f"{encoded}&" if encoded else ""


@login_required
@require_GET
def home(request):
    """What needs me today: the landing page differs by role."""
    user, today = request.user, timezone.localdate()
    context = {
        "nav": "home",
        "today": today,
        "waiting": selectors.waiting_for(user, timezone.now()),
    }
    if roles.is_sales_rep(user) and not roles.is_staff_reader(user):
        context["accounts"] = _paginate(request, selectors.sales_rep_accounts(user))
        return render(request, "projects/home_sales.html", context)
    if roles.is_support(user) and not (roles.is_manager(user) or roles.is_pm(user)):
        context.update(selectors.support_queue(today))
        return render(request, "projects/home_support.html", context)
    if not roles.is_staff_reader(user):
        return render(request, "projects/home_no_role.html", context)
    everyone = ImplementationProject.objects.all()
    scope = everyone if roles.is_manager(user) else everyone.managed_or_joined_by(user)
    my_projects = (
        selectors.project_rows(scope.in_flight())
        .annotate(health_rank=HEALTH_RANK)
        .order_by("-health_rank", "forecast_go_live", "pk")
    )
    health_counts = selectors.health_counts(scope)
    context.update(
        {
            "is_portfolio": roles.is_manager(user),
            # The in-flight projects by health are the table's rows: their sum is its count.
            "projects": _paginate(request, my_projects, count=sum(health_counts.values())),
            "health_counts": health_counts,
            "go_lives": selectors.upcoming_go_lives(scope, today),
            **selectors.my_tasks(user, today),
        }
    )
    return render(request, "projects/home.html", context)


@login_required
@require_GET
def account_status(request, pk: int):
    """One read-only page answering a sales rep's “how is my account doing?”."""
    client = get_or_404(
        Client.objects.visible_to(request.user)
        .select_related("sales_rep")
        .prefetch_related("products"),
        pk=pk,
    )
    today = timezone.localdate()
    return render(
        request,
        "projects/account_status.html",
        {
            "nav": "clients",
            "client": client,
            "projects": selectors.account_status_projects(client, today),
            "phases": list(Phase),
            "today": today,
        },
    )


@login_required
@require_GET
def project_list(request):
    if not roles.is_staff_reader(request.user):
        raise PermissionDenied("Project pages are for the implementation team.")
    queryset = (
        selectors.project_rows(ImplementationProject.objects.visible_to(request.user))
        .annotate(health_rank=HEALTH_RANK)
        .order_by("forecast_go_live", "pk")
    )
    project_filter = ProjectFilter(request.GET, queryset=queryset)
    return render(
        request,
        "projects/project_list.html",
        {
            "nav": "projects",
            "filter": project_filter,
            "page_obj": _paginate(request, project_filter.qs),
            "figure_filters": figure_filters(project_filter),
            "can_create": roles.is_manager(request.user) or roles.is_pm(request.user),
            # The export takes the list's filters and order, not its page.
            "export_query": _query_without(request, "page", "format"),
        },
    )


PM_CHOICES_SHOWN = 50


@login_required
@require_GET
def pm_options(request):
    """The PMs whose name holds ?pm_find=, as <option>s for the project form's PM search; the
    chosen one (?pm=) kept among them."""
    if not (roles.is_manager(request.user) or roles.is_pm(request.user)):
        raise PermissionDenied("Only PMs and managers choose a project's PM.")
    text = search_text(request.GET.get("pm_find"))
    chosen = request.GET.get("pm", "")
    choices = person_choices(
        ProjectForm.base_fields["pm"].queryset, text, chosen, limit=PM_CHOICES_SHOWN
    )
    empty = [("", ProjectForm.base_fields["pm"].empty_label)]
    if not choices:
        empty = [("", f"No PM’s name contains “{text}”")]
    return HttpResponse(options_html(empty + choices, selected=chosen))


def _project_form_page(request, form, *, title, cancel_url, breadcrumbs):
    return render_form_page(
        request, form, nav="projects", title=title, cancel_url=cancel_url, breadcrumbs=breadcrumbs
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request):
    if not (roles.is_manager(request.user) or roles.is_pm(request.user)):
        raise PermissionDenied("Only PMs and managers open projects.")
    initial = {}
    if request.method == "GET" and roles.is_pm(request.user):
        initial["pm"] = request.user
    form = ProjectForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = create_once(
                request,
                form.cleaned_data["submission_key"],
                lambda: services.project_create(user=request.user, data=form.cleaned_data),
                ImplementationProject.get_absolute_url,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if outcome.repeated:
                messages.info(request, REPEATED)
            else:
                messages.success(request, f"Project “{outcome.created.name}” created.")
            return redirect(outcome.url)
    return _project_form_page(
        request,
        form,
        title="New project",
        cancel_url=reverse("projects:list"),
        breadcrumbs=[{"url": reverse("projects:list"), "label": "Projects"}],
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request, pk: int):
    project = get_project_for_edit(request, pk)
    name = project.name
    form = ProjectForm(request.POST or None, instance=project)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(
                project=project,
                user=request.user,
                data=form.cleaned_data,
                version=form.cleaned_data["version"],
            )
        except StaleEdit as error:
            show_stale(form, error)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Project saved.")
            return redirect(project)
    return _project_form_page(
        request,
        form,
        title=f"Edit {name}",
        cancel_url=project.get_absolute_url(),
        breadcrumbs=[
            {"url": reverse("projects:list"), "label": "Projects"},
            {"url": project.get_absolute_url(), "label": name},
        ],
    )


# The project page's parts that load when opened or scrolled to (htmx), each its own answer:
# the page itself stays within its query budget whatever the project holds.
DETAIL_FRAGMENTS = {
    "progress",
    "task-row",
    "history",
    "phases",
    "more",
    "team-form",
    "override-form",
    "sign-off",
    "comment-form",
}


def _project_fragment(request, pk: int, fragment: str):
    """One part of the project page, answered alone (see DETAIL_FRAGMENTS)."""
    if fragment == "progress":
        # Asked for after each in-place task change: the bar alone, not the whole page's reads.
        project = get_project_for_view(request, pk)
        selectors.project_task_counts(project)
        return render(request, "projects/_project_progress.html", {"project": project})
    if fragment == "task-row":
        task = get_item_for_edit(
            request,
            Task,
            parse_id(request.GET.get("task")) or 0,
            selectors.task_rows(Task.objects.filter(project_id=pk)).select_related("project"),
        )
        return render(
            request,
            "projects/items/_task_row.html",
            {
                "task": task,
                "can_edit": True,
                "owner_choices": owner_choices(task.project),
                "today": timezone.localdate(),
                "next_url": reverse("projects:detail", args=[pk]) + "#tasks",
                "opened": True,
            },
        )
    project = get_project_for_view(request, pk)
    context = {"project": project, "can_edit": can_edit_project(request.user, project)}
    if fragment == "history":
        records = selectors.project_history_records(project, per_kind=RECENT_HISTORY)
        context["entries"] = selectors.history_entries_of(
            records[:RECENT_HISTORY], records[RECENT_HISTORY:]
        )
        return render(request, "projects/items/_history.html", context)
    if fragment == "phases":
        context["changes"] = selectors.project_phase_changes(project, limit=RECENT_PHASE_CHANGES)
        return render(request, "projects/_phase_changes.html", context)
    if fragment == "more":
        return render(request, "projects/_project_more.html", context)
    if fragment == "comment-form":
        # Anyone who reads the project may comment on it, as project_comment allows.
        context.update(form=CommentForm(), post_url=reverse("projects:comment", args=[pk]))
        return render(request, "projects/items/_comment_form.html", context)
    if not context["can_edit"]:
        raise PermissionDenied("Only the project's PM, its team and managers change it.")
    if fragment == "team-form":
        context["membership_form"] = MembershipForm()
        return render(request, "projects/_team_form.html", context)
    if fragment == "override-form":
        context["override_form"] = HealthOverrideForm(
            initial={"health": project.computed_health, "until": timezone.localdate()}
        )
        return render(request, "projects/_health_override_form.html", context)
    milestone = get_or_404(
        project.milestones.only("name"), pk=parse_id(request.GET.get("milestone")) or 0
    )
    context.update(milestone=milestone, contacts=project.client.contacts.only("name"))
    return render(request, "projects/_milestone_sign_off_form.html", context)


@login_required
@require_GET
def project_detail(request, pk: int):
    fragment = request.GET.get("fragment")
    if request.htmx and fragment in DETAIL_FRAGMENTS:
        return _project_fragment(request, pk, fragment)
    project = get_project_for_view(request, pk, selectors.project_detail_queryset())
    today = timezone.localdate()
    parts = selectors.project_detail_parts(project, today)
    can_edit = can_edit_project(request.user, project)
    current = Phase(project.phase)
    phases = list(Phase)
    next_phase = phases[current.index + 1] if current.index + 1 < len(phases) else None
    context = {
        "nav": "projects",
        "project": project,
        "can_edit": can_edit,
        "today": today,
        "phases": phases,
        "current_phase": current,
        "next_phase": next_phase,
        "next_phase_problems": services.phase_gate_problems(
            project,
            next_phase,
            milestones=parts["milestones"],
            critical_open_issues=sum(
                issue["severity"] == Issue.Severity.CRITICAL for issue in parts["issues"]
            ),
            # Testing's own check costs a query: the readiness page and the move itself run it.
            registered=False,
        )
        if next_phase and can_edit
        else [],
        "can_override_gate": roles.is_manager(request.user),
        # What testing has open is told on the sign-off page, not read for every detail page.
        "uat_signoff_open": can_edit
        and not services.uat_signoff_refusal(project, with_testing=False),
        "earlier_phases": phases[: current.index],
        "money": money_of(project) if can_see_budget(request.user) else None,
        "budget_percent": selectors.budget_percent(parts["hours_burned"], project.budget_hours),
        **parts,
    }
    return render(request, "projects/project_detail.html", context)


@login_required
@require_POST
def project_phase(request, pk: int):
    project = get_project_for_edit(request, pk)
    form = PhaseChangeForm(request.POST)
    if not form.is_valid():
        # What was written is wrong (a note or a reason): say so, not only "choose a phase".
        text_errors = [*form.errors.get("note", []), *form.errors.get("override_reason", [])]
        if text_errors:
            messages.error(request, "The phase was not changed. " + " ".join(text_errors))
        else:
            messages.error(request, "Choose a phase to move to.")
        return redirect(project)
    to_phase = Phase(form.cleaned_data["to_phase"])
    reason = form.cleaned_data["override_reason"]
    try:
        change = services.project_change_phase(
            project=project,
            to_phase=to_phase,
            user=request.user,
            note=form.cleaned_data["note"],
            override_reason=reason,
        )
    except ValidationError as error:
        hint = ""
        if isinstance(error, services.GateNotMet) and roles.is_manager(request.user):
            hint = " As an implementation manager you may override the gate with a written reason."
        messages.error(
            request,
            f"The project cannot move to {to_phase.label} yet: "
            + " ".join(_form_error_messages(error))
            + hint,
        )
    else:
        if change.gate_overridden:
            messages.warning(
                request,
                f"Project moved to {to_phase.label}, overriding its gate: "
                + " ".join(change.overridden_problems),
            )
        else:
            messages.success(request, f"Project moved to {to_phase.label}.")
    return redirect(project)


@login_required
@require_POST
def project_health_override(request, pk: int):
    project = get_project_for_edit(request, pk)
    form = HealthOverrideForm(request.POST)
    if form.is_valid():
        try:
            services.project_override_health(
                project=project,
                user=request.user,
                health=form.cleaned_data["health"],
                reason=form.cleaned_data["reason"],
                until=form.cleaned_data["until"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(_form_error_messages(error)))
        else:
            messages.success(request, "Health override saved.")
            return redirect(project)
    else:
        errors = [
            f"{form.fields[f].label or f.title()}: {' '.join(e)}" for f, e in form.errors.items()
        ]
        messages.error(request, "The override was not saved. " + " ".join(errors))
    return redirect(project)


@login_required
@require_POST
def project_health_override_clear(request, pk: int):
    project = get_project_for_edit(request, pk)
    services.project_clear_health_override(project=project, user=request.user)
    messages.success(request, "Override removed: the computed health applies again.")
    return redirect(project)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def project_uat_signoff(request, pk: int):
    """Record the client's UAT sign-off, on a page that shows what testing still has open."""
    project = get_project_for_edit(request, pk)
    refusal = services.uat_signoff_refusal(project)
    if refusal:
        messages.error(request, refusal)
        return redirect(project)
    form = UatSignoffForm(request.POST if request.method == "POST" else None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_record_uat_signoff(
                project=project,
                user=request.user,
                contact=form.cleaned_data["contact"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"UAT sign-off by {form.cleaned_data['contact'].name} recorded as an exception.",
            )
            return redirect(project)
    return render(
        request,
        "projects/uat_signoff.html",
        {
            "nav": "projects",
            "project": project,
            "form": form,
            **selectors.uat_open_items(project),
        },
    )


@login_required
@require_POST
def project_member_add(request, pk: int):
    project = get_project_for_edit(request, pk)
    form = MembershipForm(request.POST)
    back = reverse("projects:detail", args=[project.pk]) + "#team"
    if form.is_valid():
        outcome = create_once(
            request,
            form.cleaned_data["submission_key"],
            lambda: services.project_member_add(
                project=project,
                user=request.user,
                member=form.cleaned_data["user"],
                role=form.cleaned_data["role"],
            ),
            lambda membership: back,
        )
        if outcome.repeated:
            messages.info(request, REPEATED)
        else:
            messages.success(request, "Team updated.")
    else:
        messages.error(request, "Choose a person and their role on the project.")
    return redirect(back)


@login_required
@require_POST
def project_member_remove(request, pk: int, user_pk: int):
    """Take someone off the team; while they own open tasks, issues or risks of the project,
    only after a page that lists them (they stay their owner until the PM hands them on)."""
    project = get_project_for_edit(request, pk)
    member = get_or_404(User, pk=user_pk, project_memberships__project=project)
    confirm = ConfirmForm(request.POST if "confirm_page" in request.POST else None)
    if not confirm.is_valid():
        open_work = {
            "open_tasks": list(
                selectors.task_rows(project.tasks.open().filter(owner_user=member)).order_by(
                    "due_date", "pk"
                )
            ),
            "open_issues": list(
                project.issues.open()
                .filter(owner=member)
                .select_related("owner")
                .order_by("raised_at")
            ),
            "open_risks": list(project.risks.open().filter(owner=member).order_by("-score", "pk")),
        }
        if any(open_work.values()):
            name = member.get_full_name() or member.username
            return render(
                request,
                "projects/member_remove_confirm.html",
                {
                    "nav": "projects",
                    "project": project,
                    "member": member,
                    "member_name": name,
                    **open_work,
                    "form": confirm,
                    "confirm_label": f"I know {name} owns this open work and remove them from "
                    "the team anyway.",
                    "back": reverse("projects:detail", args=[project.pk]) + "#team",
                },
            )
    services.project_member_remove(project=project, user=request.user, member_id=member.pk)
    messages.success(request, f"{member.get_full_name() or member.username} left the team.")
    return redirect(reverse("projects:detail", args=[project.pk]) + "#team")


@login_required
@require_POST
def project_comment(request, pk: int):
    project = get_project_for_view(request, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        outcome = create_once(
            request,
            form.cleaned_data["submission_key"],
            lambda: services.comment_add(
                project=project, user=request.user, body=form.cleaned_data["body"]
            ),
            lambda comment: reverse("projects:detail", args=[project.pk]) + "#comments",
        )
        if outcome.repeated:
            messages.info(request, REPEATED)
        else:
            messages.success(request, "Comment posted.")
    elif form.has_error("body", "required"):
        messages.error(request, "Write something before posting.")
    else:
        # Too long, or a damaged hidden key: say what is wrong, whichever field it is.
        problems = [message for errors in form.errors.values() for message in errors]
        messages.error(request, "The comment was not posted. " + " ".join(problems))
    return redirect(reverse("projects:detail", args=[project.pk]) + "#comments")


@login_required
@require_GET
def project_history(request, pk: int):
    project = get_project_for_view(request, pk)
    page = _paginate(request, selectors.project_history_index(project))
    page.object_list = list(page.object_list)
    return render(
        request,
        "projects/project_history.html",
        {
            "nav": "projects",
            "project": project,
            "page_obj": page,
            "history": selectors.project_history_page(project, page.object_list),
            "phase_changes": selectors.project_phase_changes(project),
        },
    )
