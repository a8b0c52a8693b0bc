from django import template

from clients import roles
from golive.models import HandoffMessage
from projects.models import HandoffReport

register = template.Library()

REBUILDABLE = (HandoffReport.Status.DRAFT, HandoffReport.Status.RETURNED)


@register.inclusion_tag("golive/_handoff_extras.html", takes_context=True)
def handoff_extras(context, project, report):
    """The rebuild button, when the report was built, and the Q&A thread with support.

    A report nobody has written on (message_count 0) spends no query on its thread.
    """
    user = context["request"].user
    can_edit = context.get("can_edit", False)
    thread = (
        list(
            HandoffMessage.objects.filter(report=report)
            .select_related("author")
            .only(
                "body",
                "created_at",
                "from_support",
                "report_id",
                "author__first_name",
                "author__last_name",
                "author__username",
            )
        )
        if report is not None and report.message_count
        else []
    )
    return {
        "project": project,
        "report": report,
        "thread": thread,
        "can_rebuild": can_edit
        and context.get("at_go_live")
        and (report is None or report.status in REBUILDABLE),
        "can_post": report is not None and (can_edit or roles.is_support(user)),
        "is_support": roles.is_support(user),
    }
