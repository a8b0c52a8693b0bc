from celery import shared_task

from projects.health import refresh_health


@shared_task(name="projects.refresh_health")
def refresh_all_health() -> int:
    """Dates move on by themselves (a task becomes overdue overnight), so health is redone."""
    return refresh_health()
