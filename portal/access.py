"""Who is in the portal, and what they may reach: decided here and nowhere else.

The portal visit is not a Django login. The browser's session holds a signed key naming a
PortalSession; request.user stays anonymous, so every staff page treats a portal visitor as
nobody, and a logged-in staff member is refused by every portal page.
"""

from dataclasses import dataclass
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.core import signing
from django.http import Http404, HttpRequest
from django.shortcuts import redirect, render
from django.utils import timezone

from clients.models import Contact
from portal.models import PortalAccess, PortalSession
from projects.models import ImplementationProject, Task

SESSION_KEY = "portal"
SALT = "golive.portal.session"


@dataclass(frozen=True)
class Visitor:
    contact: Contact
    session_id: int

    def projects(self):
        """The projects of the contact's own client that they were given access to."""
        return ImplementationProject.objects.filter(
            client_id=self.contact.client_id,
            portal_accesses__contact_id=self.contact.pk,
            portal_accesses__revoked_at__isnull=True,
        )

    def project(self, pk: int) -> ImplementationProject:
        found = self.projects().select_related("client").filter(pk=pk).first()
        if found is None:
            raise Http404
        return found

    def task(self, pk: int) -> Task:
        """A client-visible task of one of the visitor's projects."""
        found = (
            Task.objects.filter(pk=pk, visible_to_client=True, project__in=self.projects())
            .select_related("project", "milestone", "owner_contact")
            .first()
        )
        if found is None:
            raise Http404
        return found


def session_start(request: HttpRequest, session: PortalSession) -> None:
    request.session.cycle_key()
    request.session[SESSION_KEY] = signing.dumps(
        {"s": session.pk, "c": session.contact_id}, salt=SALT
    )


def session_end(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)


def visitor_of(request: HttpRequest) -> Visitor | None:
    """The contact this browser's portal session belongs to, if it is still good: one query."""
    value = request.session.get(SESSION_KEY)
    if not value:
        return None
    try:
        data = signing.loads(value, salt=SALT)
    except signing.BadSignature:
        return None
    oldest = timezone.now() - timedelta(hours=settings.GOLIVE_PORTAL["SESSION_HOURS"])
    session = (
        PortalSession.objects.filter(
            pk=data.get("s"),
            contact_id=data.get("c"),
            ended_at__isnull=True,
            started_at__gte=oldest,
        )
        .select_related("contact__client")
        .first()
    )
    if session is None:
        return None
    return Visitor(contact=session.contact, session_id=session.pk)


def portal_view(view):
    """A portal page: for a contact with a live portal session, never for a staff login."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if request.user.is_authenticated:
            return render(request, "portal/staff_refused.html", status=403)
        visitor = visitor_of(request)
        if visitor is None:
            session_end(request)
            return redirect("portal:signed_out")
        request.portal = visitor
        return view(request, *args, **kwargs)

    return wrapper


def has_access(contact: Contact, project: ImplementationProject) -> bool:
    return (
        contact.client_id == project.client_id
        and PortalAccess.objects.active().filter(contact=contact, project=project).exists()
    )
