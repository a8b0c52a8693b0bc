"""The alert pages, the navigation count and the project card."""

import re
from datetime import timedelta

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from alerts.models import Alert
from alerts.selectors import alert_count
from alerts.tests.factories import AlertFactory, AlertNotificationFactory
from clients import roles
from clients.roles import Role
from clients.tests.factories import UserFactory
from projects.tests.factories import ProjectFactory, TaskFactory

pytestmark = pytest.mark.django_db


def login_redirect(response) -> bool:
    return response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.fixture
def owner(db):
    return UserFactory(username="owner_user", first_name="Olive", last_name="Owner", role=Role.PM)


@pytest.fixture
def project(pm):
    return ProjectFactory(name="Acme payroll", pm=pm)


@pytest.fixture
def alert(project, owner):
    task = TaskFactory(project=project, title="Send census file", owner_user=owner)
    alert = AlertFactory(project=project, task=task)
    AlertNotificationFactory(alert=alert, recipient=owner, level=Alert.Level.OWNER)
    return alert


def list_url(**params) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse("alerts:list") + (f"?{query}" if query else "")


def subjects(response) -> list[str]:
    return [a.subject for a in response.context["page_obj"]]


# The list


def test_the_list_sends_anonymous_visitors_to_the_login_page(client):
    assert login_redirect(client.get(reverse("alerts:list")))


@pytest.mark.parametrize("who", ["sales_rep", "no_role_user"])
def test_sales_reps_and_people_without_a_role_find_no_alerts_page(request, client_as, who):
    assert client_as(request.getfixturevalue(who)).get(reverse("alerts:list")).status_code == 404


def test_the_list_cannot_be_posted_to(client_as, pm):
    assert client_as(pm).post(reverse("alerts:list")).status_code == 405


def test_mine_shows_alerts_i_own_was_told_about_or_are_on_projects_i_manage(
    client_as, owner, pm, alert, project
):
    told_pm = AlertFactory(project=ProjectFactory(), subject="Told the PM")
    AlertNotificationFactory(alert=told_pm, recipient=pm, level=Alert.Level.PM)
    AlertFactory(project=ProjectFactory(), subject="Someone else's")

    assert subjects(client_as(owner).get(list_url())) == ["Send census file"]
    assert sorted(subjects(client_as(pm).get(list_url(scope="mine")))) == [
        "Send census file",
        "Told the PM",
    ]


def test_my_projects_shows_alerts_on_projects_i_manage_or_am_on(client_as, pm, other_pm, alert):
    on_team = ProjectFactory(team=[pm])
    AlertFactory(project=on_team, subject="On my team's project")
    AlertFactory(project=ProjectFactory(pm=other_pm), subject="Elsewhere")

    response = client_as(pm).get(list_url(scope="projects"))

    assert sorted(subjects(response)) == ["On my team's project", "Send census file"]


def test_all_shows_every_alert_to_managers_and_to_support(client_as, manager, support, alert):
    AlertFactory(project=ProjectFactory(), subject="Elsewhere")
    for user in (manager, support):
        response = client_as(user).get(list_url(scope="all"))
        assert sorted(subjects(response)) == ["Elsewhere", "Send census file"]


def test_the_list_shows_open_and_acknowledged_alerts_unless_asked_for_others(client_as, manager):
    project = ProjectFactory()
    AlertFactory(project=project, subject="Open one")
    AlertFactory(project=project, subject="Acknowledged one", status=Alert.Status.ACKNOWLEDGED)
    AlertFactory(project=project, subject="Resolved one", status=Alert.Status.RESOLVED)
    AlertFactory(
        project=project,
        subject="Cleared one",
        status=Alert.Status.CLEARED,
        cleared_at=timezone.now(),
    )
    browser = client_as(manager)

    assert sorted(subjects(browser.get(list_url(scope="all")))) == [
        "Acknowledged one",
        "Open one",
    ]
    assert subjects(browser.get(list_url(scope="all", status="cleared"))) == ["Cleared one"]
    assert len(subjects(browser.get(list_url(scope="all", status="all")))) == 4


