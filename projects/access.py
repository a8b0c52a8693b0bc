"""Who may read and change a project, decided in one place."""

from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404

from clients import roles
from common.queries import get_or_404
from projects.models import ImplementationProject, ProjectMembership


def can_edit_project(user, project: ImplementationProject) -> bool:
    if roles.is_manager(user):
        return True
    if not roles.is_pm(user):
        return False
    if project.pm_id == user.pk:
        return True
    return ProjectMembership.objects.filter(project=project, user=user).exists()


def get_project_for_view(request, pk: int, queryset=None) -> ImplementationProject:
    base = queryset if queryset is not None else ImplementationProject.objects.all()
    return get_or_404(base.visible_to(request.user), pk=pk)


def get_project_for_edit(request, pk: int, queryset=None) -> ImplementationProject:
    project = get_project_for_view(request, pk, queryset)
    if not can_edit_project(request.user, project):
        raise PermissionDenied("Only this project's PM, its team and managers can change it.")
    return project


def get_item_for_view(request, model: type[Model], pk: int, queryset=None):
    """A milestone, task, risk or issue whose project the user may read."""
    base = queryset if queryset is not None else model.objects.select_related("project")
    visible = ImplementationProject.objects.visible_to(request.user)
    # Unfiltered, it is every project: `project IN (every project)` would filter nothing and
    # cost PostgreSQL one more join to plan, most of a task page's slowest query.
    if visible.query.has_filters():
        base = base.filter(project__in=visible)
    return get_or_404(base, pk=pk)


def get_item_for_edit(request, model: type[Model], pk: int, queryset=None):
    item = get_item_for_view(request, model, pk, queryset)
    if not can_edit_project(request.user, item.project):
        raise PermissionDenied("Only this project's PM, its team and managers can change it.")
    return item


def get_project_for_handoff_report(request, pk: int, queryset=None) -> ImplementationProject:
    """Handoff reports are read by the implementation side and by the account's sales rep."""
    base = queryset if queryset is not None else ImplementationProject.objects.all()
    user = request.user
    if roles.is_staff_reader(user):
        return get_or_404(base, pk=pk)
    if roles.is_sales_rep(user):
        return get_or_404(base, pk=pk, client__sales_rep=user, handoff_report__isnull=False)
    raise Http404


def can_decide_handoff_report(user) -> bool:
    """Support (and admins) accept or return a handoff report; the project's PM does not."""
    return roles.is_support(user) or roles.is_admin(user)
