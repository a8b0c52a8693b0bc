"""Every write to accounts, contacts and sales handoffs goes through these functions."""

import datetime
from collections.abc import Callable, Iterable
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.formats import date_format

from clients import notifications, roles
from clients.models import Client, Contact, Product, SalesHandoff
from common.versions import version_claim

PRIMARY_CONTACT_TAKEN = (
    "{name} is already the primary contact of this client; untick it there first."
)
EMAIL_TAKEN = "{name} already uses this email address at this client."
GO_LIVE_BEFORE_SIGNING = "The target go-live cannot be before the contract was signed."
NO_PRODUCTS = "Choose at least one product that was sold."
ACKNOWLEDGED = "This handoff has been acknowledged and can no longer be changed."
NOT_YOURS_TO_ACKNOWLEDGE = (
    "Only the PM of this handoff's project or an implementation manager acknowledges it."
)


def _assign(instance: Model, values: dict[str, object]) -> list[str]:
    """Set the given attributes and return their names, for `save(update_fields=...)`.

    Every given field is written, not only those that differ: a bound ModelForm has
    already copied its data onto the instance it was given.
    """
    for name, value in values.items():
        setattr(instance, name, value)
    return list(values)


def _shown(stored: Model, name: str) -> str:
    field = stored._meta.get_field(name)
    value = getattr(stored, name)
    if value is None or value == "":
        return "empty"
    if field.choices:
        return str(getattr(stored, f"get_{name}_display")())
    if isinstance(value, User):
        return value.get_full_name() or value.username
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _now_stored(values: dict[str, object]) -> Callable[[Model, int], str]:
    """Describe a stale save: which of the submitted values now differ from what is stored.

    These rows keep no history, so the stored values (and, for an account, when it was saved)
    are what can be told.
    """

    def describe(stored: Model, version: int) -> str:
        said = []
        for name, value in values.items():
            field = stored._meta.get_field(name)
            submitted = value.pk if isinstance(value, Model) else value
            if getattr(stored, field.attname) != submitted:
                said.append(
                    f"{str(field.verbose_name).capitalize()} is now “{_shown(stored, name)}”"
                )
        updated = getattr(stored, "updated_at", None)
        when = (
            f" It was saved on {date_format(timezone.localtime(updated), 'j M Y, H:i')}."
            if updated
            else ""
        )
        differ = "; ".join(said) + "." if said else "Its other details changed."
        return f"{differ}{when}"

    return describe


# Clients


def client_create(
    *,
    name: str,
    industry: str = "",
    employee_count: int | None = None,
    segment: str = Client.Segment.MID_MARKET,
    time_zone: str = "UTC",
    sales_rep: User | None = None,
    account_status: str = Client.AccountStatus.PROSPECT,
    products: Iterable[Product] = (),
    contract_value: Decimal | None = None,
    notes: str = "",
    external_id: str = "",
) -> Client:
    """Create an account with the products it bought (`external_id`: its id in the CRM)."""
    client = Client(
        external_id=external_id,
        name=name,
        industry=industry,
        employee_count=employee_count,
        segment=segment,
        time_zone=time_zone,
        sales_rep=sales_rep,
        account_status=account_status,
        contract_value=contract_value,
        notes=notes,
    )
    client.full_clean()
    with transaction.atomic():
        client.save()
        client.products.set(products)
    return client


def client_update(
    *,
    client: Client,
    name: str,
    industry: str,
    employee_count: int | None,
    segment: str,
    time_zone: str,
    sales_rep: User | None,
    account_status: str,
    products: Iterable[Product],
    contract_value: Decimal | None,
    notes: str,
    version: int | None = None,
) -> Client:
    """Change an account; only the fields it is given are written.

    `version` is the one the edit form was opened at: a stale one changes nothing.
    """
    values = {
        "name": name,
        "industry": industry,
        "employee_count": employee_count,
        "segment": segment,
        "time_zone": time_zone,
        "sales_rep": sales_rep,
        "account_status": account_status,
        "contract_value": contract_value,
        "notes": notes,
    }
    fields = _assign(client, values)
    client.full_clean()
    with transaction.atomic():
        version_claim(client, version=version, describe=_now_stored(values))
        client.save(update_fields=[*fields, "updated_at", "version"])
        client.products.set(products)
    return client


