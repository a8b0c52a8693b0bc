"""The demo's webhooks: a CRM endpoint with a short delivery log, to show the pages.

`seed(result)` is called by `manage.py seed_demo` after the base set is loaded. Nothing is
sent: the deliveries are written as they would stand after sending, and the endpoint is
paused, so that demo events record nothing for a host that is not there.
"""

import json
from datetime import timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from webhooks.events import Event, event_id
from webhooks.models import WebhookDelivery, WebhookEndpoint

DEMO_URL = "https://crm.example.com/hooks/golive"


def seed(result) -> str:
    endpoint, created = WebhookEndpoint.objects.get_or_create(
        url=DEMO_URL,
        defaults={
            "description": "CRM deal sync (demo: paused, sends nothing)",
            "events": [Event.PHASE_CHANGED, Event.WENT_LIVE, Event.HANDED_OFF],
            "active": False,
            "created_by": User.objects.filter(username="admin").first(),
        },
    )
    if not created:
        return ""
    now = timezone.now()
    Status = WebhookDelivery.Status
    rows = [
        (Event.WENT_LIVE, Status.DELIVERED, 1, 200, '{"ok":true}', ""),
        (Event.PHASE_CHANGED, Status.DELIVERED, 2, 200, '{"ok":true}', ""),
        (Event.PHASE_CHANGED, Status.FAILED, 8, 503, "Service Unavailable",
         "The receiver answered 503."),
        (Event.HANDED_OFF, Status.QUEUED, 3, 500, "Internal Server Error",
         "The receiver answered 500."),
    ]  # fmt: skip
    WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            endpoint=endpoint,
            event=event,
            event_id=event_id(event, f"demo:{index}"),
            body=json.dumps(
                {"id": str(event_id(event, f"demo:{index}")), "type": event, "data": {}}
            ),
            status=status,
            attempts=attempts,
            last_status_code=code,
            last_response=response,
            last_error=error,
            created_at=now - timedelta(hours=index + 1),
            next_attempt_at=now + timedelta(minutes=4 * attempts),
            delivered_at=now - timedelta(hours=index + 1) if status == Status.DELIVERED else None,
        )
        for index, (event, status, attempts, code, response, error) in enumerate(rows)
    )
    return ""
