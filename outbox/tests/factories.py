"""Outbox rows for page tests; services tests go through email_queue instead."""

import factory
from django.utils import timezone

from outbox.models import OutgoingEmail


class OutgoingEmailFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutgoingEmail

    kind = "status_report"
    to_email = factory.Sequence(lambda n: f"recipient{n}@client.example")
    subject = factory.Sequence(lambda n: f"Weekly status report {n}")
    body_text = "Health: green.\n\nOpen in Golive: http://testserver/"
    body_html = "<p>Health: <strong>green</strong>.</p>"
    dedup_key = factory.Sequence(lambda n: f"test:{n}")
    status = OutgoingEmail.Status.SENT
    attempts = 1
    sent_at = factory.LazyFunction(timezone.now)
