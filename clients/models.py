"""Accounts, their people, what they bought, and the deal context handed over by sales."""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from clients import roles
from common.parsing import parse_id


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"“{value}” is not a known time zone, for example Europe/London.")


class Product(models.Model):
    """Something the vendor sells and implements: Payroll, Time, HR, Benefits…"""

    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ClientQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ClientQuerySet":
        if roles.is_staff_reader(user):
            return self
        if roles.is_sales_rep(user):
            return self.filter(sales_rep=user)
        return self.none()

    def with_list_related(self) -> "ClientQuerySet":
        return self.select_related("sales_rep").prefetch_related("products")

    def name_choices(self, text: str, chosen=None, *, limit: int) -> list[tuple[int, str]]:
        """(id, name) of the first `limit` accounts by name that contain `text`, and the chosen one.

        What a searchable account field offers: a company has thousands of accounts.
        """
        found = self.filter(name__icontains=text) if text else self
        choices = list(found.order_by("name").values_list("pk", "name")[:limit])
        chosen = parse_id(chosen)
        if chosen and all(pk != chosen for pk, _ in choices):
            choices = list(self.filter(pk=chosen).values_list("pk", "name")) + choices
        return choices


class Client(models.Model):
    """An account the vendor onboards."""

    class Segment(models.TextChoices):
        SMB = "smb", "Small business"
        MID_MARKET = "mid_market", "Mid-market"
        ENTERPRISE = "enterprise", "Enterprise"

    class AccountStatus(models.TextChoices):
        PROSPECT = "prospect", "Prospect"
        ONBOARDING = "onboarding", "Onboarding"
        LIVE = "live", "Live"
        AT_RISK = "at_risk", "At risk"
        CHURNED = "churned", "Churned"

    name = models.CharField(max_length=200, unique=True)
    industry = models.CharField(max_length=100, blank=True)
    employee_count = models.PositiveIntegerField(null=True, blank=True)
    segment = models.CharField(max_length=20, choices=Segment.choices, default=Segment.MID_MARKET)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    sales_rep = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sales_accounts",
        limit_choices_to={"groups__name": roles.Role.SALES},
    )
    account_status = models.CharField(
        max_length=20, choices=AccountStatus.choices, default=AccountStatus.PROSPECT
    )
    products = models.ManyToManyField(Product, blank=True, related_name="clients")
    contract_value = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    notes = models.TextField(blank=True)
    # The account's id in the CRM it was imported from: a second import finds it again.
    external_id = models.CharField("external id", max_length=100, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Counts the saves; an edit form sends back the one it was opened at.
    version = models.PositiveIntegerField(default=0, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClientQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["account_status", "name"]),
            models.Index(fields=["segment", "name"]),
            # The portfolio's time to go-live reads each go-live's segment (or the clients of
            # one segment) from this index alone.
            models.Index(fields=["segment", "id"], name="client_segments"),
            models.Index(fields=["sales_rep", "name"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~Q(external_id=""),
                name="unique_client_external_id",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("clients:detail", args=[self.pk])

    @property
    def status_badge(self) -> str:
        """The Bootstrap class of the account status's badge."""
        return STATUS_BADGES.get(self.account_status, "text-bg-secondary")


STATUS_BADGES = {
    Client.AccountStatus.LIVE: "text-bg-success",
    Client.AccountStatus.ONBOARDING: "text-bg-primary",
    Client.AccountStatus.AT_RISK: "text-bg-warning",
    Client.AccountStatus.CHURNED: "text-bg-dark",
}


class Contact(models.Model):
    """A person at the client."""

    class ContactRole(models.TextChoices):
        EXECUTIVE_SPONSOR = "executive_sponsor", "Executive sponsor"
        PROJECT_LEAD = "project_lead", "Project lead"
        PAYROLL_ADMIN = "payroll_admin", "Payroll admin"
        HR_ADMIN = "hr_admin", "HR admin"
        IT = "it", "IT"
        FINANCE = "finance", "Finance"
        OTHER = "other", "Other"

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=30, choices=ContactRole.choices, default=ContactRole.OTHER)
    email = models.EmailField()
    phone = models.CharField(max_length=40, blank=True)
    receives_status_reports = models.BooleanField(default=False)
    is_primary = models.BooleanField("primary contact", default=False)
    # The person's id in the CRM they were imported from: a second import finds them again.
    external_id = models.CharField("external id", max_length=100, blank=True, editable=False)
    # Counts the saves; an edit form sends back the one it was opened at.
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["-is_primary", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(is_primary=True),
                name="one_primary_contact_per_client",
            ),
            models.UniqueConstraint(
                fields=["client", "email"], name="unique_contact_email_per_client"
            ),
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~Q(external_id=""),
                name="unique_contact_external_id",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SalesHandoffQuerySet(models.QuerySet):
    def visible_to(self, user) -> "SalesHandoffQuerySet":
        return self.filter(client__in=Client.objects.visible_to(user))


class SalesHandoff(models.Model):
    """The deal context sales hands to implementation; acknowledged by the PM."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="sales_handoffs")
    products = models.ManyToManyField(Product, related_name="sales_handoffs")
    contract_signed_on = models.DateField()
    target_go_live = models.DateField()
    commitments = models.TextField("commitments made", blank=True)
    special_terms = models.TextField(blank=True)
    pain_points = models.TextField("known pain points", blank=True)
    stakeholders = models.TextField(blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    # Counts the saves; an edit form sends back the one it was opened at.
    version = models.PositiveIntegerField(default=0, editable=False)

    objects = SalesHandoffQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at"]
        indexes = [
            # The few handoffs still to acknowledge, among years of acknowledged ones: what the
            # PMs' and managers' home pages list.
            models.Index(
                fields=["submitted_at"],
                condition=models.Q(acknowledged_at__isnull=True),
                name="handoff_unacknowledged",
            )
        ]

    def __str__(self) -> str:
        return f"Sales handoff for {self.client.name}"

    def get_absolute_url(self) -> str:
        return reverse("clients:handoff_detail", args=[self.pk])

    @property
    def is_acknowledged(self) -> bool:
        return self.acknowledged_at is not None
