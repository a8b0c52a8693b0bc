"""The demo client's side: one contact with portal access and a fresh sign-in link.

`seed(result)` is called by `manage.py seed_demo` after the base set is loaded. It gives the
contact who owns the most client-visible tasks of the demo PM's projects access to that
project, and returns a line with a new sign-in link, which seed_demo prints beside the demo
logins (and `make run` once more when the app is up). Each run makes a new link.
"""

from django.db.models import Count, Q

from clients.models import Contact
from portal import services
from portal.models import PortalAccess
from projects.models import ImplementationProject


def seed(result) -> str:
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