def test_the_list_filters_by_kind_level_and_project(client_as, manager):
    acme = ProjectFactory(name="Acme payroll")
    globex = ProjectFactory(name="Globex time")
    AlertFactory(project=acme, subject="Late task")
    AlertFactory(
        project=acme,
        subject="Quiet project",
        kind=Alert.Kind.PROJECT_INACTIVE,
        task=None,
        object_key=f"project:{acme.pk}",
        level=Alert.Level.MANAGER,
    )
    AlertFactory(project=globex, subject="Globex task")
    browser = client_as(manager)

    assert subjects(browser.get(list_url(scope="all", kind="project_inactive"))) == [
        "Quiet project"
    ]
    assert subjects(browser.get(list_url(scope="all", level=2))) == ["Quiet project"]
    assert subjects(browser.get(list_url(scope="all", q="globex"))) == ["Globex task"]
    assert sorted(subjects(browser.get(list_url(scope="all", project=acme.pk)))) == [
        "Late task",
        "Quiet project",
    ]


def test_the_list_sorts_newest_first_or_by_level(client_as, manager):
    project = ProjectFactory()
    now = timezone.now()
    AlertFactory(
        project=project, subject="Old manager alert", level=2, first_seen_at=now - timedelta(days=2)
    )
    AlertFactory(project=project, subject="New owner alert", level=0, first_seen_at=now)
    browser = client_as(manager)

    assert subjects(browser.get(list_url(scope="all"))) == ["New owner alert", "Old manager alert"]
    assert subjects(browser.get(list_url(scope="all", sort="level"))) == [
        "Old manager alert",
        "New owner alert",
    ]


def test_bad_filter_values_are_explained_not_a_crash(client_as, manager, alert):
    response = client_as(manager).get(list_url(scope="all", level=9, kind="bogus", sort="x"))
    assert response.status_code == 200
    errors = response.context["filter"].form.errors
    assert set(errors) == {"level", "kind", "sort"}
    assert "Select a valid choice" in response.content.decode()


def test_an_unknown_scope_falls_back_to_mine(client_as, owner, alert):
    response = client_as(owner).get(list_url(scope="everything"))
    assert response.context["scope"] == "mine"
    assert subjects(response) == ["Send census file"]


def test_the_acknowledge_button_is_offered_to_those_who_may_use_it(
    client_as, owner, support, alert
):
    assert "Acknowledge</button>" in client_as(owner).get(list_url()).content.decode()
    page = client_as(support).get(list_url(scope="all")).content.decode()
    assert "Send census file" in page and "Acknowledge</button>" not in page


def test_a_rows_acknowledge_button_sends_the_lists_one_form_to_that_alert(client_as, owner, alert):
    browser = client_as(owner)
    url = list_url(level="0")
    page = browser.get(url).content.decode()
    button = re.search(r'<button type="submit" form="([\w-]+)" formaction="([^"]+)"', page)
    form = re.search(rf'<form method="post" id="{button[1]}" hidden>(.*?)</form>', page, re.S)

    assert button[2] == reverse("alerts:acknowledge", args=[alert.pk])
    assert 'name="csrfmiddlewaretoken"' in form[1]
    assert f'name="next" value="{url}"' in form[1]
    response = browser.post(button[2], {"next": url})
    assert response.status_code == 302 and response.url == url
    alert.refresh_from_db()
    assert alert.status == Alert.Status.ACKNOWLEDGED


def _many_alerts(n: int, pm) -> None:
    for i in range(n):
        project = ProjectFactory(pm=pm if i % 2 else None)
        alert = AlertFactory(project=project, owner=UserFactory())
        AlertNotificationFactory(alert=alert, recipient=pm)


