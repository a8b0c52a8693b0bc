"""Who hears of a sales handoff: an email through the outbox, once per handoff and person.

A new handoff belongs to no project yet, so the implementation managers hear of it; once a
project with a PM links it, that PM does (projects.notifications). Either sees it on their home
page until it is acknowledged.
"""

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import User

from clients.models import SalesHandoff
from clients.roles import Role
from outbox.services import Message, emails_queue_bulk
from outbox.text import one_line

EMAIL_KIND = "sales_handoff"
EMAIL_TEMPLATE = "clients/email/sales_handoff"


def dedup_key(handoff_id: int, user_id: int) -> str:
    return f"sales-handoff:{handoff_id}:to:{user_id}"


def implementation_managers() -> list[User]:
    return list(
        User.objects.filter(is_active=True, groups__name=Role.MANAGER)
        .exclude(email="")
        .order_by("pk")
    )


def sales_handoff_notify(*, handoff: SalesHandoff, recipients: Iterable[User]) -> None:
    """Ask each recipient to acknowledge the handoff; a person already asked is not asked again."""
    recipients = [person for person in recipients if person.is_active and person.email]
    if handoff.is_acknowledged or not recipients:
        return
    client_name = one_line(handoff.client.name)
    common = {
        "client_name": client_name,
        "submitted_by": handoff.submitted_by.get_full_name() or handoff.submitted_by.username,
        "products": ", ".join(product.name for product in handoff.products.all()),
        "handoff": handoff,
        "action_url": settings.SITE_URL + handoff.get_absolute_url(),
        "action_label": "Open the sales handoff",
    }
    emails_queue_bulk(
        messages=[
            Message(
                kind=EMAIL_KIND,
                to=person.email,
                subject=one_line(f"Sales handoff to acknowledge: {client_name}"),
                template=EMAIL_TEMPLATE,
                context={**common, "recipient_name": person.get_full_name() or person.username},
                dedup_key=dedup_key(handoff.pk, person.pk),
                about=handoff,
            )
            for person in recipients
        ]
    )
