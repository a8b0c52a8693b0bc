"""A new project gets its plan from the templates of its products, when it has a kick-off."""

import logging

from django.core.exceptions import ValidationError
from django.dispatch import receiver

from playbooks.models import ProjectTemplate
from playbooks.services import project_plan_from_templates
from projects.models import ImplementationProject
from projects.signals import project_created

logger = logging.getLogger(__name__)


@receiver(project_created, dispatch_uid="playbooks.plan_new_project")
def plan_new_project(sender, *, project: ImplementationProject, user, **kwargs) -> None:
    if project.kickoff_date is None:
        return  # planned from the project's Plan templates page once the kick-off is known
    templates = list(
        ProjectTemplate.objects.active().filter(product__in=project.products.values("pk"))
    )
    if not templates:
        return
    try:
        # Atomic by itself: a refusal rolls back to a savepoint, never the project's creation.
        project_plan_from_templates(project=project, templates=templates, user=user)
    except ValidationError as error:
        # The project is still made; its Plan templates page shows the same refusal.
        logger.warning("No plan from templates for project %s: %s", project.pk, error.messages)