def test_the_list_makes_the_same_number_of_queries_for_many_alerts(
    client_as, pm, django_assert_num_queries
):
    # Session, user, roles, the navigation count, the page count, and the page of alerts.
    browser = client_as(pm)
    _many_alerts(3, pm)
    with django_assert_num_queries(6):
        browser.get(list_url(scope="all"))
    _many_alerts(12, pm)
    with django_assert_num_queries(6):
        response = browser.get(list_url(scope="all"))
    assert len(response.context["page_obj"]) == 15


# The detail page


def test_the_detail_page_sends_anonymous_visitors_to_the_login_page(client, alert):
    assert login_redirect(client.get(alert.get_absolute_url()))


def test_a_sales_rep_cannot_open_an_alert(client_as, sales_rep, alert):
    assert client_as(sales_rep).get(alert.get_absolute_url()).status_code == 404


def test_the_detail_page_cannot_be_posted_to(client_as, pm, alert):
    assert client_as(pm).post(alert.get_absolute_url()).status_code == 405


def test_an_alert_that_does_not_exist_is_not_found(client_as, pm):
    assert client_as(pm).get(reverse("alerts:detail", args=[99999])).status_code == 404


def test_the_detail_page_tells_the_alerts_story(client_as, owner, pm, manager, alert):
    later = alert.first_seen_at + timedelta(hours=25)
    AlertNotificationFactory(alert=alert, recipient=pm, level=Alert.Level.PM, created_at=later)
    Alert.objects.filter(pk=alert.pk).update(
        level=Alert.Level.PM,
        status=Alert.Status.ACKNOWLEDGED,
        acknowledged_by=manager,
        acknowledged_at=later + timedelta(hours=1),
    )
    response = client_as(pm).get(alert.get_absolute_url())
    page = response.content.decode()

    titles = [event.title for event in response.context["history"]]
    assert titles == [
        "Found by the escalation sweep",
        "Told the owner",
        "Told the project manager",
        "Acknowledged",
    ]
    assert "Olive Owner" in page and manager.get_full_name() in page
    assert "Send census file" in page and "Acme payroll" in page
    assert "Acknowledge</button>" not in page  # already acknowledged
    assert "Resolve</button>" in page


def test_support_reads_an_alert_without_being_offered_actions(client_as, support, alert):
    page = client_as(support).get(alert.get_absolute_url()).content.decode()
    assert "Send census file" in page
    assert "Acknowledge</button>" not in page and "Resolve</button>" not in page


def test_the_detail_page_makes_the_same_number_of_queries_for_a_long_history(
    client_as, pm, alert, django_assert_num_queries
):
    # Session, user, roles, the alert with its project and people, the task it is about, its
    # notifications with their emails, and the navigation count.
    browser = client_as(pm)
    with django_assert_num_queries(7):
        browser.get(alert.get_absolute_url())
    for _ in range(6):
        AlertNotificationFactory(alert=alert, level=Alert.Level.MANAGER)
    with django_assert_num_queries(7):
        response = browser.get(alert.get_absolute_url())
    assert len(response.context["history"]) == 8


# Acknowledging


def ack(browser, alert, **data):
    return browser.post(reverse("alerts:acknowledge", args=[alert.pk]), data)


def test_acknowledging_needs_a_login(client, alert):
    assert login_redirect(ack(client, alert))
    assert Alert.objects.get().status == Alert.Status.OPEN


def test_a_sales_rep_cannot_acknowledge(client_as, sales_rep, alert):
    assert ack(client_as(sales_rep), alert).status_code == 404


def test_support_reads_alerts_but_cannot_acknowledge_them(client_as, support, alert):
    assert ack(client_as(support), alert).status_code == 403
    assert Alert.objects.get().status == Alert.Status.OPEN


def test_a_pm_of_another_project_cannot_acknowledge(client_as, other_pm, alert):
    assert ack(client_as(other_pm), alert).status_code == 403


def test_acknowledging_is_post_only(client_as, owner, alert):
    assert client_as(owner).get(reverse("alerts:acknowledge", args=[alert.pk])).status_code == 405


