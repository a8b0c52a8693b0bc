"""What people see and do on the client pages."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.forms import TIME_ZONE_LIST_ID
from clients.models import Client, Contact, SalesHandoff
from clients.tests.factories import (
    ClientFactory,
    ContactFactory,
    ProductFactory,
    SalesHandoffFactory,
    UserFactory,
)
from projects.models import Health, ImplementationProject, Phase

pytestmark = pytest.mark.django_db

LIST = reverse("clients:list")


def client_form(**overrides):
    data = {
        "name": "Bluebird Logistics",
        "industry": "Logistics",
        "employee_count": "1200",
        "segment": Client.Segment.ENTERPRISE,
        "time_zone": "Europe/London",
        "sales_rep": "",
        "account_status": Client.AccountStatus.PROSPECT,
        "products": [],
        "contract_value": "310000",
        "notes": "",
    }
    data.update(overrides)
    return data


def handoff_form(**overrides):
    data = {
        "products": [ProductFactory(name="Payroll").pk],
        "contract_signed_on": "2025-02-01",
        "target_go_live": "2025-06-30",
        "commitments": "Parallel payroll run in May.",
        "special_terms": "Discounted first year.",
        "pain_points": "Paper timesheets at two sites.",
        "stakeholders": "CFO Maria Chen; HR director",
    }
    data.update(overrides)
    return data


def make_project(client, pm=None, **fields):
    values = {
        "name": f"{client.name} payroll",
        "phase": Phase.CONFIGURATION,
        "health": Health.AMBER,
        "forecast_go_live": datetime.date(2025, 9, 1),
    }
    values.update(fields)
    return ImplementationProject.objects.create(client=client, pm=pm, **values)


def names_on(response) -> list[str]:
    return [c.name for c in response.context["clients"]]


# The client list


class TestClientList:
    def test_search_finds_clients_by_name_or_industry(self, client_as, pm):
        ClientFactory(name="Harbor Hospital", industry="Healthcare")
        ClientFactory(name="Granite Bank", industry="Finance")
        ClientFactory(name="Pine Clinic Group", industry="Healthcare")

        by_industry = client_as(pm).get(LIST, {"q": "health"})
        by_name = client_as(pm).get(LIST, {"q": "granite"})

        assert names_on(by_industry) == ["Harbor Hospital", "Pine Clinic Group"]
        assert names_on(by_name) == ["Granite Bank"]

    def test_filters_by_status_segment_and_sales_rep(self, client_as, pm, sales_rep):
        ClientFactory(name="Live SMB", account_status="live", segment="smb", sales_rep=sales_rep)
        ClientFactory(name="Live Enterprise", account_status="live", segment="enterprise")
        ClientFactory(name="At Risk SMB", account_status="at_risk", segment="smb")

        browser = client_as(pm)

        assert names_on(browser.get(LIST, {"account_status": "live"})) == [
            "Live Enterprise",
            "Live SMB",
        ]
        assert names_on(browser.get(LIST, {"segment": "smb"})) == ["At Risk SMB", "Live SMB"]
        assert names_on(browser.get(LIST, {"sales_rep": sales_rep.pk})) == ["Live SMB"]

    def test_sorts_by_contract_value_either_way(self, client_as, manager):
        ClientFactory(name="Small", contract_value=10_000)
        ClientFactory(name="Large", contract_value=900_000)
        ClientFactory(name="Unknown", contract_value=None)
        ClientFactory(name="Medium", contract_value=200_000)

        ascending = client_as(manager).get(LIST, {"sort": "value"})
        descending = client_as(manager).get(LIST, {"sort": "-value"})

        assert names_on(ascending) == ["Small", "Medium", "Large", "Unknown"]
        assert names_on(descending) == ["Large", "Medium", "Small", "Unknown"]

    def test_sorts_by_status_and_segment(self, client_as, manager):
        ClientFactory(name="B", account_status="prospect", segment="smb")
        ClientFactory(name="A", account_status="live", segment="enterprise")

        assert names_on(client_as(manager).get(LIST, {"sort": "status"})) == ["A", "B"]
        assert names_on(client_as(manager).get(LIST, {"sort": "-segment"})) == ["B", "A"]

    def test_column_headers_link_to_the_other_sort_direction(self, client_as, manager):
        ClientFactory()

        page = client_as(manager).get(LIST, {"sort": "name", "segment": "mid_market"}).text

        assert 'href="?sort=-name&amp;segment=mid_market"' in page
        assert 'aria-sort="ascending"' in page

    def test_is_paginated_with_the_page_size_setting(self, client_as, manager, settings):
        settings.PAGE_SIZE = 2
        for name in ["Alpha", "Bravo", "Charlie", "Delta", "Echo"]:
            ClientFactory(name=name)

        first = client_as(manager).get(LIST)
        last = client_as(manager).get(LIST, {"page": 3})

        assert names_on(first) == ["Alpha", "Bravo"]
        assert "Page 1 of 3" in first.text
        assert names_on(last) == ["Echo"]

    def test_says_so_when_no_client_matches(self, client_as, manager):
        ClientFactory(name="Harbor Hospital")

        response = client_as(manager).get(LIST, {"q": "zzz"})

        assert "No clients match these filters" in response.text

    def test_shows_status_badges_and_contract_value(self, client_as, support):
        ClientFactory(name="Harbor Hospital", account_status="at_risk", contract_value=1_250_000)

        page = client_as(support).get(LIST).text

        assert '<span class="badge text-bg-warning">At risk</span>' in page
        assert "1,250,000" in page

    def test_only_managers_see_the_new_client_button(self, client_as, pm, manager):
        new = reverse("clients:create")

        assert new in client_as(manager).get(LIST).text
        assert new not in client_as(pm).get(LIST).text

    def test_a_sales_rep_gets_no_sales_rep_filter(self, client_as, sales_rep):
        response = client_as(sales_rep).get(LIST)

        assert "sales_rep" not in response.context["filter"].form.fields
        assert "My accounts" in response.text

    @pytest.mark.parametrize("rows", [3, 8])
    def test_query_count_does_not_grow_with_rows(
        self, client_as, manager, sales_rep, django_assert_num_queries, rows
    ):
        products = [ProductFactory(name="Payroll"), ProductFactory(name="Time")]
        for _ in range(rows):
            ClientFactory(sales_rep=sales_rep).products.set(products)
        browser = client_as(manager)

        # session, user, groups, open alerts in the menu, count, page, products,
        # sales reps for the filter
        with django_assert_num_queries(8):
            response = browser.get(LIST)

        assert len(response.context["clients"]) == rows

    @pytest.mark.parametrize("rows", [3, 8])
    def test_a_sales_reps_list_makes_a_fixed_number_of_queries(
        self, client_as, sales_rep, django_assert_num_queries, rows
    ):
        for _ in range(rows):
            ClientFactory(sales_rep=sales_rep).products.set([ProductFactory(name="HR")])
            ClientFactory()
        browser = client_as(sales_rep)

        # session, user, groups, count, page, products: no alerts, no sales rep filter
        with django_assert_num_queries(6):
            response = browser.get(LIST)

        assert len(response.context["clients"]) == rows


# The client page


class TestClientDetail:
    def test_shows_the_account_at_a_glance(self, client_as, support, sales_rep):
        sales_rep.first_name, sales_rep.last_name = "Rita", "Sales"
        sales_rep.save()
        account = ClientFactory(
            name="Harbor Hospital",
            industry="Healthcare",
            employee_count=2300,
            segment=Client.Segment.ENTERPRISE,
            time_zone="America/New_York",
            account_status=Client.AccountStatus.LIVE,
            sales_rep=sales_rep,
            contract_value=Decimal("480000"),
        )
        account.products.set([ProductFactory(name="Payroll"), ProductFactory(name="Benefits")])

        page = client_as(support).get(reverse("clients:detail", args=[account.pk])).text

        for text in [
            '<span class="badge text-bg-success">Live</span>',
            "Enterprise",
            "Healthcare",
            "2,300",
            "America/New_York",
            "Rita Sales",
            "Payroll",
            "Benefits",
            "480,000",
        ]:
            assert text in page

    def test_lists_contacts_with_their_flags(self, client_as, pm):
        account = ClientFactory()
        ContactFactory(
            client=account, name="Primary Pat", is_primary=True, receives_status_reports=True
        )
        ContactFactory(client=account, name="Quiet Quinn", receives_status_reports=False)

        response = client_as(pm).get(reverse("clients:detail", args=[account.pk]))

        assert [c.name for c in response.context["contacts"]] == ["Primary Pat", "Quiet Quinn"]
        assert response.text.count(">Primary</span>") == 1
        assert response.text.count(">Receives reports</span>") == 1

    def test_lists_sales_handoffs_and_whether_they_were_acknowledged(self, client_as, pm):
        account = ClientFactory()
        handoff = SalesHandoffFactory(client=account)

        page = client_as(pm).get(reverse("clients:detail", args=[account.pk])).text

        assert reverse("clients:handoff_detail", args=[handoff.pk]) in page
        assert "Awaiting acknowledgement" in page

    def test_pm_sees_the_clients_projects_with_links(self, client_as, pm):
        account = ClientFactory()
        project = make_project(account, pm=pm, name="Harbor payroll rollout")

        page = client_as(pm).get(reverse("clients:detail", args=[account.pk])).text

        assert "Harbor payroll rollout" in page
        assert "Configuration" in page
        assert "health-amber" in page
        assert reverse("projects:detail", args=[project.pk]) in page
        assert reverse("projects:account_status", args=[account.pk]) in page

    def test_sales_rep_sees_project_status_but_links_to_the_account_status_page(
        self, client_as, sales_rep
    ):
        account = ClientFactory(sales_rep=sales_rep)
        project = make_project(account, name="Harbor payroll rollout")

        page = client_as(sales_rep).get(reverse("clients:detail", args=[account.pk])).text

        assert "Harbor payroll rollout" in page
        assert reverse("projects:detail", args=[project.pk]) not in page
        assert reverse("projects:account_status", args=[account.pk]) in page

    def test_edit_links_only_for_those_who_may_edit(self, client_as, pm, manager):
        account = ClientFactory()
        edit = reverse("clients:edit", args=[account.pk])
        add_contact = reverse("clients:contact_create", args=[account.pk])
        url = reverse("clients:detail", args=[account.pk])

        manager_page = client_as(manager).get(url).text
        pm_page = client_as(pm).get(url).text

        assert edit in manager_page and add_contact in manager_page
        assert edit not in pm_page and add_contact not in pm_page

    def test_only_the_accounts_sales_rep_is_offered_a_new_handoff(
        self, client_as, sales_rep, manager
    ):
        account = ClientFactory(sales_rep=sales_rep)
        new_handoff = reverse("clients:handoff_create", args=[account.pk])
        url = reverse("clients:detail", args=[account.pk])

        assert new_handoff in client_as(sales_rep).get(url).text
        assert new_handoff not in client_as(manager).get(url).text

    @pytest.mark.parametrize("rows", [3, 8])
    def test_query_count_does_not_grow_with_rows(
        self, client_as, pm, django_assert_num_queries, rows
    ):
        account = ClientFactory()
        account.products.set([ProductFactory(name="Payroll"), ProductFactory(name="Time")])
        for n in range(rows):
            ContactFactory(client=account)
            SalesHandoffFactory(client=account, acknowledged_by=pm, acknowledged_at=timezone.now())
            make_project(account, pm=UserFactory(), name=f"Project {n}")
        browser = client_as(pm)
        url = reverse("clients:detail", args=[account.pk])

        # session, user, groups, open alerts in the menu, client + sales rep, products,
        # contacts, handoffs with their submitters and acknowledgers, projects with their PMs
        with django_assert_num_queries(9):
            response = browser.get(url)

        assert len(response.context["projects"]) == rows


# Creating and editing clients


class TestClientForms:
    def test_manager_adds_a_client_and_lands_on_its_page(self, client_as, manager, sales_rep):
        payroll = ProductFactory(name="Payroll")

        response = client_as(manager).post(
            reverse("clients:create"),
            client_form(sales_rep=sales_rep.pk, products=[payroll.pk]),
            follow=True,
        )

        account = Client.objects.get(name="Bluebird Logistics")
        assert response.redirect_chain[-1][0] == reverse("clients:detail", args=[account.pk])
        assert "Bluebird Logistics was added." in response.text
        assert account.sales_rep == sales_rep
        assert list(account.products.all()) == [payroll]

    def test_a_duplicate_name_is_a_form_error(self, client_as, manager):
        ClientFactory(name="Bluebird Logistics")

        response = client_as(manager).post(reverse("clients:create"), client_form())

        assert response.status_code == 200
        assert "Client with this Name already exists." in response.text
        assert Client.objects.count() == 1

    def test_an_unknown_time_zone_is_a_form_error(self, client_as, manager):
        response = client_as(manager).post(
            reverse("clients:create"), client_form(time_zone="Mars/Olympus")
        )

        assert response.context["form"].errors["time_zone"]
        assert not Client.objects.exists()

    def test_only_sales_reps_can_be_chosen_as_sales_rep(self, client_as, manager, pm):
        response = client_as(manager).post(reverse("clients:create"), client_form(sales_rep=pm.pk))

        assert response.context["form"].errors["sales_rep"]
        assert not Client.objects.exists()

    def test_manager_changes_the_account_status(self, client_as, manager):
        account = ClientFactory(name="Bluebird Logistics", account_status="onboarding")

        response = client_as(manager).post(
            reverse("clients:edit", args=[account.pk]),
            client_form(account_status="at_risk", version=account.version),
            follow=True,
        )

        assert '<span class="badge text-bg-warning">At risk</span>' in response.text
        account.refresh_from_db()
        assert account.account_status == "at_risk"

    def test_edit_form_starts_with_the_current_values(self, client_as, manager, sales_rep):
        account = ClientFactory(name="Bluebird Logistics", sales_rep=sales_rep)

        form = client_as(manager).get(reverse("clients:edit", args=[account.pk])).context["form"]

        assert form.initial["name"] == "Bluebird Logistics"
        assert form.initial["sales_rep"] == sales_rep.pk

    def test_a_negative_contract_value_changes_nothing(self, client_as, manager):
        account = ClientFactory(name="Bluebird Logistics", contract_value=1000)

        response = client_as(manager).post(
            reverse("clients:edit", args=[account.pk]), client_form(contract_value="-1")
        )

        assert response.context["form"].errors["contract_value"]
        account.refresh_from_db()
        assert account.contract_value == 1000


# Contacts


class TestContactForms:
    def test_manager_adds_a_contact_who_appears_on_the_client_page(self, client_as, manager):
        account = ClientFactory()

        response = client_as(manager).post(
            reverse("clients:contact_create", args=[account.pk]),
            {
                "name": "Dana Ortiz",
                "role": Contact.ContactRole.PAYROLL_ADMIN,
                "email": "dana@bluebird.example",
                "phone": "+1 555 0100",
                "receives_status_reports": "on",
                "is_primary": "on",
            },
            follow=True,
        )

        assert "Dana Ortiz" in response.text
        assert ">Primary</span>" in response.text
        assert account.contacts.get().is_primary

    def test_a_second_primary_contact_is_a_clear_form_error(self, client_as, manager):
        account = ClientFactory()
        ContactFactory(client=account, name="Sam Lee", is_primary=True)

        response = client_as(manager).post(
            reverse("clients:contact_create", args=[account.pk]),
            {"name": "Dana Ortiz", "role": "other", "email": "d@x.example", "is_primary": "on"},
        )

        assert response.status_code == 200
        assert "Sam Lee is already the primary contact of this client" in response.text
        assert account.contacts.count() == 1

    def test_an_invalid_email_changes_nothing(self, client_as, manager):
        contact = ContactFactory(email="dana@bluebird.example")
        url = reverse("clients:contact_edit", args=[contact.client_id, contact.pk])

        response = client_as(manager).post(
            url, {"name": "Dana", "role": "other", "email": "not-an-email"}
        )

        assert response.context["form"].errors["email"]
        contact.refresh_from_db()
        assert contact.email == "dana@bluebird.example"

    def test_manager_edits_a_contact(self, client_as, manager):
        contact = ContactFactory(name="Dana Ortiz", receives_status_reports=True)
        url = reverse("clients:contact_edit", args=[contact.client_id, contact.pk])

        response = client_as(manager).post(
            url,
            {"name": "Dana Ortiz-Reyes", "role": "it", "email": contact.email, "version": 0},
            follow=True,
        )

        assert "Dana Ortiz-Reyes" in response.text
        contact.refresh_from_db()
        assert contact.role == "it"
        assert not contact.receives_status_reports


# Sales handoffs


class TestSalesHandoffPages:
    def test_sales_rep_hands_off_the_deal(self, client_as, sales_rep):
        account = ClientFactory(sales_rep=sales_rep)

        response = client_as(sales_rep).post(
            reverse("clients:handoff_create", args=[account.pk]), handoff_form(), follow=True
        )

        handoff = SalesHandoff.objects.get()
        assert response.redirect_chain[-1][0] == reverse(
            "clients:handoff_detail", args=[handoff.pk]
        )
        assert handoff.submitted_by == sales_rep
        assert "Parallel payroll run in May." in response.text
        assert "Awaiting acknowledgement" in response.text

    def test_go_live_before_signing_is_a_form_error(self, client_as, sales_rep):
        account = ClientFactory(sales_rep=sales_rep)

        response = client_as(sales_rep).post(
            reverse("clients:handoff_create", args=[account.pk]),
            handoff_form(contract_signed_on="2025-06-01", target_go_live="2025-05-01"),
        )

        assert "The target go-live cannot be before the contract was signed." in response.text
        assert not SalesHandoff.objects.exists()

    def test_a_handoff_needs_a_product(self, client_as, sales_rep):
        account = ClientFactory(sales_rep=sales_rep)

        response = client_as(sales_rep).post(
            reverse("clients:handoff_create", args=[account.pk]), handoff_form(products=[])
        )

        assert "Choose at least one product that was sold." in response.text
        assert not SalesHandoff.objects.exists()

    def test_sales_rep_corrects_the_target_go_live(self, client_as, sales_rep):
        handoff = SalesHandoffFactory(client=ClientFactory(sales_rep=sales_rep))

        response = client_as(sales_rep).post(
            reverse("clients:handoff_edit", args=[handoff.pk]),
            handoff_form(target_go_live="2025-07-15", version=handoff.version),
            follow=True,
        )

        assert "15 Jul 2025" in response.text
        handoff.refresh_from_db()
        assert handoff.target_go_live == datetime.date(2025, 7, 15)

    def test_bad_edit_changes_nothing(self, client_as, sales_rep):
        handoff = SalesHandoffFactory(client=ClientFactory(sales_rep=sales_rep))
        before = handoff.target_go_live

        response = client_as(sales_rep).post(
            reverse("clients:handoff_edit", args=[handoff.pk]),
            handoff_form(target_go_live="not a date"),
        )

        assert response.context["form"].errors["target_go_live"]
        handoff.refresh_from_db()
        assert handoff.target_go_live == before

    def test_pm_acknowledges_and_sees_who_did(self, client_as, pm):
        pm.first_name, pm.last_name = "Paula", "Manager"
        pm.save()
        handoff = SalesHandoffFactory()
        make_project(handoff.client, pm=pm, sales_handoff=handoff)

        response = client_as(pm).post(
            reverse("clients:handoff_acknowledge", args=[handoff.pk]), follow=True
        )

        assert "You acknowledged the sales handoff" in response.text
        assert "by Paula Manager on" in response.text
        assert "Acknowledge handoff</button>" not in response.text

    def test_acknowledging_again_keeps_the_first_acknowledgement(self, client_as, pm, manager):
        handoff = SalesHandoffFactory()
        make_project(handoff.client, pm=pm, sales_handoff=handoff)
        url = reverse("clients:handoff_acknowledge", args=[handoff.pk])
        client_as(pm).post(url)
        handoff.refresh_from_db()
        first_at = handoff.acknowledged_at

        response = client_as(manager).post(url, follow=True)

        assert "had already been acknowledged" in response.text
        handoff.refresh_from_db()
        assert (handoff.acknowledged_by, handoff.acknowledged_at) == (pm, first_at)

    def test_pm_is_offered_the_acknowledge_button_and_the_rep_the_edit_link(
        self, client_as, pm, other_pm, sales_rep
    ):
        handoff = SalesHandoffFactory(client=ClientFactory(sales_rep=sales_rep))
        make_project(handoff.client, pm=pm, sales_handoff=handoff)
        url = reverse("clients:handoff_detail", args=[handoff.pk])
        edit = reverse("clients:handoff_edit", args=[handoff.pk])

        pm_page = client_as(pm).get(url).text
        other_pm_page = client_as(other_pm).get(url).text
        rep_page = client_as(sales_rep).get(url).text

        assert "Acknowledge handoff</button>" in pm_page and edit not in pm_page
        assert "Acknowledge handoff</button>" not in other_pm_page
        assert "Acknowledge handoff</button>" not in rep_page and edit in rep_page

    def test_detail_query_count_is_fixed(self, client_as, pm, django_assert_num_queries):
        products = [ProductFactory(name=name) for name in ["Payroll", "Time", "HR", "Benefits"]]
        handoff = SalesHandoffFactory(products=products)
        browser = client_as(pm)

        # session, user, groups, open alerts in the menu, handoff with client and people,
        # products
        with django_assert_num_queries(6):
            response = browser.get(reverse("clients:handoff_detail", args=[handoff.pk]))

        assert len(response.context["products"]) == 4


# Admin


@pytest.mark.parametrize("model", ["product", "client", "contact", "saleshandoff"])
def test_admin_lists_and_searches_every_clients_model(client_as, admin_user, model):
    SalesHandoffFactory(client=ContactFactory().client)

    response = client_as(admin_user).get(
        reverse(f"admin:clients_{model}_changelist"), {"q": "Client"}
    )

    assert response.status_code == 200


class TestTimeZoneField:
    def test_a_time_zone_typed_loosely_is_saved_by_its_name(self, client_as, manager):
        client_as(manager).post(
            reverse("clients:create"), client_form(time_zone="america/new york")
        )

        assert Client.objects.get().time_zone == "America/New_York"

    def test_an_unknown_time_zone_says_how_to_write_one(self, client_as, manager):
        response = client_as(manager).post(
            reverse("clients:create"), client_form(time_zone="Mars/Olympus")
        )

        assert "“Mars/Olympus” is not a time zone we know." in response.text
        assert not Client.objects.exists()

    def test_the_form_suggests_names_from_the_app_not_a_list_of_every_zone(
        self, client_as, manager
    ):
        account = ClientFactory(time_zone="Europe/Berlin")
        browser = client_as(manager)

        form_page = browser.get(reverse("clients:edit", args=[account.pk])).text
        names = browser.get(reverse("clients:time_zones")).text

        assert (
            'value="Europe/Berlin"' in form_page
            and "<option" not in form_page.split('name="time_zone"')[1].split("</div>")[0]
        )
        assert f'list="{TIME_ZONE_LIST_ID}"' in form_page
        assert f'hx-get="{reverse("clients:time_zones")}"' in form_page
        assert names.startswith(f'<datalist id="{TIME_ZONE_LIST_ID}">')
        assert '<option value="America/New_York">America/New York</option>' in names
