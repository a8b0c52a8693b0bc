"""The calendar feeds parse as iCalendar, hold the right events, and open only while allowed."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from calendars import services
from calendars.models import CalendarFeed
from clients.roles import Role
from meetings.tests.factories import MeetingFactory
from projects.models import Task
from projects.tests.factories import MilestoneFactory, ProjectFactory, TaskFactory

pytestmark = pytest.mark.django_db
TODAY: datetime.date  # set for each test by `_today`


@pytest.fixture(autouse=True)
def _today():
    """Today as each test runs: read at import, it would be yesterday's after midnight."""
    global TODAY
    TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def events(response) -> dict[str, object]:
    """The feed's events by summary, parsed with the icalendar library."""
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    return {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}


@pytest.fixture
def project(pm):
    project = ProjectFactory(name="Acme payroll", pm=pm, forecast_go_live=days(40))
    MilestoneFactory(project=project, name="Payroll configured", due_date=days(10))
    MilestoneFactory(project=project, name="Parallel run", due_date=days(20))
    return project


@pytest.fixture
def kickoff(project, pm):
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=3)
    return MeetingFactory(
        project=project, title="Kick-off", starts_at=start, duration_minutes=90, attendee_users=[pm]
    )


@pytest.fixture
def feed(pm):
    return services.calendar_feed_reset(user=pm)


def project_feed_url(feed, project) -> str:
    return reverse("calendars:project_feed", args=[feed.token, project.pk])


def test_the_token_is_long_random_and_unique(pm, other_pm):
    first, second = (
        services.calendar_feed_reset(user=pm),
        services.calendar_feed_reset(user=other_pm),
    )
    assert len(first.token) >= 43 and first.token != second.token


def test_the_project_feed_holds_its_milestones_all_day_its_go_live_and_its_meetings(
    client, project, kickoff, feed, django_assert_num_queries
):
    # token and user, their roles, the project, its milestones, its meetings
    with django_assert_num_queries(5):
        response = client.get(project_feed_url(feed, project))
    assert response.status_code == 200
    found = events(response)
    assert set(found) == {
        "Milestone: Payroll configured",
        "Milestone: Parallel run",
        "Go-live: Acme payroll",
        "Kick-off (Acme payroll)",
    }
    milestone = found["Milestone: Payroll configured"]
    assert milestone["DTSTART"].dt == days(10) and milestone["DTEND"].dt == days(11)
    assert not isinstance(milestone["DTSTART"].dt, datetime.datetime)  # an all-day event
    assert found["Go-live: Acme payroll"]["DTSTART"].dt == days(40)
    meeting = found["Kick-off (Acme payroll)"]
    assert meeting["DTSTART"].dt == kickoff.starts_at
    assert meeting["DTEND"].dt == kickoff.starts_at + datetime.timedelta(minutes=90)
    assert str(meeting["UID"]) == f"meeting-{kickoff.pk}@golive"


def test_the_project_feed_takes_the_same_queries_however_big_the_plan(
    client, project, feed, django_assert_num_queries
):
    for n in range(10):
        MilestoneFactory(project=project, name=f"Extra {n}")
        MeetingFactory(project=project)
    with django_assert_num_queries(5):
        response = client.get(project_feed_url(feed, project))
    assert len(events(response)) == 2 + 1 + 20


def test_the_user_feed_holds_their_open_tasks_due_and_the_meetings_they_attend(
    client, pm, other_pm, project, kickoff, feed, django_assert_num_queries
):
    TaskFactory(project=project, title="Map earnings codes", owner_user=pm, due_date=days(4))
    TaskFactory(project=project, title="Finished", owner_user=pm, status=Task.Status.DONE)
    TaskFactory(project=project, title="No due date", owner_user=pm, due_date=None)
    TaskFactory(project=project, title="Someone else's", owner_user=other_pm)
    MeetingFactory(project=project, title="Without me")
    url = reverse("calendars:user_feed", args=[feed.token])
    # token and user, their roles, tasks, meetings
    with django_assert_num_queries(4):
        response = client.get(url)
    found = events(response)
    assert set(found) == {"Due: Map earnings codes (Acme payroll)", "Kick-off (Acme payroll)"}
    assert found["Due: Map earnings codes (Acme payroll)"]["DTSTART"].dt == days(4)


