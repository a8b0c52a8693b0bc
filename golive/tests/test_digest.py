"""The weekly sales digest: each rep's own accounts, once a week, nothing for reps without."""

from datetime import datetime

import pytest
from django.utils import timezone

from clients.roles import Role
from clients.tests.factories import ClientFactory, UserFactory
from golive import digest
from golive.tasks import sales_digest
from outbox.models import OutgoingEmail
from projects.models import Phase
from projects.tests.factories import IssueFactory, MilestoneFactory, ProjectFactory

pytestmark = pytest.mark.django_db

# A Monday at 09:00 and the Thursday of the same ISO week; the next Monday.
MONDAY = timezone.make_aware(datetime(2026, 3, 2, 9, 0))
THURSDAY = timezone.make_aware(datetime(2026, 3, 5, 9, 0))
NEXT_MONDAY = timezone.make_aware(datetime(2026, 3, 9, 9, 0))


@pytest.fixture
def accounts(sales_rep, other_sales_rep):
    bluebird = ClientFactory(name="Bluebird Foods", sales_rep=sales_rep)
    project = ProjectFactory(
        client=bluebird,
        name="Bluebird payroll",
        phase=Phase.CONFIGURATION,
        health="amber",
        health_reasons=[{"dimension": "schedule", "level": "amber", "text": "Slipped 9 days"}],
    )
    MilestoneFactory(project=project, name="Pay groups configured")
    IssueFactory(project=project, title="Union rules unclear", severity="critical")
    IssueFactory(project=project, title="Minor label typo", severity="low")
    ClientFactory(name="Harbor Logistics", sales_rep=other_sales_rep)
    return bluebird


def test_each_rep_gets_their_own_accounts(accounts, sales_rep, other_sales_rep):
    assert digest.sales_digests_send(now=MONDAY) == 2
    mine = OutgoingEmail.objects.get(to_email=sales_rep.email)
    assert mine.kind == "sales_digest"
    assert mine.subject == "Your accounts this week (2026-W10)"
    text = mine.body_text
    for expected in [
        "Bluebird Foods",
        "Bluebird payroll: Configuration, health Amber",
        "Schedule: Slipped 9 days",
        "Next milestone: Pay groups configured",
        "Open critical issues: Union rules unclear",
    ]:
        assert expected in text
    assert "Minor label typo" not in text
    assert "Harbor Logistics" not in text
    theirs = OutgoingEmail.objects.get(to_email=other_sales_rep.email)
    assert "Harbor Logistics" in theirs.body_text and "Bluebird" not in theirs.body_text


def test_a_rep_without_accounts_gets_nothing(accounts):
    lonely = UserFactory(username="lonely_rep", role=Role.SALES)
    digest.sales_digests_send(now=MONDAY)
    assert not OutgoingEmail.objects.filter(to_email=lonely.email).exists()


def test_one_digest_per_rep_and_week(accounts, sales_rep):
    assert digest.sales_digests_send(now=MONDAY) == 2
    assert digest.sales_digests_send(now=THURSDAY) == 0
    assert OutgoingEmail.objects.filter(to_email=sales_rep.email).count() == 1
    assert digest.sales_digests_send(now=NEXT_MONDAY) == 2
    assert OutgoingEmail.objects.filter(to_email=sales_rep.email).count() == 2


def test_nothing_goes_out_before_the_configured_hour(accounts):
    early = timezone.make_aware(datetime(2026, 3, 2, 6, 30))
    assert digest.sales_digests_send(now=early) == 0
    assert not OutgoingEmail.objects.exists()


def test_the_beat_job_sends_through_the_outbox(accounts, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: MONDAY)
    assert sales_digest.apply().get() == 2
    assert sales_digest.apply().get() == 0


def test_the_digest_is_built_in_a_fixed_number_of_queries(
    accounts, sales_rep, django_assert_num_queries
):
    for _ in range(3):
        client = ClientFactory(sales_rep=sales_rep)
        ProjectFactory(client=client)
    # reps, sent keys, clients, projects, milestones, issues, survey answers, then the bulk
    # insert and read-back
    with django_assert_num_queries(9):
        digest.sales_digests_send(now=MONDAY)