def client_link_external_id(*, client: Client, external_id: str) -> bool:
    """Give an account found by its name the CRM id an import knows it by.

    Only an account that has none takes one; returns whether it did.
    """
    linked = Client.objects.filter(pk=client.pk, external_id="").update(external_id=external_id)
    if linked:
        client.external_id = external_id
    return bool(linked)


# Contacts


def contact_link_external_id(*, contact: Contact, external_id: str) -> bool:
    """Give a contact found by their email the CRM id an import knows them by.

    Only a contact who has none takes one; returns whether they did.
    """
    linked = Contact.objects.filter(pk=contact.pk, external_id="").update(external_id=external_id)
    if linked:
        contact.external_id = external_id
    return bool(linked)


def contact_conflicts(
    *, client: Client, email: str, is_primary: bool, exclude_pk: int | None = None
) -> dict[str, str]:
    """Messages for the rules a new or changed contact would break, keyed by field."""
    others = Contact.objects.filter(client=client)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    errors = {}
    if is_primary:
        primary = others.filter(is_primary=True).first()
        if primary is not None:
            errors["is_primary"] = PRIMARY_CONTACT_TAKEN.format(name=primary.name)
    if email:
        same_email = others.filter(email__iexact=email).first()
        if same_email is not None:
            errors["email"] = EMAIL_TAKEN.format(name=same_email.name)
    return errors


def _contact_save(
    contact: Contact,
    update_fields: list[str] | None = None,
    *,
    version: int | None = None,
    values: dict[str, object] | None = None,
) -> None:
    errors = contact_conflicts(
        client=contact.client,
        email=contact.email,
        is_primary=contact.is_primary,
        exclude_pk=contact.pk,
    )
    if errors:
        raise ValidationError(errors)
    # The checks above read before the write; the unique constraints decide a race.
    contact.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            if contact.pk:
                version_claim(contact, version=version, describe=_now_stored(values or {}))
            contact.save(update_fields=update_fields)
    except IntegrityError as exc:
        errors = contact_conflicts(
            client=contact.client,
            email=contact.email,
            is_primary=contact.is_primary,
            exclude_pk=contact.pk,
        )
        raise ValidationError(errors or "This contact clashes with another one.") from exc


def contact_create(
    *,
    client: Client,
    name: str,
    email: str,
    role: str = Contact.ContactRole.OTHER,
    phone: str = "",
    receives_status_reports: bool = False,
    is_primary: bool = False,
    external_id: str = "",
) -> Contact:
    """Add a person at the client; a client has at most one primary contact.

    `external_id` is the person's id in the CRM they were imported from.
    """
    contact = Contact(
        external_id=external_id,
        client=client,
        name=name,
        email=email,
        role=role,
        phone=phone,
        receives_status_reports=receives_status_reports,
        is_primary=is_primary,
    )
    _contact_save(contact)
    return contact


def contact_update(
    *,
    contact: Contact,
    name: str,
    email: str,
    role: str,
    phone: str,
    receives_status_reports: bool,
    is_primary: bool,
    version: int | None = None,
) -> Contact:
    """Change a contact; a client keeps at most one primary contact.

    `version` is the one the edit form was opened at: a stale one changes nothing.
    """
    values = {
        "name": name,
        "email": email,
        "role": role,
        "phone": phone,
        "receives_status_reports": receives_status_reports,
        "is_primary": is_primary,
    }
    fields = _assign(contact, values)
    _contact_save(contact, update_fields=[*fields, "version"], version=version, values=values)
    return contact


# Sales handoffs


def _validate_handoff(
    *,
    contract_signed_on: datetime.date,
    target_go_live: datetime.date,
    products: list[Product],
) -> None:
    errors = {}
    if target_go_live < contract_signed_on:
        errors["target_go_live"] = GO_LIVE_BEFORE_SIGNING
    if not products:
        errors["products"] = NO_PRODUCTS
    if errors:
        raise ValidationError(errors)


