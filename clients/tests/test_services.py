import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from clients import services
from clients.models import Client, Contact, SalesHandoff
from clients.tests.factories import (
    ClientFactory,
    ContactFactory,
    ProductFactory,
    SalesHandoffFactory,
)
from projects.models import ImplementationProject

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 3, 3)


def client_values(**overrides):
    values = {
        "name": "Acme Foods",
        "industry": "Food processing",
        "employee_count": 800,
        "segment": Client.Segment.ENTERPRISE,
        "time_zone": "America/Denver",
        "sales_rep": None,
        "account_status": Client.AccountStatus.ONBOARDING,
        "products": [ProductFactory(name="Payroll"), ProductFactory(name="Time")],
        "contract_value": 250000,
        "notes": "Three plants, two unions.",
    }
    values.update(overrides)
    return values


class TestClients:
    def test_create_saves_the_account_with_what_it_bought(self, sales_rep):
        client = services.client_create(**client_values(sales_rep=sales_rep))

        client.refresh_from_db()
        assert client.name == "Acme Foods"
        assert client.sales_rep == sales_rep
        assert sorted(p.name for p in client.products.all()) == ["Payroll", "Time"]

    def test_create_refuses_an_unknown_time_zone(self):
        with pytest.raises(ValidationError) as caught:
            services.client_create(**client_values(time_zone="Mars/Olympus"))

        assert "time_zone" in caught.value.message_dict
        assert not Client.objects.exists()

    def test_create_refuses_a_second_account_with_the_same_name(self):
        ClientFactory(name="Acme Foods")

        with pytest.raises(ValidationError) as caught:
            services.client_create(**client_values())

        assert "name" in caught.value.message_dict
        assert Client.objects.count() == 1

    def test_create_refuses_a_sales_rep_who_is_not_in_sales(self, pm):
        with pytest.raises(ValidationError) as caught:
            services.client_create(**client_values(sales_rep=pm))

        assert "sales_rep" in caught.value.message_dict

    def test_update_changes_the_account_and_its_products(self):
        client = ClientFactory(name="Acme Foods")
        client.products.set([ProductFactory(name="Payroll")])

        services.client_update(
            client=client,
            **client_values(
                account_status=Client.AccountStatus.AT_RISK,
                products=[ProductFactory(name="HR")],
            ),
        )

        client.refresh_from_db()
        assert client.account_status == Client.AccountStatus.AT_RISK
        assert [p.name for p in client.products.all()] == ["HR"]

    def test_update_with_bad_input_writes_nothing(self):
        client = ClientFactory(name="Acme Foods", contract_value=100)

        with pytest.raises(ValidationError):
            services.client_update(client=client, **client_values(contract_value=-5))

        client.refresh_from_db()
        assert client.contract_value == 100


class TestContacts:
    def test_create_adds_a_person_to_the_client(self):
        client = ClientFactory()

        contact = services.contact_create(
            client=client,
            name="Dana Ortiz",
            email="dana@acme.example",
            role=Contact.ContactRole.PAYROLL_ADMIN,
            is_primary=True,
            receives_status_reports=True,
        )

        assert list(client.contacts.all()) == [contact]
        assert contact.is_primary and contact.receives_status_reports

    def test_a_client_keeps_one_primary_contact(self):
        client = ClientFactory()
        ContactFactory(client=client, name="Sam Lee", is_primary=True)

        with pytest.raises(ValidationError) as caught:
            services.contact_create(
                client=client, name="Dana Ortiz", email="dana@acme.example", is_primary=True
            )

        assert (
            "Sam Lee is already the primary contact" in caught.value.message_dict["is_primary"][0]
        )
        assert client.contacts.count() == 1

    def test_another_client_may_have_its_own_primary_contact(self):
        ContactFactory(is_primary=True)

        contact = services.contact_create(
            client=ClientFactory(), name="Dana Ortiz", email="dana@acme.example", is_primary=True
        )

        assert contact.is_primary

    def test_the_same_email_twice_at_one_client_is_refused_whatever_its_case(self):
        client = ClientFactory()
        ContactFactory(client=client, email="dana@acme.example")

        with pytest.raises(ValidationError) as caught:
            services.contact_create(client=client, name="Dana O.", email="Dana@Acme.example")

        assert "email" in caught.value.message_dict

    def test_update_can_move_the_primary_flag_once_the_old_primary_lets_go(self):
        client = ClientFactory()
        old = ContactFactory(client=client, is_primary=True)
        new = ContactFactory(client=client)
        fields = {"role": new.role, "phone": "", "receives_status_reports": True}

        with pytest.raises(ValidationError):
            services.contact_update(
                contact=new, name=new.name, email=new.email, is_primary=True, **fields
            )

        services.contact_update(
            contact=old, name=old.name, email=old.email, is_primary=False, **fields
        )
        services.contact_update(
            contact=new, name=new.name, email=new.email, is_primary=True, **fields
        )

        assert Contact.objects.get(client=client, is_primary=True) == new

    def test_update_of_the_primary_contact_itself_keeps_it_primary(self):
        contact = ContactFactory(is_primary=True)

        services.contact_update(
            contact=contact,
            name="Renamed",
            email=contact.email,
            role=contact.role,
            phone="+1 555 0100",
            receives_status_reports=False,
            is_primary=True,
        )

        contact.refresh_from_db()
        assert contact.name == "Renamed"
        assert contact.is_primary
        assert not contact.receives_status_reports


