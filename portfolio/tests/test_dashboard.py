"""The portfolio dashboard: each figure on a small crafted portfolio, the filters, the links to
the projects behind every figure, who may open it, and its fixed number of queries."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from alerts.models import Alert
from alerts.tests.factories import AlertFactory
from clients.models import Client
from clients.roles import Role
from clients.tests.factories import ClientFactory, ContactFactory, ProductFactory, UserFactory
from portal.models import Survey
from portfolio.selectors import Dashboard, Figure
from portfolio.views import PANELS
from projects.models import Health, Holiday, ImplementationProject, Phase, Task
from projects.scheduling import business_days_between, company_holidays, country_holidays
from projects.tests.factories import ProjectFactory, TaskFactory, TimeEntryFactory

pytestmark = pytest.mark.django_db

URL = reverse("portfolio:dashboard")
PANEL_FIELDS = [
    "phases",
    "health",
    "in_flight",
    "forecast_passed",
    "go_lives",
    "on_time",
    "by_segment",
    "by_product",
    "satisfaction",
    "escalations",
    "pm_load",
    "pm_more",
]


def month_start(day: date, shift: int = 0) -> date:
    index = day.year * 12 + day.month - 1 + shift
    return date(index // 12, index % 12 + 1, 1)


@dataclass
class Portfolio:
    today: date
    prev: date  # the first day of last month
    prev2: date
    query: dict
    payroll: object
    time: object
    a: ImplementationProject  # live last month, on time, SMB, Payroll, 20 business days
    b: ImplementationProject  # live last month, late, SMB, Time, 30 business days
    c: ImplementationProject  # live two months ago, no baseline, Enterprise, Payroll, 10 days
    d: ImplementationProject  # planned next month, red, in Testing
    e: ImplementationProject  # forecast passed, amber by the PM's override over red
    h: ImplementationProject  # the other PM's, green, with an overdue task


def answered(project, contact, reason, day: date, csat: int, nps: int) -> None:
    Survey.objects.create(
        project=project,
        contact=contact,
        reason=reason,
        answered_at=timezone.make_aware(datetime.combine(day, time(12))),
        csat=csat,
        nps=nps,
    )


@pytest.fixture
def portfolio(pm, other_pm, settings) -> Portfolio:
    settings.HOLIDAY_COUNTRY = ""
    today = timezone.localdate()
    prev, prev2 = month_start(today, -1), month_start(today, -2)
    payroll, time_product = ProductFactory(name="Payroll"), ProductFactory(name="Time")
    smb = ClientFactory(segment=Client.Segment.SMB)
    enterprise = ClientFactory(segment=Client.Segment.ENTERPRISE)
    mid = ClientFactory(segment=Client.Segment.MID_MARKET)

    def live(client, products, day, *, kickoff_weeks, baseline, phase=Phase.HYPERCARE, **kw):
        return ProjectFactory(
            client=client,
            products=products,
            pm=pm,
            phase=phase,
            kickoff_date=day - timedelta(weeks=kickoff_weeks),
            actual_go_live=day,
            baseline_go_live=baseline,
            forecast_go_live=day,
            **kw,
        )

    a_day, b_day, c_day = prev + timedelta(days=9), prev + timedelta(days=14), prev2 + timedelta(5)
    a = live(smb, [payroll], a_day, kickoff_weeks=4, baseline=a_day + timedelta(days=5))
    b = live(smb, [time_product], b_day, kickoff_weeks=6, baseline=b_day - timedelta(days=3))
    c = live(enterprise, [payroll], c_day, kickoff_weeks=2, baseline=None, phase=Phase.HANDED_OFF)
    d = ProjectFactory(
        client=mid,
        pm=pm,
        phase=Phase.TESTING,
        health=Health.RED,
        computed_health=Health.RED,
        forecast_go_live=month_start(today, 1) + timedelta(days=9),
    )
    e = ProjectFactory(
        client=mid,
        pm=pm,
        phase=Phase.CONFIGURATION,
        health=Health.AMBER,
        computed_health=Health.RED,
        health_override=Health.AMBER,
        health_override_until=today + timedelta(days=7),
        forecast_go_live=today - timedelta(days=3),
    )
    h = ProjectFactory(
        client=smb,
        pm=other_pm,
        phase=Phase.CONFIGURATION,
        forecast_go_live=today + timedelta(days=200),  # after the period
    )
    # Neither in flight nor in the period: handed off long ago, and a project on hold.
    ProjectFactory(
        client=mid,
        pm=pm,
        phase=Phase.HANDED_OFF,
        actual_go_live=today - timedelta(days=900),
        kickoff_date=today - timedelta(days=1000),
    )
    ProjectFactory(
        client=mid, pm=pm, status=ImplementationProject.Status.ON_HOLD, health=Health.ON_HOLD
    )

    yesterday = today - timedelta(days=1)
    TaskFactory(project=d, due_date=yesterday)
    TaskFactory(project=e, due_date=yesterday, status=Task.Status.IN_PROGRESS)
    TaskFactory(project=e, due_date=yesterday - timedelta(days=4))
    TaskFactory(project=e, due_date=yesterday, status=Task.Status.DONE)
    TaskFactory(project=h, due_date=yesterday)
    TaskFactory(project=h, due_date=today + timedelta(days=3))

    TimeEntryFactory(project=d, user=pm, spent_on=today, hours=Decimal("2.5"))
    TimeEntryFactory(project=d, user=pm, spent_on=today - timedelta(days=7), hours=Decimal("4"))

    contact = ContactFactory(client=smb)
    answered(a, contact, Survey.Reason.GO_LIVE, prev + timedelta(days=20), 5, 10)
    answered(b, contact, Survey.Reason.GO_LIVE, prev + timedelta(days=21), 3, 5)
    answered(
        c, ContactFactory(client=enterprise), Survey.Reason.GO_LIVE, prev2 + timedelta(9), 4, 8
    )

    def alert(project, level, **kw):
        return AlertFactory(
            project=project,
            task=None,
            kind=Alert.Kind.PROJECT_INACTIVE,
            object_key=f"project:{project.pk}:{level}:{sorted(kw)}",
            subject=project.name,
            level=level,
            **kw,
        )

    alert(d, Alert.Level.MANAGER)
    alert(h, Alert.Level.PM, status=Alert.Status.ACKNOWLEDGED)
    alert(e, Alert.Level.PM, status=Alert.Status.RESOLVED)
    alert(a, Alert.Level.PM, cleared_at=timezone.now())

    query = {"start": f"{month_start(today, -3):%Y-%m}", "end": f"{month_start(today, 2):%Y-%m}"}
    return Portfolio(today, prev, prev2, query, payroll, time_product, a, b, c, d, e, h)


@dataclass
class Opened:
    """The dashboard as the browser puts it together: the page, then each panel htmx loads."""

    content: bytes


def board_of(client, user, query):
    """The page and its panels, with the figures every panel read put on one board."""
    client.force_login(user)
    page = client.get(URL, query)
    assert page.status_code == 200
    board, contents = None, [page.content]
    for panel in PANELS:
        response = client.get(reverse(panel.url_name), query, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        assert b"<html" not in response.content  # a fragment, not a page
        part = response.context["board"]
        board = board or Dashboard(part.start, part.end, part.today)
        empty = Dashboard(part.start, part.end, part.today)
        for name in PANEL_FIELDS:
            if getattr(part, name) != getattr(empty, name):
                setattr(board, name, getattr(part, name))
        contents.append(response.content)
    return Opened(b"".join(contents)), board


def values(figures) -> dict[str, int]:
    return {f.label: f.value for f in figures}


def test_in_flight_projects_by_phase_and_health_and_those_past_their_forecast(
    client, manager, portfolio
):
    _, board = board_of(client, manager, portfolio.query)
    phases = values(board.phases)
    assert phases[Phase.HYPERCARE.label] == 2
    assert phases[Phase.CONFIGURATION.label] == 2
    assert phases[Phase.TESTING.label] == 1
    assert sum(phases.values()) == board.in_flight.value == 5
    assert values(board.health) == {"Green": 3, "Amber": 1, "Red": 1}
    assert board.forecast_passed.value == 1


def test_go_lives_by_month_done_and_planned(client, manager, portfolio):
    _, board = board_of(client, manager, portfolio.query)
    by_month = {m.month: (m.done.value, m.planned.value) for m in board.go_lives}
    assert len(by_month) == 6  # three months back to two ahead
    next_month = month_start(portfolio.today, 1)
    e_month = month_start(portfolio.e.forecast_go_live)
    assert by_month[portfolio.prev][0] == 2
    assert by_month[portfolio.prev2][0] == 1
    assert by_month[next_month] == (0, 1)
    assert by_month[e_month][1] == 1
    assert sum(done for done, _ in by_month.values()) == 3
    assert sum(planned for _, planned in by_month.values()) == 2


def test_on_time_rate_counts_go_lives_against_their_baseline(client, manager, portfolio):
    response, board = board_of(client, manager, portfolio.query)
    assert (board.on_time.on_time.value, board.on_time.late.value) == (1, 1)
    assert board.on_time.unmeasured == 1
    assert board.on_time.percent == 50
    assert "1 go-live without a baseline is not counted" in response.content.decode()


def test_median_business_days_from_kickoff_to_go_live_by_segment_and_product(
    client, manager, portfolio
):
    _, board = board_of(client, manager, portfolio.query)
    by_segment = {row.label: (row.median_days, row.projects.value) for row in board.by_segment}
    assert by_segment == {"Small business": (25, 2), "Enterprise": (10, 1)}
    by_product = {row.label: (row.median_days, row.projects.value) for row in board.by_product}
    assert by_product == {"Payroll": (15, 2), "Time": (30, 1)}


def test_satisfaction_by_month_gives_mean_csat_and_nps(client, manager, portfolio):
    _, board = board_of(client, manager, portfolio.query)
    months = {m.month: (m.answers, m.csat, m.nps, m.projects.value) for m in board.satisfaction}
    # Last month: a promoter (10) and a detractor (5); the month before: a passive (8).
    assert months == {portfolio.prev: (2, 4.0, 0, 2), portfolio.prev2: (1, 4.0, 0, 1)}


def test_open_escalations_by_level_leave_out_resolved_and_cleared_alerts(
    client, manager, portfolio
):
    _, board = board_of(client, manager, portfolio.query)
    levels = {e.label: (e.alerts, e.projects.value) for e in board.escalations}
    assert levels == {"Owner": (0, 0), "Project manager": (1, 1), "Implementation manager": (1, 1)}


def test_each_pms_load(client, manager, pm, other_pm, portfolio):
    _, board = board_of(client, manager, portfolio.query)
    loads = {
        load.name: (
            load.active.value,
            load.overdue_tasks,
            load.overdue_projects.value,
            load.hours_this_week,
            load.red.value,
        )
        for load in board.pm_load
    }
    assert loads == {
        pm.get_full_name(): (4, 3, 2, 2.5, 1),
        other_pm.get_full_name(): (1, 1, 1, 0.0, 0),
    }


def all_figures(board) -> list[Figure]:
    figures = [*board.phases, *board.health, board.in_flight, board.forecast_passed]
    for month in board.go_lives:
        figures += [month.done, month.planned]
    figures += [board.on_time.on_time, board.on_time.late]
    figures += [row.projects for row in board.by_segment + board.by_product]
    figures += [month.projects for month in board.satisfaction]
    figures += [e.projects for e in board.escalations]
    for load in board.pm_load:
        figures += [load.active, load.overdue_projects, load.red]
    return figures


@pytest.mark.parametrize(
    "extra",
    [{}, {"segment": "smb"}, {"product": "payroll"}, {"pm": "pm_user"}],
    ids=["all", "segment", "product", "pm"],
)
def test_every_figure_opens_a_project_list_of_exactly_its_projects(
    client, manager, portfolio, extra
):
    query = dict(portfolio.query)
    if extra.get("product"):
        query["product"] = portfolio.payroll.pk
    else:
        query.update(extra)
    _, board = board_of(client, manager, query)
    figures = all_figures(board)
    assert len(figures) > 30
    for figure in figures:
        listed = client.get(figure.url)
        assert listed.status_code == 200, figure
        assert listed.context["page_obj"].paginator.count == figure.value, figure


def test_the_dashboard_shows_the_figures_as_links_and_tables(client, manager, portfolio):
    response, board = board_of(client, manager, portfolio.query)
    html = response.content.decode()
    assert f'href="{board.health[2].url.replace("&", "&amp;")}"' in html
    assert "<caption>In-flight projects by health</caption>" in html
    assert "Red: cross-hatch" in html
    assert 'aria-hidden="true" focusable="false"' in html  # the pictures; the tables speak


def test_filters_narrow_every_figure(client, manager, pm, portfolio):
    _, board = board_of(client, manager, {**portfolio.query, "segment": "smb"})
    assert board.in_flight.value == 3  # a, b and the other PM's h
    assert [row.label for row in board.by_segment] == ["Small business"]
    _, board = board_of(client, manager, {**portfolio.query, "product": portfolio.time.pk})
    assert board.on_time.late.value == 1 and board.on_time.on_time.value == 0
    assert [row.label for row in board.by_product] == ["Time"]
    _, board = board_of(client, manager, {**portfolio.query, "pm": str(pm.pk)})
    assert [load.name for load in board.pm_load] == [pm.get_full_name()]
    assert values(board.health)["Green"] == 2


def test_the_period_bounds_go_lives_and_satisfaction(client, manager, portfolio):
    month = f"{portfolio.prev:%Y-%m}"
    _, board = board_of(client, manager, {"start": month, "end": month})
    assert [(m.month, m.done.value) for m in board.go_lives] == [(portfolio.prev, 2)]
    assert [m.month for m in board.satisfaction] == [portfolio.prev]
    assert [row.label for row in board.by_segment] == ["Small business"]


def test_a_bad_period_is_said_and_the_default_one_is_used(client, manager, portfolio):
    response, board = board_of(client, manager, {"start": "2026-13", "end": "x"})
    assert "Enter a valid date." in response.content.decode()
    assert len(board.go_lives) == 10


def test_a_reversed_or_huge_period_is_put_right(client, manager, portfolio):
    _, board = board_of(client, manager, {"start": "2026-05", "end": "2026-02"})
    assert [m.month.month for m in board.go_lives] == [2, 3, 4, 5]
    _, board = board_of(client, manager, {"start": "1990-01", "end": "2030-12"})
    assert len(board.go_lives) == 36
    for far in ("0001-01", "9999-12"):
        _, board = board_of(client, manager, {"start": far, "end": far})
        assert len(board.go_lives) == 1


@pytest.mark.parametrize(
    "role, status",
    [
        ("pm", 403),
        ("other_pm", 403),
        ("sales_rep", 403),
        ("support", 403),
        ("manager", 200),
        ("admin_user", 200),
    ],
)
def test_only_managers_and_admins_open_the_portfolio(request, client, role, status):
    client.force_login(request.getfixturevalue(role))
    assert client.get(URL).status_code == status
    for panel in PANELS:
        assert client.get(reverse(panel.url_name), HTTP_HX_REQUEST="true").status_code == status


def test_anonymous_visitors_are_sent_to_log_in_and_post_is_refused(client, manager):
    for url in [URL, *(reverse(panel.url_name) for panel in PANELS)]:
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"]
    client.force_login(manager)
    for url in [URL, *(reverse(panel.url_name) for panel in PANELS)]:
        assert client.post(url).status_code == 405


def test_the_navigation_links_the_portfolio_for_managers_only(client, manager, pm):
    client.force_login(manager)
    assert URL in client.get(reverse("home")).content.decode()
    client.force_login(pm)
    assert URL not in client.get(reverse("home")).content.decode()


def more_of_everything(portfolio, pm) -> None:
    """As many projects again, each with tasks, hours, surveys and alerts of its own."""
    for n in range(6):
        client = ClientFactory(segment=Client.Segment.SMB if n % 2 else Client.Segment.ENTERPRISE)
        pm_n = UserFactory(role=Role.PM)
        project = ProjectFactory(
            client=client,
            pm=pm_n,
            products=[portfolio.payroll, portfolio.time],
            actual_go_live=portfolio.prev + timedelta(days=n),
            kickoff_date=portfolio.prev - timedelta(days=40 + n),
            phase=Phase.HYPERCARE,
        )
        TaskFactory(project=project, due_date=portfolio.today - timedelta(days=2))
        TimeEntryFactory(project=project, user=pm_n, spent_on=portfolio.today)
        answered(
            project,
            ContactFactory(client=client),
            Survey.Reason.GO_LIVE,
            portfolio.prev + timedelta(days=n),
            4,
            9,
        )
        AlertFactory(project=project, level=Alert.Level.MANAGER)


# Session, user, roles and the products to choose from (on a panel, to check the one chosen);
# then the page's alert count (in the navigation), and each panel's figures.
PAGE_QUERIES = 5
PANEL_QUERIES = {
    "portfolio:now": 5,
    "portfolio:go_lives": 5,
    "portfolio:time_to_go_live": 5,
    "portfolio:satisfaction": 5,
    "portfolio:escalations": 5,
    "portfolio:pm_load": 6,  # the busiest PMs, then their overdue tasks and hours
}


def test_the_dashboard_and_each_panel_make_a_fixed_number_of_queries_whatever_the_data(
    client, manager, pm, portfolio, django_assert_num_queries
):
    client.force_login(manager)
    query = {**portfolio.query, "product": portfolio.payroll.pk}
    requests = [(URL, {}, PAGE_QUERIES)] + [
        (reverse(panel.url_name), {"HTTP_HX_REQUEST": "true"}, PANEL_QUERIES[panel.url_name])
        for panel in PANELS
    ]
    for url, headers, _ in requests:
        client.get(url, query, **headers)
    for url, headers, queries in requests:
        with django_assert_num_queries(queries):
            client.get(url, query, **headers)
    more_of_everything(portfolio, pm)
    for url, headers, queries in requests:
        with django_assert_num_queries(queries):
            response = client.get(url, query, **headers)
    assert len(response.context["board"].pm_load) == 8


def test_a_panel_reads_the_products_only_to_check_the_one_chosen(
    client, manager, portfolio, django_assert_num_queries
):
    client.force_login(manager)
    url = reverse("portfolio:escalations")
    client.get(url, portfolio.query, HTTP_HX_REQUEST="true")
    with django_assert_num_queries(PANEL_QUERIES["portfolio:escalations"] - 1):
        client.get(url, portfolio.query, HTTP_HX_REQUEST="true")
    # A product that is none of them is still refused: the figures stay those of every product.
    _, every = board_of(client, manager, portfolio.query)
    response, board = board_of(client, manager, {**portfolio.query, "product": "999999"})
    assert "Select a valid choice." in response.content.decode()
    assert board.in_flight == every.in_flight and board.escalations == every.escalations
    page = client.get(URL, portfolio.query).content.decode()
    assert f'<option value="{portfolio.payroll.pk}">Payroll</option>' in page


def test_each_panel_opens_as_a_page_of_its_own_without_javascript(client, manager, portfolio):
    client.force_login(manager)
    page = client.get(URL, portfolio.query).content.decode()
    for panel in PANELS:
        url = reverse(panel.url_name)
        assert f'hx-get="{url}?' in page
        response = client.get(url, portfolio.query)
        html = response.content.decode()
        assert response.status_code == 200 and "<html" in html
        assert panel.title in html and "The whole portfolio" in html
        assert "HX-Request" in response["Vary"]


def test_the_project_list_marks_an_override_hiding_the_computed_colour_and_a_passed_forecast(
    client, manager, portfolio
):
    client.force_login(manager)
    html = client.get(reverse("projects:list")).content.decode()
    row_e = html[html.index(portfolio.e.name) :].split("</tr>")[0]
    assert "Override" in row_e and "computed Red" in row_e
    assert "Forecast passed" in row_e
    row_d = html[html.index(portfolio.d.name) :].split("</tr>")[0]
    assert "Override" not in row_d and "Forecast passed" not in row_d
    row_a = html[html.index(portfolio.a.name) :].split("</tr>")[0]
    assert "Forecast passed" not in row_a  # live: its forecast passing says nothing


def test_the_pms_home_page_marks_the_same(client, pm, portfolio):
    client.force_login(pm)
    html = client.get(reverse("home")).content.decode()
    row_e = html[html.index(portfolio.e.name) :].split("</tr>")[0]
    assert "Override" in row_e and "Forecast passed" in row_e


def test_a_figures_list_says_which_figure_it_shows(client, manager, portfolio):
    _, board = board_of(client, manager, portfolio.query)
    html = client.get(board.forecast_passed.url).content.decode()
    assert "projects behind a portfolio figure" in html
    assert "forecast passed: yes" in html


def test_time_to_go_live_skips_the_company_and_country_holidays_as_the_plan_does(
    client, manager, portfolio, settings
):
    """A company holiday, a country holiday and one listed by both: each skipped once."""
    settings.HOLIDAY_COUNTRY = "US"
    a = portfolio.a
    weekdays = [
        a.kickoff_date + timedelta(days=n)
        for n in range(1, 28)
        if (a.kickoff_date + timedelta(days=n)).weekday() < 5
    ]
    us_days = country_holidays(a.kickoff_date, a.actual_go_live)
    Holiday.objects.create(date=weekdays[3], name="Company day")
    for day in us_days:
        Holiday.objects.create(date=day, name="Also the country's")
    expected = {}
    for project in (portfolio.a, portfolio.b):
        # Days are counted when a project goes live, with the days off listed then.
        live = project.actual_go_live
        project.actual_go_live = None
        project.save()
        project.actual_go_live = live
        project.save(update_fields=["actual_go_live"])
        days_off = company_holidays(project.kickoff_date, project.actual_go_live)
        expected[project.pk] = business_days_between(
            project.kickoff_date, project.actual_go_live, days_off
        )
    _, board = board_of(client, manager, portfolio.query)
    small_business = next(row for row in board.by_segment if row.label == "Small business")
    assert small_business.median_days == (expected[portfolio.a.pk] + expected[portfolio.b.pk]) / 2
    assert expected[portfolio.a.pk] == 19 - len([d for d in us_days if d.weekday() < 5])


def test_the_portfolio_timelines_table_marks_the_same(client, manager, portfolio):
    client.force_login(manager)
    html = client.get(reverse("projects:portfolio_timeline")).content.decode()
    html = html[html.index("<details") :]  # the table under the chart
    row_e = html[html.index(portfolio.e.name) :].split("</tr>")[0]
    assert "Override" in row_e and "computed Red" in row_e and "Forecast passed" in row_e


def test_a_large_team_shows_its_busiest_pms_and_says_how_many_more(
    client, manager, pm, portfolio, monkeypatch
):
    monkeypatch.setattr("portfolio.selectors.PM_LOAD_ROWS", 1)
    response, board = board_of(client, manager, portfolio.query)
    assert [load.name for load in board.pm_load] == [pm.get_full_name()]  # 4 projects to 1
    assert "1 more: filter by PM to see one." in response.content.decode()
