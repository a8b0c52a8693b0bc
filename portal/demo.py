"""The demo client's side: one contact with portal access and a fresh sign-in link.

`seed(result)` is called by `manage.py seed_demo` after the base set is loaded. It gives the
contact who owns the most client-visible tasks of the demo PM's projects access to that
project, and returns a line with a new sign-in link, which seed_demo prints beside the demo
logins (and `make run` once more when the app is up). Each run makes a new link.
"""

from datetime import datetime, time, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from clients.models import Contact
from portal import services
from portal.models import PortalAccess, Survey
from projects.models import ImplementationProject

# What the demo's clients answered a week after going live: (CSAT 1–5, NPS 0–10), in turn.
DEMO_ANSWERS = [(5, 10), (4, 9), (4, 7), (3, 6), (5, 9), (4, 8), (2, 4), (5, 10)]


def seed(result) -> str:
    _answered_surveys(result.project_ids)
    project = (
        ImplementationProject.objects.filter(pk__in=result.project_ids, pm__username="pm")
        .in_flight()
        .annotate(
            shared=Count(
                "tasks",
                filter=Q(tasks__visible_to_client=True, tasks__owner_contact__isnull=False),
            )
        )
        .order_by("-shared", "pk")
        .select_related("pm")
        .first()
    )
    if project is None:
        return ""
    contact = (
        Contact.objects.filter(
            client_id=project.client_id,
            owned_tasks__project=project,
            owned_tasks__visible_to_client=True,
        )
        .exclude(email="")
        .annotate(n=Count("owned_tasks"))
        .order_by("-n", "pk")
        .first()
    )
    if contact is None:
        return ""
    services.portal_access_grant(contact=contact, project=project, user=project.pm)
    _, token = services.portal_link_create(contact=contact, project=project, user=project.pm)
    return (
        f"Client portal: {contact.name} of {project.client.name} signs in once with\n"
        f"  {services.link_url(token)}"
    )


def _answered_surveys(project_ids) -> None:
    """A go-live survey answered by the primary contact of each live demo project, so that the
    portfolio shows a satisfaction trend; one per project and occasion, however often seeded."""
    live = (
        ImplementationProject.objects.filter(pk__in=project_ids, actual_go_live__isnull=False)
        .order_by("pk")
        .values_list("pk", "client_id", "actual_go_live")
    )
    contacts = {}
    for contact_id, client_id in (
        Contact.objects.filter(client_id__in={client for _, client, _ in live})
        .exclude(email="")
        .order_by("-pk")
        .values_list("pk", "client_id")
    ):
        contacts[client_id] = contact_id  # the oldest contact of each client, read last
    for n, (project_id, client_id, went_live) in enumerate(live):
        if client_id not in contacts:
            continue
        csat, nps = DEMO_ANSWERS[n % len(DEMO_ANSWERS)]
        day = min(went_live + timedelta(days=7), timezone.localdate())
        Survey.objects.get_or_create(
            project_id=project_id,
            contact_id=contacts[client_id],
            reason=Survey.Reason.GO_LIVE,
            defaults={
                "sent_at": timezone.make_aware(datetime.combine(went_live, time(9))),
                "answered_at": timezone.make_aware(datetime.combine(day, time(11))),
                "csat": csat,
                "nps": nps,
            },
        )


def sign_in_demo_contact(browser) -> None:
    """Sign the demo contact in, in a test client, as their link would (the benchmark's login)."""
    from django.urls import reverse

    access = PortalAccess.objects.active().select_related("contact", "project").order_by("pk")[0]
    _, token = services.portal_link_create(
        contact=access.contact, project=access.project, user=None
    )
    browser.post(reverse("portal:link", args=[token]))
    # The page's form sets the CSRF cookie, as a browser's first page would.
    browser.get(reverse("portal:project", args=[access.project_id]))
