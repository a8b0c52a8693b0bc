"""The plan as a picture: a project's timeline, and the portfolio's."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from projects.access import get_project_for_view
from projects.timeline import project_timeline


@login_required
@require_GET
def project_timeline_page(request, pk: int):
    project = get_project_for_view(request, pk)
    today = timezone.localdate()
    return render(
        request,
        "projects/project_timeline.html",
        {
            "nav": "projects",
            "project": project,
            "today": today,
            "timeline": project_timeline(project, today=today),
        },
    )
