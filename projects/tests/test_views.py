"""The project pages: home, account status, list, detail, create/edit and project actions."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.models import Client
from clients.roles import Role
from clients.tests.factories import (
    ClientFactory,
    ContactFactory,
    ProductFactory,
    SalesHandoffFactory,
    UserFactory,
)
from projects.health import refresh_health
from projects.models import (
    Comment,
    Health,
    ImplementationProject,
    Issue,
    Phase,
    PhaseChange,
    ProjectMembership,
    RoleRate,
    Task,
)
from projects.tests.factories import (
    CommentFactory,
    IssueFactory,
    MilestoneFactory,
    ProjectFactory,
    RiskFactory,
    TaskFactory,
    TimeEntryFactory,
)

pytestmark = pytest.mark.django_db
TODAY: datetime.date  # set for each test by `_today`


@pytest.fixture(autouse=True)
def _today():
    """Today as each test runs: read once at import, it is yesterday's for a test after midnight."""
    global TODAY
    TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def _long_date(day: datetime.date) -> str:
    """A date as the pages print it ("j M Y")."""
    return f"{day.day} {day:%b %Y}"


@pytest.fixture
def project(pm, sales_rep):
    project = ProjectFactory(
        name="Acme payroll onboarding",
        pm=pm,
        client=ClientFactory(name="Acme Corp", sales_rep=sales_rep),
    )
    refresh_health(project_ids=[project.pk])
    project.refresh_from_db()
    return project


def login_redirect(response) -> bool:
    return response.status_code == 302 and response.url.startswith(reverse("login"))


# Home


def test_home_sends_anonymous_visitors_to_the_login_page(client):
    assert login_redirect(client.get(reverse("home")))


def test_pm_home_lists_my_projects_overdue_and_this_week_tasks_and_go_lives(client_as, pm):
    mine = ProjectFactory(name="Mine", pm=pm, forecast_go_live=days(20))
    ProjectFactory(name="Someone else's")
    TaskFactory(project=mine, title="Send census file", owner_user=pm, due_date=days(-2))
    TaskFactory(project=mine, title="Map earnings codes", owner_user=pm, due_date=days(3))
    response = client_as(pm).get(reverse("home"))
    page = response.content.decode()
    assert "What needs you today" in page
    assert "Mine" in page and "Someone else&#x27;s" not in page
    assert "Send census file" in page and "Map earnings codes" in page
    assert [t.title for t in response.context["overdue"]] == ["Send census file"]
    assert [p.name for p in response.context["go_lives"]] == ["Mine"]


def test_pm_home_includes_projects_i_am_on_the_team_of(client_as, pm):
    ProjectFactory(name="Team project", team=[pm])
    response = client_as(pm).get(reverse("home"))
    assert [p.name for p in response.context["projects"]] == ["Team project"]


def test_manager_home_shows_the_whole_portfolio_worst_first(client_as, manager):
    ProjectFactory(name="Calm")
    troubled = ProjectFactory(name="Troubled")
    IssueFactory(project=troubled, severity=Issue.Severity.CRITICAL)
    refresh_health()
    response = client_as(manager).get(reverse("home"))
    assert "Portfolio" in response.content.decode()
    assert [p.name for p in response.context["projects"]] == ["Troubled", "Calm"]
    assert response.context["health_counts"] == {"red": 1, "amber": 0, "green": 1}


def test_sales_rep_home_lists_only_their_own_accounts(client_as, sales_rep, other_sales_rep):
    ClientFactory(name="My account", sales_rep=sales_rep)
    ClientFactory(name="Not mine", sales_rep=other_sales_rep)
    page = client_as(sales_rep).get(reverse("home")).content.decode()
    assert "Your accounts" in page
    assert "My account" in page and "Not mine" not in page