@pytest.mark.parametrize("who", ["owner", "pm", "manager", "admin_user"])
def test_the_owner_the_pm_and_managers_acknowledge_an_alert(request, client_as, alert, who):
    user = request.getfixturevalue(who)
    browser = client_as(user)
    response = ack(browser, alert)
    assert response.status_code == 302 and response.url == alert.get_absolute_url()
    alert.refresh_from_db()
    assert (alert.status, alert.acknowledged_by, alert.next_escalation_at) == (
        Alert.Status.ACKNOWLEDGED,
        user,
        None,
    )
    page = browser.get(response.url).content.decode()
    assert "will not escalate" in page and "Acknowledged" in page


def test_acknowledging_from_the_list_goes_back_to_the_list(client_as, owner, alert):
    response = ack(client_as(owner), alert, next=list_url(scope="mine"))
    assert response.url == list_url(scope="mine")
    assert ack(client_as(owner), alert, next="https://evil.example/").url == (
        alert.get_absolute_url()
    )


def test_acknowledging_twice_explains_and_changes_nothing(client_as, owner, pm, alert):
    ack(client_as(owner), alert)
    response = ack(client_as(pm), alert)
    page = client_as(pm).get(response.url).content.decode()
    assert "acknowledged already" in page
    assert Alert.objects.get().acknowledged_by == owner


# Resolving


def resolve(browser, alert, **data):
    return browser.post(reverse("alerts:resolve", args=[alert.pk]), data)


def test_resolving_needs_a_login(client, alert):
    assert login_redirect(resolve(client, alert))


def test_a_sales_rep_cannot_resolve(client_as, sales_rep, alert):
    assert resolve(client_as(sales_rep), alert).status_code == 404


def test_support_cannot_resolve(client_as, support, alert):
    assert resolve(client_as(support), alert, note="Fine").status_code == 403
    assert Alert.objects.get().status == Alert.Status.OPEN


def test_resolving_is_post_only(client_as, owner, alert):
    assert client_as(owner).get(reverse("alerts:resolve", args=[alert.pk])).status_code == 405


def test_an_overlong_note_is_refused_with_a_form_error(client_as, owner, alert):
    response = resolve(client_as(owner), alert, note="x" * 2001)
    assert response.status_code == 200
    assert response.context["resolve_form"].errors["note"]
    assert "at most 2000 characters" in response.content.decode()
    assert Alert.objects.get().status == Alert.Status.OPEN


def test_the_owner_resolves_an_alert_with_a_note(client_as, owner, alert):
    browser = client_as(owner)
    response = resolve(browser, alert, note="The census file arrived by post.")
    alert.refresh_from_db()
    assert (alert.status, alert.resolved_by) == (Alert.Status.RESOLVED, owner)
    assert alert.resolution_note == "The census file arrived by post."
    page = browser.get(response.url).content.decode()
    assert "The census file arrived by post." in page and "Alert resolved" in page


def test_a_cleared_alert_cannot_be_resolved(client_as, owner, alert):
    Alert.objects.filter(pk=alert.pk).update(status=Alert.Status.CLEARED, cleared_at=timezone.now())
    browser = client_as(owner)
    response = resolve(browser, alert, note="Too late")
    assert "cleared already" in browser.get(response.url).content.decode()
    assert Alert.objects.get().status == Alert.Status.CLEARED


# The navigation count


def test_the_navigation_counts_unresolved_alerts_that_concern_me(client_as, owner, alert, project):
    AlertFactory(project=project, owner=owner, subject="Another")
    AlertFactory(project=project, owner=owner, status=Alert.Status.ACKNOWLEDGED)
    AlertFactory(project=project, owner=owner, status=Alert.Status.RESOLVED)
    AlertFactory(project=ProjectFactory(), subject="Not mine")

    page = client_as(owner).get(reverse("alerts:list")).content.decode()

    assert "3 open alerts" in page


def badge_count(page: str) -> int:
    match = re.search(r"(\d+) open alerts? ?</span>", page)
    return int(match.group(1)) if match else 0


