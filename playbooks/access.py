"""Who may read and change templates: PMs read them to plan; managers and admins edit."""

from django.core.exceptions import PermissionDenied

from clients import roles
from common.queries import get_or_404
from playbooks.models import ProjectTemplate


def can_edit_templates(user) -> bool:
    return roles.is_manager(user)


def get_template_for_view(request, pk: int, queryset=None) -> ProjectTemplate:
    base = queryset if queryset is not None else ProjectTemplate.objects.all()
    return get_or_404(base.visible_to(request.user), pk=pk)


def get_template_for_edit(request, pk: int, queryset=None) -> ProjectTemplate:
    template = get_template_for_view(request, pk, queryset)
    if not can_edit_templates(request.user):
        raise PermissionDenied("Only implementation managers and admins change templates.")
    return template


def get_template_item_for_edit(request, model, pk: int):
    """A milestone or task of a template the user may edit."""
    visible = ProjectTemplate.objects.visible_to(request.user)
    item = get_or_404(model.objects.select_related("template"), pk=pk, template__in=visible)
    if not can_edit_templates(request.user):
        raise PermissionDenied("Only implementation managers and admins change templates.")
    return item
