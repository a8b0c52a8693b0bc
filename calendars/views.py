"""The "Calendar feeds" page, its link actions, and the feeds calendar apps subscribe to.

The feeds take no login: the token in the address is the credential. An unknown or revoked
token, or a project its owner may no longer read, gets the same plain 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from calendars import feeds, services
from calendars.models import CalendarFeed
from clients import roles
from common.parsing import local_next_url
from projects.models import ImplementationProject


def _require_reader(request: HttpRequest) -> None:
    # The feeds hold project plans and meetings, which only the implementation side reads.
    if not roles.is_staff_reader(request.user):
        raise PermissionDenied("Calendar feeds are for people who work on projects.")


@login_required
@require_safe
def feed_settings(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    feed = CalendarFeed.objects.filter(user=request.user).first()
    url = (
        request.build_absolute_uri(reverse("calendars:user_feed", args=[feed.token]))
        if feed
        else ""
    )
    return render(
        request, "calendars/feed_settings.html", {"nav": "calendars", "feed": feed, "url": url}
    )


@login_required
@require_POST
def feed_reset(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    had_one = CalendarFeed.objects.filter(user=request.user).exists()
    services.calendar_feed_reset(user=request.user)
    messages.success(
        request,
        "Your calendar links are new: the old ones no longer work, so subscribe again with these."
        if had_one
        else "Your calendar link is ready: add it to your calendar app as a subscription.",
    )
    return redirect(local_next_url(request, reverse("calendars:settings")))


@login_required
@require_POST
def feed_revoke(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    services.calendar_feed_revoke(user=request.user)
    messages.success(request, "Your calendar links are turned off; nobody can open them now.")
    return redirect(local_next_url(request, reverse("calendars:settings")))


def _ics(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_safe
def user_feed(request: HttpRequest, token: str) -> HttpResponse:
    user = feeds.feed_user(token)
    if user is None:
        raise Http404
    return _ics(feeds.user_calendar(user), "golive.ics")


@require_safe
def project_feed(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    user = feeds.feed_user(token)
    if user is None:
        raise Http404
    project = ImplementationProject.objects.visible_to(user).filter(pk=pk).first()
    if project is None:
        raise Http404
    return _ics(feeds.project_calendar(project), f"golive-project-{project.pk}.ics")