def test_sales_rep_home_shows_each_accounts_health_with_why_phase_and_go_live_dates(
    client_as, sales_rep, other_sales_rep
):
    mine = ClientFactory(name="Northwind Foods", sales_rep=sales_rep)
    ProjectFactory(
        client=mine,
        name="Northwind payroll",
        phase=Phase.TESTING,
        baseline_go_live=days(30),
        forecast_go_live=days(42),
    )
    ProjectFactory(client=mine, name="Northwind cancelled", status="cancelled")
    ClientFactory(name="Quiet prospect", sales_rep=sales_rep)
    theirs = ClientFactory(name="Globex", sales_rep=other_sales_rep)
    ProjectFactory(client=theirs, name="Globex payroll")
    refresh_health()

    page = client_as(sales_rep).get(reverse("home")).content.decode()

    assert "Northwind payroll" in page and "Amber" in page
    assert "Go-live 12 calendar days behind baseline" in page
    assert 'title="Schedule: Go-live 12 calendar days behind baseline;' in page
    assert "Testing (ORT/UAT)" in page
    assert _long_date(days(42)) in page and _long_date(days(30)) in page
    assert "Quiet prospect" in page and "No project yet." in page
    assert "Northwind cancelled" not in page
    assert "Globex" not in page


def test_sales_rep_home_query_count_does_not_grow_with_accounts(
    client_as, sales_rep, django_assert_num_queries
):
    def add(n):
        for _ in range(n):
            account = ClientFactory(sales_rep=sales_rep)
            ProjectFactory(client=account, forecast_go_live=days(20))
            ProjectFactory(client=account, forecast_go_live=days(50))

    browser = client_as(sales_rep)
    add(2)
    browser.get(reverse("home"))
    # session, user, groups, count, page of accounts, their products, their projects, and the
    # handoff reports waiting for the rep (the "Waiting for you" card)
    with django_assert_num_queries(8):
        browser.get(reverse("home"))
    add(6)
    with django_assert_num_queries(8):
        assert len(browser.get(reverse("home")).context["accounts"]) == 8


def test_support_home_shows_reports_waiting_and_clients_going_live(client_as, support):
    ProjectFactory(name="Going live soon", phase=Phase.GO_LIVE)
    ProjectFactory(name="Still configuring", phase=Phase.CONFIGURATION)
    response = client_as(support).get(reverse("home"))
    assert [p.name for p in response.context["going_live"]] == ["Going live soon"]


def test_home_query_count_does_not_grow_with_projects(client_as, pm, django_assert_num_queries):
    def add(n):
        for _ in range(n):
            p = ProjectFactory(pm=pm, forecast_go_live=days(10))
            TaskFactory(project=p, owner_user=pm, due_date=days(-1))
            TaskFactory(project=p, owner_user=pm, due_date=days(2))

    logged_in = client_as(pm)
    add(2)
    logged_in.get(reverse("home"))
    # 12: with the "Waiting for you" card's sales handoffs and handoff reports; the table's
    # count is the sum of the projects by health.
    with django_assert_num_queries(12):
        logged_in.get(reverse("home"))
    add(6)
    with django_assert_num_queries(12):
        logged_in.get(reverse("home"))


# Account status


def test_sales_rep_sees_the_forecast_go_live_of_their_account_and_not_another_reps(
    client_as, sales_rep, other_sales_rep, project
):
    project.baseline_go_live = days(30)
    project.forecast_go_live = days(45)
    project.save()
    MilestoneFactory(project=project, name="Configuration sign-off", due_date=days(5))
    IssueFactory(project=project, title="Tax IDs missing", severity=Issue.Severity.CRITICAL)
    refresh_health(project_ids=[project.pk])
    url = reverse("projects:account_status", args=[project.client_id])
    page = client_as(sales_rep).get(url).content.decode()
    assert days(45).strftime("%-d %b %Y") in page
    assert "15 days late" in page
    assert "Configuration sign-off" in page
    assert "Tax IDs missing" in page
    assert "1 critical issue open" in page
    assert client_as(other_sales_rep).get(url).status_code == 404


def test_account_status_is_read_only_for_every_method_but_get(client_as, sales_rep, project):
    url = reverse("projects:account_status", args=[project.client_id])
    assert client_as(sales_rep).post(url).status_code == 405


def test_account_status_needs_a_login(client, project):
    assert login_redirect(client.get(reverse("projects:account_status", args=[project.client_id])))


@pytest.mark.parametrize("role", ["pm", "manager", "support", "admin_user"])
def test_implementation_roles_can_read_every_account_status(request, client_as, role, project):
    user = request.getfixturevalue(role)
    url = reverse("projects:account_status", args=[project.client_id])
    assert client_as(user).get(url).status_code == 200


