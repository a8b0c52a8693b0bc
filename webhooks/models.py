"""Where other systems are told of events, and each delivery of an event to one of them."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from webhooks.events import Event

SECRET_PREFIX = "whsec_"  # noqa: S105  # nosec B105: a prefix, not a secret


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


class WebhookEndpoint(models.Model):
    """A URL an admin registered to be told of some events, with the secret that signs them."""

    url = models.URLField("URL", max_length=500)
    description = models.CharField(
        max_length=200, blank=True, help_text="What receives these events, for the next admin."
    )
    events = models.JSONField(default=list, help_text="The Event values subscribed to.")
    secret = models.CharField(max_length=80, default=new_secret)
    active = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    secret_rotated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["url", "pk"]

    def __str__(self) -> str:
        return self.url

    def subscribes_to(self, event: str) -> bool:
        return event in self.events

    @property
    def event_labels(self) -> list[str]:
        labels = dict(Event.choices)
        return [labels.get(event, event) for event in self.events]


class WebhookDeliveryQuerySet(models.QuerySet):
    def due(self, now) -> "WebhookDeliveryQuerySet":
        """Queued deliveries whose next attempt has come."""
        return self.filter(status=WebhookDelivery.Status.QUEUED, next_attempt_at__lte=now)

    def stale_sending(self, before) -> "WebhookDeliveryQuerySet":
        """Deliveries a worker claimed and never finished: it died, or Redis lost the message."""
        return self.filter(status=WebhookDelivery.Status.SENDING, claimed_at__lt=before)


class WebhookDelivery(models.Model):
    """One event for one endpoint: its signed body, and how sending it went.

    The body is stored as sent, so that every attempt sends the same bytes; unique per
    (endpoint, event id), so an event is delivered to an endpoint once.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=40, choices=Event.choices)
    event_id = models.UUIDField()
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_response = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    objects = WebhookDeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event_id"], name="webhooks_one_delivery_per_event"
            )
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhooks_due"),
            # The delivery log of one endpoint, newest first.
            models.Index(fields=["endpoint", "-created_at", "-id"], name="webhooks_log"),
            models.Index(
                fields=["claimed_at"],
                name="webhooks_sending_claimed",
                condition=Q(status="sending"),
            ),
        ]
        verbose_name_plural = "webhook deliveries"

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint_id}"

    @property
    def status_badge(self) -> str:
        return STATUS_BADGES.get(self.status, "text-bg-secondary")


STATUS_BADGES = {
    WebhookDelivery.Status.DELIVERED: "text-bg-success",
    WebhookDelivery.Status.FAILED: "text-bg-danger",
    WebhookDelivery.Status.SENDING: "text-bg-info",
}
