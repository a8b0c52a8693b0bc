"""Alerts follow people's changes: a task done, a milestone completed, a risk mitigated or an
issue resolved clears its alert at once, not at the next sweep.

Connected in AlertsConfig.ready(): `projects` knows nothing of alerts.
"""

from django.db.models.signals import post_delete, post_save

from alerts import services
from projects.models import Issue, Milestone, Risk, Task

# The fields whose change can end each object's condition; a save of other fields (a title,
# a description) costs no query here.
WATCHED = {
    Task: ("task", {"status", "due_date", "project"}),
    Milestone: ("milestone", {"completed_on", "due_date", "baseline_date", "is_key", "project"}),
    Risk: ("risk", {"status", "mitigation_plan", "probability", "impact", "score", "project"}),
    Issue: ("issue", {"status", "severity", "project"}),
}


def recheck_on_save(sender, instance, created, raw, update_fields, **kwargs) -> None:
    if created or raw:
        return
    object_type, fields = WATCHED[sender]
    if update_fields is not None and not fields & set(update_fields):
        return
    services.alerts_recheck(object_type=object_type, object_id=instance.pk)


def clear_on_delete(sender, instance, **kwargs) -> None:
    object_type, _ = WATCHED[sender]
    services.alerts_clear_about(object_type=object_type, object_id=instance.pk)


def connect() -> None:
    for model in WATCHED:
        post_save.connect(recheck_on_save, sender=model, dispatch_uid=f"alerts-recheck-{model}")
        post_delete.connect(clear_on_delete, sender=model, dispatch_uid=f"alerts-clear-{model}")