def test_the_badge_counts_the_rows_the_alerts_page_opens_on_for_every_role(
    client_as, pm, other_pm, manager, support, owner, alert, project
):
    """The navigation's number and the list behind its link are one set, whoever looks."""
    on_team = ProjectFactory(pm=other_pm, team=[pm, support])
    AlertFactory(project=on_team, subject="On a team project, owned by nobody", owner=None)
    AlertFactory(
        project=project,
        owner=None,
        subject="On the PM's project, acknowledged",
        status=Alert.Status.ACKNOWLEDGED,
    )
    AlertFactory(project=project, subject="Resolved", status=Alert.Status.RESOLVED)
    at_managers = AlertFactory(project=on_team, owner=None, level=Alert.Level.MANAGER)
    AlertNotificationFactory(alert=at_managers, recipient=support, level=Alert.Level.PM)
    AlertFactory(project=ProjectFactory(), owner=other_pm, subject="Other PM's own")
    expected = {pm: 2, manager: 1, support: 1, owner: 1, other_pm: 3}

    for user, rows in expected.items():
        browser = client_as(user)
        listed = browser.get(reverse("alerts:list"))
        page = browser.get(reverse("home")).content.decode()
        assert listed.context["page_obj"].paginator.count == rows, user.username
        assert badge_count(page) == rows == alert_count(user), user.username


def test_a_pm_counts_alerts_on_projects_they_manage(pm, alert):
    AlertFactory(project=ProjectFactory())
    assert alert_count(pm) == 1


def test_a_manager_counts_every_alert_that_reached_managers(manager, alert):
    AlertFactory(project=ProjectFactory(), level=Alert.Level.MANAGER)
    AlertFactory(project=ProjectFactory(), level=Alert.Level.MANAGER, status=Alert.Status.RESOLVED)
    AlertFactory(project=ProjectFactory(), level=Alert.Level.PM)
    assert alert_count(manager) == 1


def test_the_count_is_one_query(pm, alert, django_assert_num_queries):
    roles.is_manager(pm)  # a request reads roles once, in the role context processor
    with django_assert_num_queries(1):
        alert_count(pm)


def test_no_badge_without_open_alerts_and_no_alerts_item_for_sales_reps(
    client_as, support, sales_rep, alert
):
    page = client_as(support).get(reverse("home")).content.decode()
    assert 'href="/alerts/"' in page and "open alert" not in page
    page = client_as(sales_rep).get(reverse("home")).content.decode()
    assert 'href="/alerts/"' not in page


# The project card


def render_card(project) -> str:
    template = Template("{% load alerts_tags %}{% project_alerts_card project %}")
    return template.render(Context({"project": project}))


def test_the_project_card_lists_the_projects_open_alerts(project, alert):
    AlertFactory(project=project, subject="Acknowledged", status=Alert.Status.ACKNOWLEDGED)
    AlertFactory(project=project, subject="Resolved", status=Alert.Status.RESOLVED)
    AlertFactory(project=ProjectFactory(), subject="Another project's")

    card = render_card(project)

    assert "Send census file" in card and "Acknowledged" in card
    assert "Resolved" not in card and "Another project" not in card
    assert "2 open alerts" in card


def test_the_project_card_says_so_when_all_is_quiet(project):
    assert "No open alerts on this project." in render_card(project)


def test_the_project_card_shows_a_few_and_links_to_the_rest(project, django_assert_max_num_queries):
    for _ in range(7):
        AlertFactory(project=project)
    with django_assert_max_num_queries(2):
        card = render_card(project)
    assert "All 7 open alerts" in card
    assert card.count('class="fw-semibold"') == 5


def test_home_page_lists_the_open_alerts_that_concern_the_pm(client_as, pm, other_pm, alert):
    page = client_as(pm).get(reverse("home")).content.decode()
    assert "Alerts for you" in page
    assert alert.subject in page
    assert alert.subject not in client_as(other_pm).get(reverse("home")).content.decode()
