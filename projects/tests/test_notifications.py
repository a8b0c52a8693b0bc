"""Who is told what: handoffs reach the people they wait on, by email and on their home page."""

import ast
import datetime
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from clients import services as client_services
from clients.roles import Role
from clients.tests.factories import ClientFactory, ProductFactory, UserFactory
from outbox import services as outbox_services
from outbox.models import OutgoingEmail
from projects import services
from projects.models import HandoffReport
from projects.tests.factories import HandoffReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def another_manager(db):
    return UserFactory(username="second_manager", role=Role.MANAGER)


@pytest.fixture
def another_support(db):
    return UserFactory(username="second_support", role=Role.SUPPORT)


def emails_to(user) -> list[OutgoingEmail]:
    return list(OutgoingEmail.objects.filter(to_email=user.email).order_by("pk"))


def link_in(email: OutgoingEmail) -> str:
    """The path of the email's button, which must open for the person it was sent to."""
    url = re.search(re.escape(settings.SITE_URL) + r"\S+", email.body_text).group(0)
    return urlsplit(url).path


def waiting(client, user) -> list[dict]:
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.context["waiting"]


def new_handoff(client_account, sales_rep):
    return client_services.sales_handoff_create(
        client=client_account,
        submitted_by=sales_rep,
        products=[ProductFactory(name="Payroll")],
        contract_signed_on=timezone.localdate(),
        target_go_live=timezone.localdate() + datetime.timedelta(days=90),
        commitments="Parallel payroll run in March.",
    )


def test_a_new_sales_handoff_reaches_the_managers_until_a_pm_takes_it(
    client, sales_rep, manager, another_manager, pm
):
    account = ClientFactory(name="Acme Foods", sales_rep=sales_rep)
    handoff = new_handoff(account, sales_rep)

    for person in (manager, another_manager):
        [email] = emails_to(person)
        assert email.subject == "Sales handoff to acknowledge: Acme Foods"
        assert "Parallel payroll run in March." in email.body_text
        client.force_login(person)
        assert client.get(link_in(email)).status_code == 200
    assert emails_to(pm) == []
    assert [item["name"] for item in waiting(client, manager)] == ["Acme Foods"]

    # A change by sales before anyone acknowledged tells nobody twice.
    client_services.sales_handoff_update(
        handoff=handoff,
        products=[ProductFactory(name="Payroll")],
        contract_signed_on=handoff.contract_signed_on,
        target_go_live=handoff.target_go_live,
        commitments="Parallel payroll run in April.",
        special_terms="",
        pain_points="",
        stakeholders="",
    )
    assert len(emails_to(manager)) == 1

    # A project with a PM takes the handoff: the PM is asked, and holds it from then on.
    services.project_create(
        user=manager,
        data={"name": "Acme payroll", "client": account, "pm": pm, "sales_handoff": handoff},
    )
    [email] = emails_to(pm)
    assert email.subject == "Sales handoff to acknowledge: Acme Foods"
    client.force_login(pm)
    assert client.get(link_in(email)).status_code == 200
    assert [item["what"] for item in waiting(client, pm)] == ["Sales handoff to acknowledge"]
    assert waiting(client, manager) == []

    client_services.sales_handoff_acknowledge(handoff=handoff, user=pm)
    assert waiting(client, pm) == []
    assert len(emails_to(pm)) == 1


def test_a_sent_report_waits_for_support_until_decided(
    client, pm, support, another_support, sales_rep
):
    report = HandoffReportFactory(project__pm=pm, project__name="Acme payroll")
    services.handoff_report_send(report=report, user=pm)
    services.handoff_report_send(report=report, user=pm)  # a second click

    for person in (support, another_support):
        [email] = emails_to(person)
        assert email.subject.startswith("Handoff report to review: ")
        client.force_login(person)
        assert client.get(link_in(email)).status_code == 200
        assert [item["what"] for item in waiting(client, person)] == [
            "Handoff report to accept or return"
        ]
    assert emails_to(pm) == [] and emails_to(sales_rep) == []

    services.handoff_report_decide(report=report, user=support, accept=True)
    assert waiting(client, another_support) == []