class TestSalesHandoffs:
    def test_create_records_the_deal_context(self, sales_rep):
        client = ClientFactory(sales_rep=sales_rep)

        handoff = services.sales_handoff_create(
            client=client,
            submitted_by=sales_rep,
            products=[ProductFactory(name="Payroll"), ProductFactory(name="Benefits")],
            contract_signed_on=TODAY,
            target_go_live=TODAY + datetime.timedelta(days=90),
            commitments="Go live before open enrolment.",
        )

        handoff.refresh_from_db()
        assert handoff.submitted_by == sales_rep
        assert handoff.commitments == "Go live before open enrolment."
        assert handoff.products.count() == 2
        assert not handoff.is_acknowledged

    def test_go_live_before_signing_is_refused(self, sales_rep):
        with pytest.raises(ValidationError) as caught:
            services.sales_handoff_create(
                client=ClientFactory(),
                submitted_by=sales_rep,
                products=[ProductFactory(name="Payroll")],
                contract_signed_on=TODAY,
                target_go_live=TODAY - datetime.timedelta(days=1),
            )

        assert caught.value.message_dict["target_go_live"] == [services.GO_LIVE_BEFORE_SIGNING]
        assert not SalesHandoff.objects.exists()

    def test_go_live_on_the_signing_day_is_allowed(self, sales_rep):
        handoff = services.sales_handoff_create(
            client=ClientFactory(),
            submitted_by=sales_rep,
            products=[ProductFactory(name="Payroll")],
            contract_signed_on=TODAY,
            target_go_live=TODAY,
        )

        assert handoff.pk

    def test_a_handoff_without_products_is_refused(self, sales_rep):
        with pytest.raises(ValidationError) as caught:
            services.sales_handoff_create(
                client=ClientFactory(),
                submitted_by=sales_rep,
                products=[],
                contract_signed_on=TODAY,
                target_go_live=TODAY,
            )

        assert caught.value.message_dict["products"] == [services.NO_PRODUCTS]

    def handoff_values(self, **overrides):
        values = {
            "products": [ProductFactory(name="HR")],
            "contract_signed_on": TODAY,
            "target_go_live": TODAY + datetime.timedelta(days=60),
            "commitments": "Weekly status call.",
            "special_terms": "",
            "pain_points": "",
            "stakeholders": "",
        }
        values.update(overrides)
        return values

    def test_update_changes_an_unacknowledged_handoff(self):
        handoff = SalesHandoffFactory()

        services.sales_handoff_update(handoff=handoff, **self.handoff_values())

        handoff.refresh_from_db()
        assert handoff.commitments == "Weekly status call."
        assert [p.name for p in handoff.products.all()] == ["HR"]

    def test_update_after_acknowledgement_is_refused(self, manager):
        handoff = SalesHandoffFactory(commitments="Original")
        services.sales_handoff_acknowledge(handoff=handoff, user=manager)

        with pytest.raises(ValidationError):
            services.sales_handoff_update(handoff=handoff, **self.handoff_values())

        handoff.refresh_from_db()
        assert handoff.commitments == "Original"

    def test_update_refuses_go_live_before_signing(self):
        handoff = SalesHandoffFactory()
        before = handoff.target_go_live

        with pytest.raises(ValidationError):
            services.sales_handoff_update(
                handoff=handoff,
                **self.handoff_values(target_go_live=TODAY - datetime.timedelta(days=1)),
            )

        handoff.refresh_from_db()
        assert handoff.target_go_live == before

    def test_acknowledging_twice_keeps_the_first_who_and_when(self, pm, manager):
        handoff = SalesHandoffFactory()
        ImplementationProject.objects.create(
            name="Payroll", client=handoff.client, pm=pm, sales_handoff=handoff
        )

        services.sales_handoff_acknowledge(handoff=handoff, user=pm)
        first_at = handoff.acknowledged_at
        services.sales_handoff_acknowledge(handoff=handoff, user=manager)

        handoff.refresh_from_db()
        assert handoff.acknowledged_by == pm
        assert handoff.acknowledged_at == first_at
        assert first_at <= timezone.now()

    def test_only_the_projects_pm_or_a_manager_acknowledges(self, pm, other_pm, manager):
        handoff = SalesHandoffFactory()
        ImplementationProject.objects.create(
            name="Payroll", client=handoff.client, pm=pm, sales_handoff=handoff
        )

        with pytest.raises(PermissionDenied):
            services.sales_handoff_acknowledge(handoff=handoff, user=other_pm)
        handoff.refresh_from_db()
        assert not handoff.is_acknowledged

        services.sales_handoff_acknowledge(handoff=handoff, user=manager)
        assert handoff.acknowledged_by == manager

    def test_without_a_project_or_its_pm_only_managers_acknowledge(self, pm, admin_user):
        handoff = SalesHandoffFactory()
        with pytest.raises(PermissionDenied):
            services.sales_handoff_acknowledge(handoff=handoff, user=pm)
        ImplementationProject.objects.create(
            name="Payroll", client=handoff.client, pm=None, sales_handoff=handoff
        )
        handoff.refresh_from_db()
        with pytest.raises(PermissionDenied):
            services.sales_handoff_acknowledge(handoff=handoff, user=pm)

        services.sales_handoff_acknowledge(handoff=handoff, user=admin_user)
        assert handoff.acknowledged_by == admin_user

    def test_another_pms_earlier_acknowledgement_gives_way_to_the_projects_pm(self, pm, other_pm):
        handoff = SalesHandoffFactory(acknowledged_by=other_pm, acknowledged_at=timezone.now())
        ImplementationProject.objects.create(
            name="Payroll", client=handoff.client, pm=pm, sales_handoff=handoff
        )
        assert not services.sales_handoff_acknowledgement_stands(handoff)

        services.sales_handoff_acknowledge(handoff=handoff, user=pm)

        handoff.refresh_from_db()
        assert handoff.acknowledged_by == pm
        assert services.sales_handoff_acknowledgement_stands(handoff)
