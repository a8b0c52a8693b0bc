"""The project page's calendar card: this user's private feed of the project.

Usage on the project page: {% load calendars_tags %}{% project_feed_card project %}
"""

from django import template
from django.urls import reverse

from calendars.models import CalendarFeed

register = template.Library()


@register.inclusion_tag("calendars/_project_feed_card.html", takes_context=True)
def project_feed_card(context, project) -> dict:
    """The project's feed address for the user looking at it, in one query."""
    request = context["request"]
    token = CalendarFeed.objects.filter(user=request.user).values_list("token", flat=True).first()
    url = (
        request.build_absolute_uri(reverse("calendars:project_feed", args=[token, project.pk]))
        if token
        else ""
    )
    return {
        "project": project,
        "url": url,
        # The card is loaded into the project page: its buttons come back to that page.
        "here": project.get_absolute_url(),
        "csrf_token": context.get("csrf_token"),
    }