def test_a_returned_report_waits_for_the_pm_until_sent_again(client, pm, support):
    report = HandoffReportFactory(project__pm=pm, project__name="Acme payroll")
    services.handoff_report_send(report=report, user=pm)
    services.handoff_report_decide(
        report=report, user=support, accept=False, comment="Which pay groups were converted?"
    )

    [email] = emails_to(pm)
    assert email.subject == "Handoff report returned with questions: Acme payroll"
    assert "Which pay groups were converted?" in email.body_text
    client.force_login(pm)
    assert client.get(link_in(email)).status_code == 200
    assert [item["what"] for item in waiting(client, pm)] == [
        "Handoff report returned with questions"
    ]

    services.handoff_report_send(report=report, user=pm)
    assert waiting(client, pm) == []
    # Sent again after a return: support is told of it again, once.
    services.handoff_report_send(report=report, user=pm)
    assert len(emails_to(support)) == 2


def test_an_accepted_report_reaches_the_pm_and_the_sales_rep_for_a_while(
    client, pm, support, sales_rep, other_sales_rep, settings
):
    account = ClientFactory(name="Acme Foods", sales_rep=sales_rep)
    report = HandoffReportFactory(project__pm=pm, project__client=account)
    services.handoff_report_send(report=report, user=pm)
    services.handoff_report_decide(report=report, user=support, accept=True)

    for person in (pm, sales_rep):
        [email] = emails_to(person)
        assert email.subject.startswith("Support accepted the handoff report: ")
        # The sales rep's link opens too: the report of their own account.
        client.force_login(person)
        assert client.get(link_in(email)).status_code == 200
        assert [item["what"] for item in waiting(client, person)] == [
            "Handoff report accepted by support"
        ]
    assert waiting(client, other_sales_rep) == []

    days = settings.GOLIVE_NOTICES["ACCEPTED_HANDOFF_DAYS"]
    HandoffReport.objects.filter(pk=report.pk).update(
        decided_at=timezone.now() - datetime.timedelta(days=days, minutes=1)
    )
    assert waiting(client, pm) == [] and waiting(client, sales_rep) == []


def test_a_report_of_a_project_without_a_pm_goes_to_the_managers(client, manager, support, pm):
    report = HandoffReportFactory(project__pm=None)
    services.handoff_report_send(report=report, user=manager)
    services.handoff_report_decide(report=report, user=support, accept=False, comment="Why?")
    # A PM's returned report waits on that PM, not on the managers.
    pms_report = HandoffReportFactory(project__pm=pm)
    services.handoff_report_send(report=pms_report, user=pm)
    services.handoff_report_decide(report=pms_report, user=support, accept=False, comment="Who?")
    [email] = emails_to(manager)
    assert email.subject.startswith("Handoff report returned with questions")
    assert [item["what"] for item in waiting(client, manager)] == [
        "Handoff report returned with questions"
    ]


def test_a_name_with_a_line_break_makes_a_one_line_subject_that_is_delivered(pm, support, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    account = ClientFactory(name="Acme\r\nBcc: everyone@example.com\u2028Foods")
    report = HandoffReportFactory(project__pm=pm, project__client=account, project__name="P\n1")
    services.handoff_report_send(report=report, user=pm)
    [email] = emails_to(support)
    assert email.subject == "Handoff report to review: Acme Bcc: everyone@example.com Foods (P 1)"

    assert outbox_services.email_deliver(email_id=email.pk) == OutgoingEmail.Status.SENT
    [sent] = mail.outbox
    assert sent.recipients() == [support.email]
    assert "\n" not in sent.message()["Subject"].replace("\n ", "")


def test_the_waiting_card_costs_the_same_queries_however_much_waits(
    client, pm, support, sales_rep, django_assert_num_queries
):
    def add(count):
        for _ in range(count):
            account = ClientFactory(sales_rep=sales_rep)
            report = HandoffReportFactory(project__pm=pm, project__client=account)
            report.status = HandoffReport.Status.SENT
            report.sent_at = timezone.now()
            report.save()

    for person, queries in ((support, 6), (sales_rep, 8)):
        client.force_login(person)
        add(1)
        client.get(reverse("home"))
        with django_assert_num_queries(queries):
            first = client.get(reverse("home"))
        add(3)
        with django_assert_num_queries(queries):
            later = client.get(reverse("home"))
        assert len(later.context["waiting"]) >= len(first.context["waiting"])
    assert "Waiting for you" in later.content.decode()


def test_clients_never_import_projects():
    for path in Path(settings.BASE_DIR, "clients").rglob("*.py"):
        if "tests" in path.parts:
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not any(name.split(".")[0] == "projects" for name in names), path
