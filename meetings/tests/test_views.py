"""Meeting pages: who may open and change them, and what a PM sees after recording a meeting."""

import datetime
import uuid

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clients.roles import Role
from clients.tests.factories import ClientFactory, ContactFactory, UserFactory
from meetings import services
from meetings.models import ActionItem, Decision, Meeting
from meetings.tests.factories import DecisionFactory, MeetingFactory
from projects.models import Task
from projects.tests.factories import ProjectFactory, ProjectMembershipFactory, TaskFactory

pytestmark = pytest.mark.django_db
TODAY: datetime.date  # set for each test by `_today`


@pytest.fixture(autouse=True)
def _today():
    """Today as each test runs: read at import, it would be yesterday's after midnight."""
    global TODAY
    TODAY = timezone.localdate()


def page(response) -> str:
    return response.content.decode()


def login_redirect(response) -> bool:
    return response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.fixture
def project(pm, sales_rep):
    return ProjectFactory(
        name="Acme payroll onboarding",
        pm=pm,
        client=ClientFactory(name="Acme Corp", sales_rep=sales_rep),
    )


@pytest.fixture
def contact(project):
    return ContactFactory(client=project.client, name="Dana Client", email="dana@acme.example")


@pytest.fixture
def meeting(project, pm):
    return MeetingFactory(project=project, title="Kick-off with Acme", attendee_users=[pm])


# Every page: URL name, whose pk it takes, the access it needs.
PAGES = [
    ("meeting_list", "project", "read"),
    ("decision_list", "project", "read"),
    ("meeting_detail", "meeting", "read"),
    ("meeting_create", "project", "edit"),
    ("meeting_edit", "meeting", "edit"),
    ("action_item_create", "meeting", "edit"),
    ("decision_create", "meeting", "edit"),
]
IDS = [name for name, *_ in PAGES]
EDIT_PAGES = [p for p in PAGES if p[2] == "edit"]
READ_PAGES = [p for p in PAGES if p[2] == "read"]


def url(name: str, target: str, project, meeting) -> str:
    obj = project if target == "project" else meeting
    return reverse(f"meetings:{name}", args=[obj.pk])