def test_a_reset_link_refuses_the_old_address_and_a_revoked_one_everything(
    client, client_as, pm, project, feed
):
    old_user_url = reverse("calendars:user_feed", args=[feed.token])
    old_project_url = project_feed_url(feed, project)
    response = client_as(pm).post(reverse("calendars:reset"))
    assert response.status_code == 302
    new = CalendarFeed.objects.get(user=pm)
    assert new.token != feed.token
    client.logout()
    assert client.get(old_user_url).status_code == 404
    assert client.get(old_project_url).status_code == 404
    assert client.get(reverse("calendars:user_feed", args=[new.token])).status_code == 200

    client_as(pm).post(reverse("calendars:revoke"))
    client.logout()
    response = client.get(reverse("calendars:user_feed", args=[new.token]))
    assert response.status_code == 404
    assert b"BEGIN:VCALENDAR" not in response.content and b"Acme" not in response.content


@pytest.mark.parametrize("token", ["x", "not-a-token-" * 3, "a" * 200])
def test_an_unknown_address_gets_404_and_reveals_nothing(client, project, feed, token):
    for url in (
        reverse("calendars:user_feed", args=[token]),
        reverse("calendars:project_feed", args=[token, project.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert b"Acme" not in response.content


def test_a_user_who_lost_access_to_the_project_gets_404_from_its_feed(client, pm, project, feed):
    url = project_feed_url(feed, project)
    assert client.get(url).status_code == 200
    pm.groups.remove(Group.objects.get(name=Role.PM))
    response = client.get(url)
    assert response.status_code == 404 and b"Acme" not in response.content


def test_a_deactivated_users_links_stop_working(client, pm, project, feed):
    pm.is_active = False
    pm.save(update_fields=["is_active"])
    assert client.get(project_feed_url(feed, project)).status_code == 404
    assert client.get(reverse("calendars:user_feed", args=[feed.token])).status_code == 404


def test_the_feed_takes_no_post(client, project, feed):
    assert client.post(project_feed_url(feed, project)).status_code == 405


def test_the_calendar_feeds_page_lists_the_link_and_resets_it(client_as, pm, project):
    browser = client_as(pm)
    page = browser.get(reverse("calendars:settings")).content.decode()
    assert "Get my calendar link" in page
    browser.post(reverse("calendars:reset"))
    feed = CalendarFeed.objects.get(user=pm)
    page = browser.get(reverse("calendars:settings")).content.decode()
    assert reverse("calendars:user_feed", args=[feed.token]) in page and "Reset link" in page
    # The project page loads its calendar card when scrolled to.
    project_page = browser.get(
        project.get_absolute_url(), {"fragment": "more"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert reverse("calendars:project_feed", args=[feed.token, project.pk]) in project_page


def test_a_project_page_offers_a_link_and_comes_back_to_the_project(client_as, pm, project):
    browser = client_as(pm)
    card = browser.get(project.get_absolute_url(), {"fragment": "more"}, HTTP_HX_REQUEST="true")
    assert "Get a calendar link" in card.content.decode()
    assert f'name="next" value="{project.get_absolute_url()}"' in card.content.decode()
    response = browser.post(reverse("calendars:reset"), {"next": project.get_absolute_url()})
    assert response.url == project.get_absolute_url()
    response = browser.post(reverse("calendars:reset"), {"next": "https://evil.example/"})
    assert response.url == reverse("calendars:settings")


@pytest.mark.parametrize("outsider", ["sales_rep", "no_role_user"])
def test_sales_reps_and_users_without_a_role_get_no_calendar_links(client_as, request, outsider):
    browser = client_as(request.getfixturevalue(outsider))
    assert browser.get(reverse("calendars:settings")).status_code == 403
    assert browser.post(reverse("calendars:reset")).status_code == 403
    assert browser.post(reverse("calendars:revoke")).status_code == 403
    assert not CalendarFeed.objects.exists()


def test_the_calendar_pages_need_a_login_and_the_actions_a_post(client, client_as, pm):
    assert client.get(reverse("calendars:settings")).status_code == 302
    assert client.post(reverse("calendars:reset")).status_code == 302
    assert not CalendarFeed.objects.exists()
    assert client_as(pm).get(reverse("calendars:reset")).status_code == 405
    assert client_as(pm).get(reverse("calendars:revoke")).status_code == 405
    assert client_as(pm).post(reverse("calendars:settings")).status_code == 405