def test_account_status_query_count_is_fixed(client_as, sales_rep, django_assert_num_queries):
    account = ClientFactory(sales_rep=sales_rep)
    url = reverse("projects:account_status", args=[account.pk])

    def add(n):
        for _ in range(n):
            p = ProjectFactory(client=account)
            MilestoneFactory(project=p)
            IssueFactory(project=p, severity=Issue.Severity.CRITICAL)

    logged_in = client_as(sales_rep)
    add(2)
    logged_in.get(url)
    # With the surveys' answers (one query for every project).
    with django_assert_num_queries(10):
        logged_in.get(url)
    add(5)
    with django_assert_num_queries(10):
        logged_in.get(url)


# Project list


def test_project_list_filters_by_phase_health_and_search(client_as, pm):
    ProjectFactory(name="Alpha payroll", phase=Phase.TESTING)
    red = ProjectFactory(name="Beta time", phase=Phase.CONFIGURATION)
    IssueFactory(project=red, severity=Issue.Severity.CRITICAL)
    refresh_health()
    logged_in = client_as(pm)

    def names(query):
        response = logged_in.get(reverse("projects:list"), query)
        return [p.name for p in response.context["page_obj"]]

    assert names({"phase": "testing"}) == ["Alpha payroll"]
    assert names({"health": "red"}) == ["Beta time"]
    assert names({"q": "beta"}) == ["Beta time"]
    assert names({"q": red.client.name}) == ["Beta time"]
    assert sorted(names({"sort": "name"})) == ["Alpha payroll", "Beta time"]


def test_project_list_paginates(client_as, pm, settings):
    settings.PAGE_SIZE = 2
    for _ in range(3):
        ProjectFactory()
    response = client_as(pm).get(reverse("projects:list"), {"page": 2})
    assert len(response.context["page_obj"]) == 1


def test_project_list_shows_when_a_live_project_went_live_not_a_forecast(client_as, pm):
    ProjectFactory(
        pm=pm,
        name="Acme payroll",
        phase=Phase.HYPERCARE,
        forecast_go_live=datetime.date(2026, 11, 20),
        actual_go_live=datetime.date(2026, 11, 13),
    )
    page = client_as(pm).get(reverse("projects:list")).content.decode()
    row = page[page.index("Acme payroll") :]
    row = row[: row.index("</tr>")]
    assert "13 Nov 2026" in row and "went live" in row
    assert "20 Nov 2026" not in row