@pytest.mark.parametrize(("name", "target", "kind"), PAGES, ids=IDS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_are_sent_to_log_in(
    client, project, meeting, name, target, kind, method
):
    response = getattr(client, method)(url(name, target, project, meeting))
    assert login_redirect(response)


@pytest.mark.parametrize(("name", "target", "kind"), PAGES, ids=IDS)
@pytest.mark.parametrize("outsider", ["sales_rep", "other_sales_rep", "no_role_user"])
def test_sales_reps_and_users_without_a_role_do_not_learn_the_meeting_exists(
    client_as, request, project, meeting, name, target, kind, outsider
):
    browser = client_as(request.getfixturevalue(outsider))
    assert browser.get(url(name, target, project, meeting)).status_code == 404
    if kind == "edit":
        assert browser.post(url(name, target, project, meeting)).status_code == 404


@pytest.mark.parametrize(("name", "target", "kind"), EDIT_PAGES, ids=[p[0] for p in EDIT_PAGES])
@pytest.mark.parametrize("reader", ["support", "other_pm"])
def test_support_and_other_pms_read_but_may_not_change(
    client_as, request, project, meeting, name, target, kind, reader
):
    browser = client_as(request.getfixturevalue(reader))
    meetings_before = Meeting.objects.count()
    assert browser.get(url(name, target, project, meeting)).status_code == 403
    assert browser.post(url(name, target, project, meeting), {"title": "x"}).status_code == 403
    assert Meeting.objects.count() == meetings_before


@pytest.mark.parametrize(("name", "target", "kind"), READ_PAGES, ids=[p[0] for p in READ_PAGES])
@pytest.mark.parametrize("reader", ["pm", "other_pm", "support", "manager", "admin_user"])
def test_everyone_who_reads_the_project_reads_its_meetings(
    client_as, request, project, meeting, name, target, kind, reader
):
    browser = client_as(request.getfixturevalue(reader))
    response = browser.get(url(name, target, project, meeting))
    assert response.status_code == 200
    assert browser.post(url(name, target, project, meeting)).status_code == 405


@pytest.mark.parametrize(("name", "target", "kind"), EDIT_PAGES, ids=[p[0] for p in EDIT_PAGES])
@pytest.mark.parametrize("editor", ["pm", "manager", "team_member"])
def test_the_pm_their_team_and_managers_open_the_forms(
    client_as, request, project, meeting, name, target, kind, editor
):
    if editor == "team_member":
        user = UserFactory(username="consultant", role="Implementation PM")
        project.team.add(user)
    else:
        user = request.getfixturevalue(editor)
    assert client_as(user).get(url(name, target, project, meeting)).status_code == 200
    assert client_as(user).put(url(name, target, project, meeting)).status_code == 405


def _meeting_data(**overrides) -> dict:
    data = {
        "kind": "weekly_status",
        "title": "Weekly status 3",
        "starts_at": (timezone.localtime() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": "45",
        "agenda": "Census file\nPay groups",
        "minutes": "",
    }
    data.update(overrides)
    return data


def test_a_pm_records_a_meeting_with_attendees_and_sees_it_on_the_project(
    client_as, pm, project, contact
):
    browser = client_as(pm)
    form = browser.get(reverse("meetings:meeting_create", args=[project.pk]))
    key = form.context["form"]["submission_key"].value()
    assert f'name="submission_key" value="{key}"' in page(form)
    data = _meeting_data(submission_key=key, attendee_users=[pm.pk], attendee_contacts=[contact.pk])
    response = browser.post(reverse("meetings:meeting_create", args=[project.pk]), data)
    meeting = Meeting.objects.get(project=project)
    assert response.status_code == 302 and response.url == meeting.get_absolute_url()
    detail = page(browser.get(meeting.get_absolute_url()))
    assert "Weekly status 3" in detail and "Dana Client" in detail and "Census file" in detail
    # Sent twice (a double click): still one meeting, and the PM lands on it, told so.
    again = browser.post(reverse("meetings:meeting_create", args=[project.pk]), data)
    assert again.status_code == 302 and again.url == meeting.get_absolute_url()
    assert "already been sent" in str(list(get_messages(again.wsgi_request))[-1])
    assert Meeting.objects.filter(project=project).count() == 1
    # The project page loads its meetings card when scrolled to.
    project_page = page(
        browser.get(project.get_absolute_url(), {"fragment": "more"}, HTTP_HX_REQUEST="true")
    )
    assert "Meetings and decisions" in project_page and "Weekly status 3" in project_page


def test_a_meeting_with_bad_input_shows_why_and_records_nothing(client_as, pm, project):
    other_clients_contact = ContactFactory()
    data = _meeting_data(
        submission_key=str(uuid.uuid4()),
        title="",
        duration_minutes="0",
        attendee_contacts=[other_clients_contact.pk],
    )
    response = client_as(pm).post(reverse("meetings:meeting_create", args=[project.pk]), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "title" in errors and "duration_minutes" in errors and "attendee_contacts" in errors
    assert not Meeting.objects.exists()


def test_editing_the_minutes_saves_them_and_a_stale_form_changes_nothing(
    client_as, pm, manager, meeting
):
    edit_url = reverse("meetings:meeting_edit", args=[meeting.pk])
    pm_form = client_as(pm).get(edit_url).context["form"]
    assert pm_form["version"].value() == 1
    base = _meeting_data(title=meeting.title, version="1")

    response = client_as(manager).post(edit_url, {**base, "minutes": "Census arrives Friday."})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes == "Census arrives Friday." and meeting.version == 2

    # The PM's form was opened at version 1: their save is refused, says who changed what,
    # and keeps what they typed.
    response = client_as(pm).post(edit_url, {**base, "minutes": "Nothing decided."})
    assert response.status_code == 200
    text = page(response)
    assert "changed this meeting" in text and "nothing was saved" in text and "Minutes" in text
    assert manager.username in text or manager.get_full_name() in text
    assert "Nothing decided." in text
    meeting.refresh_from_db()
    assert meeting.minutes == "Census arrives Friday." and meeting.version == 2

    # Having read what changed, the PM saves again on purpose: now it is kept.
    resent = response.context["form"].data.dict()
    assert resent["version"] == "2"
    assert client_as(pm).post(edit_url, resent).status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes == "Nothing decided." and meeting.version == 3


def test_an_action_item_becomes_a_task_of_the_project_linked_to_the_meeting(
    client_as, pm, project, meeting, contact
):
    browser = client_as(pm)
    create_url = reverse("meetings:action_item_create", args=[meeting.pk])
    form = browser.get(create_url).context["form"]
    due = TODAY + datetime.timedelta(days=5)
    data = {
        "title": "Send the employee census file",
        "notes": "All active employees.",
        "owner_contact": contact.pk,
        "due_date": due.isoformat(),
        "submission_key": form["submission_key"].value(),
    }
    response = browser.post(create_url, data)
    assert response.status_code == 302
    browser.post(create_url, data)  # a double click makes no second task

    task = Task.objects.get(project=project)
    assert task.title == "Send the employee census file"
    assert task.owner_contact == contact and task.due_date == due
    assert "Kick-off with Acme" in task.description
    assert ActionItem.objects.get().task == task and task.meeting_action.meeting == meeting
    detail = page(browser.get(meeting.get_absolute_url()))
    assert "Send the employee census file" in detail and "Dana Client (client)" in detail
    assert task.get_absolute_url() in detail
    task_page = page(browser.get(task.get_absolute_url()))
    assert "Action item from the meeting “Kick-off with Acme”" in task_page


@pytest.fixture
def action_task(pm, meeting, contact):
    """The task an action item of the meeting became."""
    item = services.action_item_create(
        meeting=meeting,
        user=pm,
        title="Send the employee census file",
        due_date=TODAY + datetime.timedelta(days=5),
        owner_contact=contact,
    )
    return item.task


@pytest.mark.parametrize("role", ["pm", "other_pm", "manager", "support", "admin_user"])
def test_the_task_an_action_item_became_links_back_to_its_meeting(
    request, client_as, meeting, action_task, role
):
    browser = client_as(request.getfixturevalue(role))

    task_page = page(browser.get(action_task.get_absolute_url()))

    when = timezone.localtime(meeting.starts_at).strftime("%-d %b %Y")
    link = f'From meeting: <a href="{meeting.get_absolute_url()}">Kick-off with Acme, {when}</a>'
    assert link in task_page
    # Whoever reads the task may open the meeting it links to.
    assert browser.get(meeting.get_absolute_url()).status_code == 200


def test_a_task_of_no_meeting_links_to_none(client_as, pm, project, meeting):
    task = TaskFactory(project=project, title="Map pay codes")

    task_page = page(client_as(pm).get(task.get_absolute_url()))

    assert "From meeting" not in task_page and meeting.get_absolute_url() not in task_page


@pytest.mark.parametrize("role", ["sales_rep", "no_role_user"])
def test_who_may_not_see_the_meeting_sees_neither_the_task_nor_its_link(
    request, client_as, meeting, action_task, role
):
    browser = client_as(request.getfixturevalue(role))

    response = browser.get(action_task.get_absolute_url())

    assert response.status_code == 404 and "Kick-off with Acme" not in page(response)
    assert browser.get(meeting.get_absolute_url()).status_code == 404


def test_the_meeting_link_costs_the_task_page_no_query(client_as, pm, project, action_task):
    plain = TaskFactory(project=project, title="Map pay codes")
    browser = client_as(pm)
    browser.get(plain.get_absolute_url())
    with CaptureQueriesContext(connection) as without_meeting:
        browser.get(plain.get_absolute_url())
    with CaptureQueriesContext(connection) as with_meeting:
        response = browser.get(action_task.get_absolute_url())

    assert "From meeting" in page(response)
    assert len(with_meeting) == len(without_meeting)


def test_an_action_item_without_an_owner_is_refused_and_makes_no_task(client_as, pm, meeting):
    data = {
        "title": "Decide on pay groups",
        "due_date": TODAY.isoformat(),
        "submission_key": str(uuid.uuid4()),
    }
    response = client_as(pm).post(reverse("meetings:action_item_create", args=[meeting.pk]), data)
    assert response.status_code == 200
    assert "one owner" in page(response)
    assert not Task.objects.exists() and not ActionItem.objects.exists()


def test_decisions_are_recorded_and_listed_on_the_meeting_and_the_project(
    client_as, pm, support, project, meeting
):
    create_url = reverse("meetings:decision_create", args=[meeting.pk])
    data = {
        "text": "Hourly staff are paid bi-weekly.",
        "decided_on": TODAY.isoformat(),
        "decided_by": "Acme payroll lead",
        "submission_key": str(uuid.uuid4()),
    }
    assert client_as(pm).post(create_url, data).status_code == 302
    again = client_as(pm).post(create_url, data)  # a double click records no second decision
    assert again.status_code == 302 and again.url == meeting.get_absolute_url() + "#decisions"
    assert Decision.objects.count() == 1

    reader = client_as(support)
    for shown_on in (
        meeting.get_absolute_url(),
        reverse("meetings:decision_list", args=[project.pk]),
        project.get_absolute_url() + "?fragment=more",
    ):
        text = page(reader.get(shown_on, HTTP_HX_REQUEST="true"))
        assert "Hourly staff are paid bi-weekly." in text and "Acme payroll lead" in text


def test_a_decision_form_sent_again_to_another_meeting_records_nothing_twice(
    client_as, pm, project, meeting
):
    data = {
        "text": "Pay weekly.",
        "decided_on": TODAY.isoformat(),
        "decided_by": "Client",
        "submission_key": str(uuid.uuid4()),
    }
    browser = client_as(pm)
    browser.post(reverse("meetings:decision_create", args=[meeting.pk]), data)
    other = MeetingFactory(project=project)
    again = browser.post(reverse("meetings:decision_create", args=[other.pk]), data)
    # The same submission, replayed: the PM is led to where it was recorded.
    assert again.status_code == 302 and again.url.startswith(meeting.get_absolute_url())
    assert Decision.objects.get().meeting == meeting


def test_a_decision_without_text_is_refused(client_as, pm, meeting):
    data = {"text": "", "decided_on": "not a date", "decided_by": "x", "submission_key": "x"}
    response = client_as(pm).post(reverse("meetings:decision_create", args=[meeting.pk]), data)
    assert response.status_code == 200
    assert set(response.context["form"].errors) >= {"text", "decided_on", "submission_key"}
    assert not Decision.objects.exists()


def test_messages_confirm_what_was_saved(client_as, pm, meeting):
    data = {
        "text": "Go-live moves to 1 March.",
        "decided_on": TODAY.isoformat(),
        "decided_by": "Steering committee",
        "submission_key": str(uuid.uuid4()),
    }
    response = client_as(pm).post(reverse("meetings:decision_create", args=[meeting.pk]), data)
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Decision recorded."]


@pytest.mark.parametrize("rows", [2, 8])
def test_the_meeting_list_takes_the_same_queries_however_many_meetings(
    client_as, pm, project, django_assert_num_queries, rows
):
    for _n in range(rows):
        meeting = MeetingFactory(project=project, attendee_users=[pm])
        DecisionFactory(meeting=meeting)
    browser = client_as(pm)
    list_url = reverse("meetings:meeting_list", args=[project.pk])
    browser.get(list_url)
    # session, user, groups, project, membership (may edit), count, page of meetings
    with django_assert_num_queries(7):
        response = browser.get(list_url)
    assert page(response).count('href="/meetings/') == rows


@pytest.mark.parametrize("rows", [2, 8])
def test_the_meeting_page_takes_the_same_queries_however_many_items(
    client_as, pm, project, contact, django_assert_num_queries, rows
):
    meeting = MeetingFactory(project=project, attendee_users=[pm])
    meeting.attendee_contacts.add(contact)
    for n in range(rows):
        DecisionFactory(meeting=meeting)
        task = Task.objects.create(project=project, title=f"Action {n}", owner_user=pm)
        ActionItem.objects.create(meeting=meeting, task=task)
    browser = client_as(pm)
    browser.get(meeting.get_absolute_url())
    with django_assert_num_queries(9):
        response = browser.get(meeting.get_absolute_url())
    text = page(response)
    assert all(f"Action {n}" in text for n in range(rows))


def test_the_meeting_list_filters_by_kind_and_by_upcoming_or_past(client_as, support, project):
    now = timezone.now()
    MeetingFactory(project=project, title="Old status", starts_at=now - datetime.timedelta(days=7))
    MeetingFactory(
        project=project,
        title="Readiness",
        kind=Meeting.Kind.GO_LIVE_READINESS,
        starts_at=now + datetime.timedelta(days=7),
    )
    list_url = reverse("meetings:meeting_list", args=[project.pk])
    browser = client_as(support)
    upcoming = page(browser.get(list_url, {"when": "upcoming"}))
    assert "Readiness" in upcoming and "Old status" not in upcoming
    by_kind = page(browser.get(list_url, {"kind": "weekly_status"}))
    assert "Old status" in by_kind and "Readiness" not in by_kind
    assert browser.get(list_url, {"kind": "nonsense"}).status_code == 200


def test_an_action_item_is_owned_by_one_of_the_projects_people(client_as, pm, project, meeting):
    outsider = UserFactory(first_name="Olga", last_name="Outsider", role=Role.PM)
    browser = client_as(pm)
    create_url = reverse("meetings:action_item_create", args=[meeting.pk])

    form_page = browser.get(create_url)
    data = {
        "title": "Map the pay codes",
        "owner_user": outsider.pk,
        "due_date": TODAY.isoformat(),
        "submission_key": form_page.context["form"]["submission_key"].value(),
    }
    refused = browser.post(create_url, data)

    assert "Olga Outsider" not in page(form_page)
    assert f'<option value="{pm.pk}" selected>' in page(form_page)
    assert refused.context["form"].errors["owner_user"]
    assert not Task.objects.exists()


def test_the_edit_form_offers_the_team_and_past_attendees_once_each(client_as, project, pm):
    consultant = UserFactory(first_name="Carla", last_name="Consultant")
    ProjectMembershipFactory(project=project, user=consultant)
    left_the_team = UserFactory(first_name="Lena", last_name="Leaver")
    stranger = UserFactory(first_name="Sam", last_name="Stranger")
    meeting = MeetingFactory(project=project, attendee_users=[pm, consultant, left_the_team])
    MeetingFactory(project=project, attendee_users=[stranger])
    form = client_as(pm).get(reverse("meetings:meeting_edit", args=[meeting.pk])).context["form"]
    offered = list(form.fields["attendee_users"].queryset)
    assert sorted(offered, key=lambda user: user.pk) == sorted(
        [pm, consultant, left_the_team], key=lambda user: user.pk
    )