def sales_handoff_create(
    *,
    client: Client,
    submitted_by: User,
    products: Iterable[Product],
    contract_signed_on: datetime.date,
    target_go_live: datetime.date,
    commitments: str = "",
    special_terms: str = "",
    pain_points: str = "",
    stakeholders: str = "",
    notify_managers: bool = True,
) -> SalesHandoff:
    """Record the deal context sales hands to implementation.

    An import that opens the deal's project with its PM at once passes `notify_managers=False`:
    the PM is asked to acknowledge it, and managers would get one email per imported deal.
    """
    products = list(products)
    _validate_handoff(
        contract_signed_on=contract_signed_on, target_go_live=target_go_live, products=products
    )
    handoff = SalesHandoff(
        client=client,
        submitted_by=submitted_by,
        contract_signed_on=contract_signed_on,
        target_go_live=target_go_live,
        commitments=commitments,
        special_terms=special_terms,
        pain_points=pain_points,
        stakeholders=stakeholders,
    )
    handoff.full_clean()
    with transaction.atomic():
        handoff.save()
        handoff.products.set(products)
        # A new handoff belongs to no project, and so to no PM, yet: the managers hear of it.
        if notify_managers:
            notifications.sales_handoff_notify(
                handoff=handoff, recipients=notifications.implementation_managers()
            )
    return handoff


def sales_handoff_update(
    *,
    handoff: SalesHandoff,
    products: Iterable[Product],
    contract_signed_on: datetime.date,
    target_go_live: datetime.date,
    commitments: str,
    special_terms: str,
    pain_points: str,
    stakeholders: str,
    version: int | None = None,
) -> SalesHandoff:
    """Change a handoff that implementation has not acknowledged yet.

    `version` is the one the edit form was opened at: a stale one changes nothing.
    """
    if handoff.is_acknowledged:
        raise ValidationError(ACKNOWLEDGED, code="acknowledged")
    products = list(products)
    _validate_handoff(
        contract_signed_on=contract_signed_on, target_go_live=target_go_live, products=products
    )
    values = {
        "contract_signed_on": contract_signed_on,
        "target_go_live": target_go_live,
        "commitments": commitments,
        "special_terms": special_terms,
        "pain_points": pain_points,
        "stakeholders": stakeholders,
    }
    fields = _assign(handoff, values)
    handoff.full_clean()
    with transaction.atomic():
        # Lock the row so an acknowledgement landing between reading and saving wins.
        locked = SalesHandoff.objects.select_for_update().only("acknowledged_at").get(pk=handoff.pk)
        if locked.is_acknowledged:
            raise ValidationError(ACKNOWLEDGED, code="acknowledged")
        version_claim(handoff, version=version, describe=_now_stored(values))
        handoff.save(update_fields=[*fields, "version"])
        handoff.products.set(products)
        # Deduplicated: tells only a manager who has not heard of this handoff yet.
        notifications.sales_handoff_notify(
            handoff=handoff, recipients=notifications.implementation_managers()
        )
    return handoff


def sales_handoff_may_acknowledge(*, handoff: SalesHandoff, user: User | None) -> bool:
    """The PM of the handoff's project, or an implementation manager (or admin).

    While no project or no PM has it, the managers acknowledge it: they are who is told of it.
    """
    if user is None:
        return False
    if roles.is_manager(user):
        return True
    if not roles.is_pm(user):
        return False
    try:
        # The project's side of ImplementationProject.sales_handoff: clients never imports it.
        project = handoff.project
    except ObjectDoesNotExist:
        return False
    return project.pm_id is not None and project.pm_id == user.pk


def sales_handoff_acknowledge(*, handoff: SalesHandoff, user: User) -> SalesHandoff:
    """Mark the handoff as received; a second acknowledgement keeps the first who and when.

    Only someone who may acknowledge it does (see sales_handoff_may_acknowledge). An earlier
    acknowledgement by someone who may not (a PM of another project, say) does not count, and
    is replaced.
    """
    if not sales_handoff_may_acknowledge(handoff=handoff, user=user):
        raise PermissionDenied(NOT_YOURS_TO_ACKNOWLEDGE)
    with transaction.atomic():
        # Lock the row, then read who acknowledged it, so two acknowledgements do not race.
        SalesHandoff.objects.select_for_update().filter(pk=handoff.pk).values("pk").first()
        handoff.refresh_from_db(fields=["acknowledged_by", "acknowledged_at"])
        if not sales_handoff_acknowledgement_stands(handoff):
            SalesHandoff.objects.filter(pk=handoff.pk).update(
                acknowledged_by=user, acknowledged_at=timezone.now()
            )
    handoff.refresh_from_db(fields=["acknowledged_by", "acknowledged_at"])
    return handoff


def sales_handoff_acknowledgement_stands(handoff: SalesHandoff) -> bool:
    """Acknowledged, and by someone who may: the PM of its project or a manager."""
    if not handoff.is_acknowledged:
        return False
    by = handoff.acknowledged_by
    return by is None or sales_handoff_may_acknowledge(handoff=handoff, user=by)
