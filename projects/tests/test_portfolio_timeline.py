"""The portfolio timeline: every active project's phases and go-live, for the implementers."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.tests.factories import ProductFactory
from projects.models import Health, ImplementationProject, Phase, PhaseChange
from projects.tests.factories import ProjectFactory
from projects.timeline import phase_segments

URL = reverse("projects:portfolio_timeline")


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def at(n: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(days(n), datetime.time(12)))


def test_phases_follow_the_phase_changes_then_the_forecast(pm):
    project = ProjectFactory(
        pm=pm, phase=Phase.DISCOVERY, kickoff_date=days(-30), forecast_go_live=days(40)
    )
    changes = [
        (Phase.SALES_HANDOFF, Phase.KICKOFF, days(-30)),
        (Phase.KICKOFF, Phase.DISCOVERY, days(-20)),
    ]

    segments = phase_segments(project, changes, today=days(0))

    assert [(s.label, s.start, s.end) for s in segments] == [
        ("Sales handoff", days(-30), days(-30)),
        ("Kick-off", days(-30), days(-20)),
        ("Discovery & planning", days(-20), days(0)),
        ("Forecast to go-live", days(0), days(40)),
    ]
    assert segments[-1].forecast


def test_the_page_draws_active_projects_by_go_live(client_as, manager, pm):
    later = ProjectFactory(name="Later one", pm=pm, forecast_go_live=days(90))
    sooner = ProjectFactory(name="Sooner one", pm=pm, forecast_go_live=days(20))
    ProjectFactory(name="Paused one", status=ImplementationProject.Status.ON_HOLD)
    PhaseChange.objects.create(
        project=sooner, from_phase=Phase.SALES_HANDOFF, to_phase=Phase.KICKOFF, changed_at=at(-5)
    )

    response = client_as(manager).get(URL)

    assert response.status_code == 200
    rows = response.context["portfolio"].rows
    assert [r.project for r in rows] == [sooner, later]
    assert [s.label for s in rows[0].segments][-2:] == ["Kick-off", "Forecast to go-live"]
    html = response.content.decode()
    assert 'role="img"' in html and "Sooner one" in html and "Paused one" not in html


def test_filters_by_pm_product_and_health(client_as, manager, pm, other_pm):
    time = ProductFactory(name="Time")
    ProjectFactory(name="Mine", pm=pm, health=Health.RED, products=[time])
    ProjectFactory(name="Theirs", pm=other_pm, health=Health.GREEN)
    browser = client_as(manager)

    def names(query):
        return [r.project.name for r in browser.get(URL, query).context["portfolio"].rows]

    assert names({"pm": pm.pk}) == ["Mine"]
    assert names({"product": time.pk}) == ["Mine"]
    assert names({"health": Health.GREEN}) == ["Theirs"]
    assert browser.get(URL, {"health": "purple"}).status_code == 200


@pytest.mark.parametrize(
    ("role", "status"),
    [("pm", 200), ("manager", 200), ("support", 200), ("sales_rep", 403), ("admin_user", 200)],
)
def test_who_may_see_the_portfolio_timeline(request, db, client_as, role, status):
    ProjectFactory()
    user = request.getfixturevalue(role)
    assert client_as(user).get(URL).status_code == status


def test_the_portfolio_costs_the_same_queries_for_more_projects(
    client_as, manager, django_assert_num_queries
):
    def add(n):
        for i in range(n):
            project = ProjectFactory(forecast_go_live=days(10 + i))
            PhaseChange.objects.create(
                project=project,
                from_phase=Phase.SALES_HANDOFF,
                to_phase=Phase.KICKOFF,
                changed_at=at(-3),
            )

    add(2)
    browser = client_as(manager)
    browser.get(URL)
    # session, user, groups, count, page of projects, their phase changes, open alerts, and
    # the filter's choice of products (a PM is searched by name, not listed)
    with django_assert_num_queries(8):
        browser.get(URL)
    add(12)
    with django_assert_num_queries(8):
        response = browser.get(URL)
    assert len(response.context["portfolio"].rows) == 14