def test_project_list_bad_filter_value_is_a_form_error_not_a_500(client_as, pm):
    response = client_as(pm).get(reverse("projects:list"), {"phase": "nonsense"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_sales_rep_cannot_open_the_project_list(client_as, sales_rep):
    assert client_as(sales_rep).get(reverse("projects:list")).status_code == 403


def test_project_list_query_count_is_fixed(client_as, pm, django_assert_num_queries):
    logged_in = client_as(pm)
    for _ in range(3):
        TaskFactory()
    logged_in.get(reverse("projects:list"))
    # Session, user, groups, alert count, the page's count and rows, the products to filter by.
    with django_assert_num_queries(7):
        logged_in.get(reverse("projects:list"))
    for _ in range(10):
        TaskFactory(project=ProjectFactory(pm=UserFactory(role=Role.PM)))
    with django_assert_num_queries(7):
        logged_in.get(reverse("projects:list"))


def test_project_list_finds_a_pm_by_name_or_by_id(client_as, pm, other_pm):
    pm.first_name, pm.last_name = "Pat", "Morgan"
    pm.save()
    ProjectFactory(name="Pat's project", pm=pm)
    ProjectFactory(name="Someone else's", pm=other_pm)
    logged_in = client_as(pm)

    def names(query):
        response = logged_in.get(reverse("projects:list"), query)
        return [p.name for p in response.context["page_obj"]]

    assert names({"pm": "pat morg"}) == ["Pat's project"]
    assert names({"pm": str(pm.pk)}) == ["Pat's project"]
    assert names({"pm": "nobody"}) == []


# Project detail


def test_project_detail_shows_health_reasons_progress_and_plan(client_as, pm, project):
    TaskFactory(project=project, title="Load pay codes", status=Task.Status.DONE)
    TaskFactory(project=project, title="Build GL export")
    RiskFactory(project=project, title="Late census file")
    IssueFactory(project=project, title="Duplicate SSNs")
    MilestoneFactory(project=project, name="Configuration complete")
    refresh_health(project_ids=[project.pk])
    response = client_as(pm).get(project.get_absolute_url())
    page = response.content.decode()
    assert "On schedule" in page
    assert 'aria-valuenow="50"' in page
    for text in ("Build GL export", "Late census file", "Duplicate SSNs", "Configuration complete"):
        assert text in page
    assert "Move to Data conversion &amp; integrations" in page


@pytest.mark.parametrize("role", ["sales_rep", "no_role_user"])
def test_project_detail_is_404_for_roles_outside_implementation(request, client_as, role, project):
    user = request.getfixturevalue(role)
    assert client_as(user).get(project.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("role", ["other_pm", "support"])
def test_readers_see_the_project_without_edit_controls(request, client_as, role, project):
    user = request.getfixturevalue(role)
    page = client_as(user).get(project.get_absolute_url()).content.decode()
    assert "Acme payroll onboarding" in page
    assert "Edit project" not in page and "Move to" not in page


def test_progress_fragment_returns_only_the_progress_bar(client_as, pm, project):
    TaskFactory(project=project, status=Task.Status.DONE)
    response = client_as(pm).get(
        project.get_absolute_url(), {"fragment": "progress"}, HTTP_HX_REQUEST="true"
    )
    page = response.content.decode()
    assert page.strip().startswith('<div id="project-progress"')
    assert 'aria-valuenow="100"' in page


def test_progress_fragment_reads_only_the_task_counts(
    client_as, pm, project, django_assert_num_queries
):
    TaskFactory(project=project, status=Task.Status.DONE)
    TaskFactory(project=project)
    logged_in = client_as(pm)
    url = project.get_absolute_url()
    logged_in.get(url, {"fragment": "progress"}, HTTP_HX_REQUEST="true")
    # Session, user, groups, the project, its task counts: after every in-place task change.
    with django_assert_num_queries(5):
        response = logged_in.get(url, {"fragment": "progress"}, HTTP_HX_REQUEST="true")
    assert "1 of 2 tasks done" in response.content.decode()


def test_project_detail_query_count_is_fixed(client_as, pm, django_assert_num_queries):
    project = ProjectFactory(pm=pm)
    contact = ContactFactory(client=project.client)

    def add(n):
        for i in range(n):
            milestone = MilestoneFactory(project=project)
            TaskFactory(project=project, milestone=milestone, owner_user=pm)
            TaskFactory(project=project, owner_contact=contact, owner_user=None)
            RiskFactory(project=project, owner=pm)
            IssueFactory(project=project, owner=pm)
            CommentFactory(project=project, author=pm)
            TimeEntryFactory(project=project, user=pm)
            PhaseChange.objects.create(
                project=project,
                from_phase=Phase.DISCOVERY,
                to_phase=Phase.CONFIGURATION,
                changed_by=_member(i, f"phase-{n}-{project.phase_changes.count()}"),
                gate_overridden=True,
                override_reason="Agreed with the sponsor.",
                overridden_problems=["Key milestone “Discovery sign-off” is not complete."],
            )
            ProjectMembership.objects.create(
                project=project, user=ProjectFactory().client.sales_rep or _member(i, n)
            )

    logged_in = client_as(pm)
    add(2)
    logged_in.get(project.get_absolute_url())
    # Session, user, groups, alert count; the project (with its products and money), team,
    # milestones, open tasks, risks, issues, alerts and comments. The history, the phase
    # history, the editors and the reports and meetings cards load when opened.
    with django_assert_num_queries(12):
        logged_in.get(project.get_absolute_url())
    add(6)
    with django_assert_num_queries(12):
        logged_in.get(project.get_absolute_url())


def test_project_page_shows_the_budget_in_money_to_the_pm(client_as, pm):
    RoleRate.objects.create(role=RoleRate.PM, hourly_rate=Decimal(200))
    project = ProjectFactory(pm=pm, budget_amount=Decimal(1000), budget_hours=Decimal(10))
    task = TaskFactory(project=project, estimate_hours=Decimal(10))
    TimeEntryFactory(project=project, task=task, user=pm, hours=Decimal(4))
    page = client_as(pm).get(project.get_absolute_url()).content.decode()
    assert "$800 for 4 h of a $1,000 budget" in page
    assert 'aria-label="Money budget burned" aria-valuenow="80"' in page
    assert "$2,000" in page  # forecast: 800 + the 6 h left × 200
    assert "$1,000 over budget" in page


def test_support_reads_the_project_page_without_its_budget(client_as, pm, support):
    project = ProjectFactory(pm=pm, budget_amount=Decimal(1000), budget_hours=Decimal(10))
    TimeEntryFactory(project=project, user=pm, hours=Decimal(4))
    page = client_as(support).get(project.get_absolute_url()).content.decode()
    assert project.name in page
    assert "Cost burned" not in page and "Budget hours" not in page and "$1,000" not in page


def test_a_task_row_opens_its_editors_in_place(client_as, pm, other_pm):
    project = ProjectFactory(pm=pm)
    task = TaskFactory(project=project, title="Load pay codes", owner_user=pm)
    url = project.get_absolute_url()
    page = client_as(pm).get(url).content.decode()
    assert "Load pay codes" in page and 'name="owner"' not in page
    row = client_as(pm).get(url, {"fragment": "task-row", "task": task.pk}, HTTP_HX_REQUEST="true")
    assert f'<tr id="task-{task.pk}">' in row.content.decode()
    assert 'name="owner"' in row.content.decode() and 'name="status"' in row.content.decode()
    refused = client_as(other_pm).get(
        url, {"fragment": "task-row", "task": task.pk}, HTTP_HX_REQUEST="true"
    )
    assert refused.status_code == 403
    missing = client_as(pm).get(url, {"fragment": "task-row", "task": "x"}, HTTP_HX_REQUEST="true")
    assert missing.status_code == 404


def test_team_form_and_sign_off_form_load_when_opened_by_an_editor(client_as, pm, support):
    project = ProjectFactory(pm=pm)
    ContactFactory(client=project.client, name="Dana Client")
    milestone = MilestoneFactory(project=project, completed_on=days(-1))
    url = project.get_absolute_url()
    team = client_as(pm).get(url, {"fragment": "team-form"}, HTTP_HX_REQUEST="true")
    assert "Add to team" in team.content.decode()
    sign_off = client_as(pm).get(
        url, {"fragment": "sign-off", "milestone": milestone.pk}, HTTP_HX_REQUEST="true"
    )
    assert "Dana Client" in sign_off.content.decode()
    for fragment in ("team-form", "sign-off"):
        refused = client_as(support).get(
            url, {"fragment": fragment, "milestone": milestone.pk}, HTTP_HX_REQUEST="true"
        )
        assert refused.status_code == 403


def test_recent_changes_load_when_scrolled_to(client_as, pm):
    project = ProjectFactory(pm=pm)
    TaskFactory(project=project, title="Load pay codes")
    url = project.get_absolute_url()
    assert 'hx-get="' + url + '?fragment=history"' in client_as(pm).get(url).content.decode()
    history = client_as(pm).get(url, {"fragment": "history"}, HTTP_HX_REQUEST="true")
    assert "Load pay codes" in history.content.decode()


def test_the_comment_form_loads_when_opened_and_posts_a_comment(client_as, pm, support):
    project = ProjectFactory(pm=pm)
    url = project.get_absolute_url()
    page = client_as(pm).get(url).content.decode()
    assert 'hx-get="' + url + '?fragment=comment-form"' in page
    assert "<textarea" not in page
    # Support reads the project and may comment on it too.
    form = client_as(support).get(url, {"fragment": "comment-form"}, HTTP_HX_REQUEST="true")
    html = form.content.decode()
    assert 'action="' + reverse("projects:comment", args=[project.pk]) + '"' in html
    assert 'name="body"' in html and 'name="submission_key"' in html


def _member(i, n):
    from clients.roles import Role
    from clients.tests.factories import UserFactory

    return UserFactory(username=f"member-{n}-{i}", role=Role.PM)


# Create and edit


def test_pm_creates_a_project_and_becomes_its_pm(client_as, pm):
    account = ClientFactory(account_status=Client.AccountStatus.PROSPECT)
    handoff = SalesHandoffFactory(client=account)
    product = handoff.products.first()
    response = client_as(pm).post(
        reverse("projects:create"),
        {
            "name": "Globex HR onboarding",
            "client": account.pk,
            "products": [product.pk],
            "sales_handoff": handoff.pk,
            "pm": pm.pk,
            "status": "active",
            "kickoff_date": days(7).isoformat(),
            "baseline_go_live": days(97).isoformat(),
            "budget_hours": "300",
        },
    )
    project = ImplementationProject.objects.get(name="Globex HR onboarding")
    assert response.url == project.get_absolute_url()
    assert project.pm == pm and project.forecast_go_live == days(97)
    account.refresh_from_db()
    assert account.account_status == Client.AccountStatus.ONBOARDING
    assert project.history.first().history_user == pm


def test_creating_with_a_go_live_before_kick_off_shows_an_error_and_saves_nothing(client_as, pm):
    account = ClientFactory()
    ProductFactory(name="Payroll")
    response = client_as(pm).post(
        reverse("projects:create"),
        {
            "name": "Backwards",
            "client": account.pk,
            "products": [],
            "status": "active",
            "kickoff_date": days(30).isoformat(),
            "baseline_go_live": days(1).isoformat(),
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Go-live cannot be before kick-off." in page
    assert "This field is required." in page
    assert not ImplementationProject.objects.filter(name="Backwards").exists()


def test_a_handoff_of_another_client_is_refused(client_as, manager):
    account = ClientFactory()
    other_handoff = SalesHandoffFactory()
    response = client_as(manager).post(
        reverse("projects:create"),
        {
            "name": "Mixed up",
            "client": account.pk,
            "products": [other_handoff.products.first().pk],
            "sales_handoff": other_handoff.pk,
            "status": "active",
        },
    )
    assert "This sales handoff belongs to another client." in response.content.decode()
    assert not ImplementationProject.objects.filter(name="Mixed up").exists()


@pytest.mark.parametrize("role", ["support", "sales_rep"])
def test_only_pms_and_managers_open_projects(request, client_as, role):
    user = request.getfixturevalue(role)
    assert client_as(user).get(reverse("projects:create")).status_code == 403


def test_create_needs_a_login(client):
    assert login_redirect(client.get(reverse("projects:create")))


def test_pm_edits_the_forecast_and_the_page_shows_the_slip(client_as, pm, project):
    data = {
        "name": project.name,
        "client": project.client_id,
        "products": [p.pk for p in project.products.all()],
        "pm": pm.pk,
        "status": "active",
        "kickoff_date": project.kickoff_date.isoformat(),
        "baseline_go_live": project.baseline_go_live.isoformat(),
        "forecast_go_live": (project.baseline_go_live + datetime.timedelta(days=10)).isoformat(),
        "budget_hours": "200",
        "version": project.version,
    }
    logged_in = client_as(pm)
    response = logged_in.post(reverse("projects:edit", args=[project.pk]), data)
    assert response.status_code == 302
    page = logged_in.get(project.get_absolute_url()).content.decode()
    assert "10 calendar days behind baseline" in page
    project.refresh_from_db()
    assert project.health == Health.AMBER


@pytest.mark.parametrize("role", ["other_pm", "support"])
def test_readers_cannot_edit_a_project(request, client_as, role, project):
    user = request.getfixturevalue(role)
    response = client_as(user).post(reverse("projects:edit", args=[project.pk]), {"name": "X"})
    assert response.status_code == 403
    project.refresh_from_db()
    assert project.name == "Acme payroll onboarding"


def test_a_team_member_pm_may_edit(client_as, other_pm, project):
    ProjectMembership.objects.create(project=project, user=other_pm)
    assert client_as(other_pm).get(reverse("projects:edit", args=[project.pk])).status_code == 200


def test_edit_of_a_project_a_sales_rep_cannot_see_is_404(client_as, sales_rep, project):
    assert client_as(sales_rep).get(reverse("projects:edit", args=[project.pk])).status_code == 404


# Phase changes


def test_phase_change_refused_by_a_gate_says_what_is_missing(client_as, pm, project):
    project.phase = Phase.SALES_HANDOFF
    project.save()
    logged_in = client_as(pm)
    response = logged_in.post(
        reverse("projects:phase", args=[project.pk]), {"to_phase": "kickoff"}, follow=True
    )
    page = response.content.decode()
    assert "cannot move to Kick-off yet" in page
    assert "Link the sales handoff from the sales rep." in page
    project.refresh_from_db()
    assert project.phase == Phase.SALES_HANDOFF


def test_phase_change_is_recorded_with_who_and_when(client_as, pm, project):
    client_as(pm).post(
        reverse("projects:phase", args=[project.pk]), {"to_phase": "data_conversion"}
    )
    change = PhaseChange.objects.get(project=project)
    assert (change.to_phase, change.changed_by) == (Phase.DATA_CONVERSION, pm)
    page = client_as(pm).get(reverse("projects:history", args=[project.pk])).content.decode()
    assert "Configuration → Data conversion &amp; integrations" in page


def test_phase_change_is_post_only(client_as, pm, project):
    assert client_as(pm).get(reverse("projects:phase", args=[project.pk])).status_code == 405


def test_phase_change_with_an_unknown_phase_changes_nothing(client_as, pm, project):
    client_as(pm).post(reverse("projects:phase", args=[project.pk]), {"to_phase": "party"})
    project.refresh_from_db()
    assert project.phase == Phase.CONFIGURATION


@pytest.mark.parametrize("role", ["other_pm", "support"])
def test_readers_cannot_change_the_phase(request, client_as, role, project):
    user = request.getfixturevalue(role)
    response = client_as(user).post(
        reverse("projects:phase", args=[project.pk]), {"to_phase": "data_conversion"}
    )
    assert response.status_code == 403


def test_anonymous_phase_change_goes_to_login(client, project):
    response = client.post(reverse("projects:phase", args=[project.pk]), {"to_phase": "testing"})
    assert login_redirect(response)


# Health override


def test_pm_overrides_health_with_a_reason_until_a_date(client_as, pm, project):
    logged_in = client_as(pm)
    logged_in.post(
        reverse("projects:health_override", args=[project.pk]),
        {"health": "amber", "reason": "Client CFO unhappy", "until": days(7).isoformat()},
    )
    project.refresh_from_db()
    assert project.health == Health.AMBER and project.computed_health == Health.GREEN
    page = logged_in.get(project.get_absolute_url()).content.decode()
    assert "Client CFO unhappy" in page
    logged_in.post(reverse("projects:health_override_clear", args=[project.pk]))
    project.refresh_from_db()
    assert project.health == Health.GREEN


def test_override_without_reason_or_in_the_past_is_refused(client_as, pm, project):
    response = client_as(pm).post(
        reverse("projects:health_override", args=[project.pk]),
        {"health": "red", "reason": "", "until": days(-1).isoformat()},
        follow=True,
    )
    page = response.content.decode()
    assert "The override was not saved." in page
    assert "The override must last until today or later." in page
    project.refresh_from_db()
    assert project.health_override == ""


def test_support_cannot_override_health(client_as, support, project):
    response = client_as(support).post(
        reverse("projects:health_override", args=[project.pk]),
        {"health": "red", "reason": "x", "until": days(1).isoformat()},
    )
    assert response.status_code == 403


def test_override_is_post_only(client_as, pm, project):
    response = client_as(pm).get(reverse("projects:health_override", args=[project.pk]))
    assert response.status_code == 405


# UAT, team and comments


def test_pm_records_uat_sign_off_by_a_client_contact(client_as, pm, project):
    project.phase = Phase.TESTING
    project.save(update_fields=["phase"])
    contact = ContactFactory(client=project.client, name="Dana Ortiz")
    client_as(pm).post(
        reverse("projects:uat_signoff", args=[project.pk]),
        {"contact": contact.pk, "confirm": "on", "reason": "The sponsor is travelling."},
    )
    project.refresh_from_db()
    assert project.uat_signed_off_by == contact and project.uat_signed_off_at
    assert project.uat_signoff_recorded_by == pm


def test_uat_sign_off_by_another_clients_contact_is_refused(client_as, pm, project):
    project.phase = Phase.TESTING
    project.save(update_fields=["phase"])
    stranger = ContactFactory()
    response = client_as(pm).post(
        reverse("projects:uat_signoff", args=[project.pk]),
        {"contact": stranger.pk, "confirm": "on", "reason": "Travelling."},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    project.refresh_from_db()
    assert project.uat_signed_off_at is None


def test_pm_adds_and_removes_a_team_member(client_as, pm, other_pm, project):
    logged_in = client_as(pm)
    logged_in.post(
        reverse("projects:member_add", args=[project.pk]),
        {"user": other_pm.pk, "role": "trainer"},
    )
    assert ProjectMembership.objects.get(project=project, user=other_pm).role == "trainer"
    logged_in.post(reverse("projects:member_remove", args=[project.pk, other_pm.pk]))
    assert not ProjectMembership.objects.filter(project=project).exists()


def test_removing_a_member_who_owns_open_work_lists_it_and_asks_first(
    client_as, pm, other_pm, project
):
    ProjectMembership.objects.create(project=project, user=other_pm, role="trainer")
    TaskFactory(project=project, title="Train the payroll team", owner_user=other_pm)
    TaskFactory(project=project, title="Already trained", owner_user=other_pm, status="done")
    IssueFactory(project=project, title="Trainer's laptop is locked", owner=other_pm)
    RiskFactory(project=project, title="Trainer leaves in March", owner=other_pm)
    RiskFactory(project=project, title="Closed risk", owner=other_pm, status="closed")
    url = reverse("projects:member_remove", args=[project.pk, other_pm.pk])
    logged_in = client_as(pm)

    page = logged_in.post(url).content.decode()
    assert "Train the payroll team" in page and "Trainer&#x27;s laptop is locked" in page
    assert "Trainer leaves in March" in page
    assert "Already trained" not in page and "Closed risk" not in page
    assert ProjectMembership.objects.filter(project=project, user=other_pm).exists()

    unticked = logged_in.post(url, {"confirm_page": "1"}).content.decode()
    assert "Tick the box to confirm." in unticked
    assert ProjectMembership.objects.filter(project=project, user=other_pm).exists()

    response = logged_in.post(url, {"confirm_page": "1", "confirm": "on"})
    assert response.status_code == 302
    assert not ProjectMembership.objects.filter(project=project).exists()
    assert project.tasks.get(title="Train the payroll team").owner_user == other_pm


def test_removing_a_member_who_owns_only_a_risk_asks_first_too(client_as, pm, other_pm, project):
    ProjectMembership.objects.create(project=project, user=other_pm, role="trainer")
    RiskFactory(project=project, title="Trainer leaves in March", owner=other_pm)
    url = reverse("projects:member_remove", args=[project.pk, other_pm.pk])
    assert "Trainer leaves in March" in client_as(pm).post(url).content.decode()
    assert ProjectMembership.objects.filter(project=project, user=other_pm).exists()


def test_adding_a_member_with_a_bad_role_changes_nothing(client_as, pm, other_pm, project):
    client_as(pm).post(
        reverse("projects:member_add", args=[project.pk]), {"user": other_pm.pk, "role": "boss"}
    )
    assert not ProjectMembership.objects.exists()


def test_support_cannot_change_the_team(client_as, support, other_pm, project):
    response = client_as(support).post(
        reverse("projects:member_add", args=[project.pk]),
        {"user": other_pm.pk, "role": "trainer"},
    )
    assert response.status_code == 403


def test_support_may_comment_on_a_project_it_can_read(client_as, support, project):
    client_as(support).post(
        reverse("projects:comment", args=[project.pk]), {"body": "Ready for handoff?"}
    )
    assert Comment.objects.get(project=project).author == support


def test_an_empty_comment_is_refused(client_as, pm, project):
    response = client_as(pm).post(
        reverse("projects:comment", args=[project.pk]), {"body": "  "}, follow=True
    )
    assert "Write something before posting." in response.content.decode()
    assert not Comment.objects.exists()


def test_sales_rep_cannot_comment_on_a_project(client_as, sales_rep, project):
    response = client_as(sales_rep).post(
        reverse("projects:comment", args=[project.pk]), {"body": "Hi"}
    )
    assert response.status_code == 404


def test_history_page_lists_who_changed_what(client_as, pm, project):
    from projects import services

    task = TaskFactory(project=project, title="Import balances")
    services.task_set_status(task=task, user=pm, status=Task.Status.IN_PROGRESS)
    page = client_as(pm).get(reverse("projects:history", args=[project.pk])).content.decode()
    assert "Import balances" in page
    assert "In progress" in page
