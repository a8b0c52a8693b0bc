"""The report pages: history, a stored report, the preview, send now, schedule and notes."""

import pytest
from django.contrib.auth.models import User
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from clients.roles import Role
from clients.tests.factories import ContactFactory, UserFactory
from outbox.models import OutgoingEmail
from reports import services
from reports.models import Cadence, StatusReport, StatusReportSettings, Weekday

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(make_project, pm):
    return make_project(pm=pm)


def send(project, user=None, minutes_ago: int = 0) -> StatusReport:
    moment = timezone.now() - timezone.timedelta(minutes=minutes_ago)
    return services.report_send_now(project=project, user=user, now=moment)[0]


def login_redirect(response) -> bool:
    return response.status_code == 302 and response.url.startswith(reverse("login"))


def history_url(project) -> str:
    return reverse("reports:project_reports", args=[project.pk])


# History


def test_history_sends_anonymous_visitors_to_log_in(client, project):
    assert login_redirect(client.get(history_url(project)))


@pytest.mark.parametrize("outsider", ["sales_rep", "no_role_user"])
def test_history_is_not_found_for_people_outside_the_implementation_team(
    client_as, project, outsider, request
):
    user = request.getfixturevalue(outsider)
    assert client_as(user).get(history_url(project)).status_code == 404


def test_history_only_answers_get(client_as, support, project):
    assert client_as(support).post(history_url(project)).status_code == 405


def test_support_reads_the_report_history_newest_first_with_delivery(client_as, support, project):
    older = send(project, minutes_ago=60 * 24 * 7)
    newer = send(project, user=project.pm)
    OutgoingEmail.objects.filter(about_id=newer.pk).update(status=OutgoingEmail.Status.SENT)
    OutgoingEmail.objects.filter(about_id=newer.pk, to_email__startswith="rep").update(
        status=OutgoingEmail.Status.FAILED
    )
    response = client_as(support).get(history_url(project))
    assert list(response.context["page_obj"]) == [newer, older]
    page = response.content.decode()
    assert "3 sent" in page and "1 failed" in page and "4 waiting" in page
    assert "Send a report now" not in page  # support reads, does not send


def test_history_filters_by_kind_and_shrugs_off_a_bad_filter(client_as, pm, project):
    scheduled = services.reports_send_due(project_id=project.pk)
    manual = send(project, user=pm)
    logged_in = client_as(pm)
    response = logged_in.get(history_url(project), {"kind": "manual"})
    assert list(response.context["page_obj"]) == [manual]
    response = logged_in.get(history_url(project), {"kind": "weekly"})
    assert response.status_code == 200
    assert "kind" in response.context["filter"].form.errors
    assert len(response.context["page_obj"]) == 1 + len(scheduled)


def test_history_query_count_does_not_grow_with_reports(
    client_as, manager, project, django_assert_num_queries
):
    logged_in = client_as(manager)
    for minutes in (1, 2):
        send(project, minutes_ago=minutes)
    logged_in.get(history_url(project))
    with django_assert_num_queries(10):
        response = logged_in.get(history_url(project))
    assert len(response.context["page_obj"]) == 2
    for minutes in range(3, 11):
        send(project, minutes_ago=minutes)
    with django_assert_num_queries(10):
        response = logged_in.get(history_url(project))
    assert len(response.context["page_obj"]) == 10


# One stored report


def test_a_report_page_sends_anonymous_visitors_to_log_in(client, project):
    report = send(project)
    assert login_redirect(client.get(report.get_absolute_url()))


@pytest.mark.parametrize("outsider", ["sales_rep", "no_role_user"])
def test_a_report_page_is_not_found_for_outsiders(client_as, project, outsider, request):
    report = send(project)
    user = request.getfixturevalue(outsider)
    assert client_as(user).get(report.get_absolute_url()).status_code == 404


def test_a_report_page_only_answers_get(client_as, support, project):
    report = send(project)
    assert client_as(support).post(report.get_absolute_url()).status_code == 405


def test_a_report_page_shows_what_was_sent_to_whom_and_how_delivery_went(
    client_as, support, project
):
    report = send(project)
    OutgoingEmail.objects.filter(to_email="lead1@client.example").update(
        status=OutgoingEmail.Status.SENT, sent_at=timezone.now()
    )
    OutgoingEmail.objects.filter(to_email="rep1@vendor.example").update(
        status=OutgoingEmail.Status.FAILED, attempts=6, last_error="SMTPRecipientsRefused: 550"
    )
    page = client_as(support).get(report.get_absolute_url()).content.decode()
    assert report.body_html in page
    assert report.subject in page
    assert "lead1@client.example" in page and "Client contact" in page
    assert "Gave up after 6 attempts: SMTPRecipientsRefused: 550" in page
    assert page.count(">Queued<") == 2 and page.count(">Sent<") == 1


def test_a_report_page_shows_the_stored_report_even_after_the_project_changed(
    client_as, pm, project
):
    report = send(project)
    project.name = "Renamed project"
    project.save(update_fields=["name"])
    page = client_as(pm).get(report.get_absolute_url()).content.decode()
    assert "Status report: Acme payroll onboarding" in page


def test_a_report_page_query_count_does_not_grow_with_recipients(
    client_as, support, project, django_assert_num_queries
):
    small = send(project, minutes_ago=5)
    for _ in range(6):
        ContactFactory(client=project.client)
    big = send(project)
    assert len(big.recipients) == len(small.recipients) + 6
    logged_in = client_as(support)
    logged_in.get(small.get_absolute_url())
    with django_assert_num_queries(7):
        logged_in.get(small.get_absolute_url())
    with django_assert_num_queries(7):
        logged_in.get(big.get_absolute_url() + "?version=client")


# Preview


def preview_url(project) -> str:
    return reverse("reports:preview", args=[project.pk])


def test_preview_sends_anonymous_visitors_to_log_in(client, project):
    assert login_redirect(client.get(preview_url(project)))


def test_preview_is_not_found_for_a_sales_rep(client_as, sales_rep, project):
    assert client_as(sales_rep).get(preview_url(project)).status_code == 404


def test_preview_only_answers_get(client_as, pm, project):
    assert client_as(pm).post(preview_url(project)).status_code == 405


def test_preview_shows_the_next_report_and_saves_nothing(client_as, pm, other_pm, project):
    services.report_settings_update(
        project=project, user=pm, cadence=Cadence.WEEKLY, weekday=Weekday.MONDAY, notes="Go team"
    )
    page = client_as(other_pm).get(preview_url(project)).content.decode()
    assert "Go team" in page and "lead1@client.example" in page
    assert "Send this report now" not in page  # another PM's project: read only
    assert "Send this report now" in client_as(pm).get(preview_url(project)).content.decode()
    assert not StatusReport.objects.exists() and not OutgoingEmail.objects.exists()
    assert StatusReportSettings.objects.get(project=project).next_notes == "Go team"


# Send now


def send_url(project) -> str:
    return reverse("reports:send_now", args=[project.pk])


def test_send_now_sends_anonymous_visitors_to_log_in(client, project):
    assert login_redirect(client.post(send_url(project)))
    assert not StatusReport.objects.exists()


def test_send_now_is_not_found_for_a_sales_rep(client_as, sales_rep, project):
    assert client_as(sales_rep).post(send_url(project)).status_code == 404


@pytest.mark.parametrize("reader", ["support", "other_pm"])
def test_send_now_is_forbidden_to_those_who_only_read_the_project(
    client_as, project, reader, request
):
    user = request.getfixturevalue(reader)
    assert client_as(user).post(send_url(project)).status_code == 403
    assert not StatusReport.objects.exists()


def test_send_now_only_answers_post(client_as, pm, project):
    assert client_as(pm).get(send_url(project)).status_code == 405
    assert not StatusReport.objects.exists()


def test_the_pm_sends_a_report_now_and_a_double_click_sends_it_once(client_as, pm, project):
    logged_in = client_as(pm)
    first = logged_in.post(send_url(project), follow=True)
    report = StatusReport.objects.get()
    assert first.redirect_chain[-1][0] == report.get_absolute_url()
    assert "Status report sent to 4 recipients." in first.content.decode()
    second = logged_in.post(send_url(project), follow=True)
    assert second.redirect_chain[-1][0] == report.get_absolute_url()
    assert "it was not sent again" in second.content.decode()
    assert StatusReport.objects.count() == 1 and OutgoingEmail.objects.count() == 4
    assert report.created_by == pm and report.kind == StatusReport.Kind.MANUAL


def test_a_manager_may_send_any_projects_report(client_as, manager, project):
    assert client_as(manager).post(send_url(project)).status_code == 302
    assert StatusReport.objects.get().created_by == manager


# Schedule and notes


def schedule_url(project) -> str:
    return reverse("reports:schedule", args=[project.pk])


def test_schedule_sends_anonymous_visitors_to_log_in(client, project):
    assert login_redirect(client.get(schedule_url(project)))


def test_schedule_is_not_found_for_a_sales_rep(client_as, sales_rep, project):
    assert client_as(sales_rep).get(schedule_url(project)).status_code == 404


@pytest.mark.parametrize("reader", ["support", "other_pm"])
def test_schedule_is_forbidden_to_those_who_only_read_the_project(
    client_as, project, reader, request
):
    user = request.getfixturevalue(reader)
    logged_in = client_as(user)
    assert logged_in.get(schedule_url(project)).status_code == 403
    response = logged_in.post(schedule_url(project), {"cadence": "off", "weekday": 0})
    assert response.status_code == 403
    assert not StatusReportSettings.objects.exists()


def test_schedule_answers_only_get_and_post(client_as, pm, project):
    assert client_as(pm).put(schedule_url(project)).status_code == 405


@pytest.mark.parametrize(
    "data,field",
    [
        ({"cadence": "daily", "weekday": "1", "next_notes": ""}, "cadence"),
        ({"cadence": "weekly", "weekday": "9", "next_notes": ""}, "weekday"),
        ({"cadence": "weekly", "weekday": "Monday", "next_notes": ""}, "weekday"),
        ({"cadence": "weekly", "weekday": "1", "next_notes": "x" * 5001}, "next_notes"),
    ],
    ids=["unknown cadence", "no such weekday", "weekday as text", "notes too long"],
)
def test_a_bad_schedule_is_explained_and_changes_nothing(client_as, pm, project, data, field):
    services.report_settings_update(
        project=project, user=pm, cadence=Cadence.BIWEEKLY, weekday=Weekday.FRIDAY, notes="Kept"
    )
    response = client_as(pm).post(schedule_url(project), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    row = StatusReportSettings.objects.get(project=project)
    assert (row.cadence, row.weekday, row.next_notes) == (Cadence.BIWEEKLY, 4, "Kept")


def test_a_bad_schedule_does_not_create_settings(client_as, pm, project):
    response = client_as(pm).post(schedule_url(project), {"cadence": "hourly", "weekday": "0"})
    assert response.status_code == 200
    assert not StatusReportSettings.objects.exists()


def test_the_pm_sets_the_schedule_and_writes_notes_for_the_next_report(client_as, pm, project):
    logged_in = client_as(pm)
    form_page = logged_in.get(schedule_url(project))
    assert form_page.context["form"]["cadence"].value() == Cadence.WEEKLY
    response = logged_in.post(
        schedule_url(project),
        {"cadence": "biweekly", "weekday": "3", "next_notes": "UAT starts next week."},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == history_url(project)
    page = response.content.decode()
    assert "Every two weeks, on Thursday" in page
    assert "Your notes are waiting for the next report." in page
    row = StatusReportSettings.objects.get(project=project)
    assert (row.cadence, row.weekday, row.updated_by) == (Cadence.BIWEEKLY, 3, pm)
    report = send(project)
    assert "UAT starts next week." in report.body_html


# The card on the project page


def render_card(project, user, can_edit: bool) -> str:
    request = RequestFactory().get("/")
    request.user = user
    template = Template("{% load reports_tags %}{% project_reports_card project can_edit %}")
    return template.render(
        Context({"project": project, "can_edit": can_edit, "request": request, "csrf_token": "t"})
    )


def test_the_card_shows_the_last_and_next_report_in_two_queries(
    pm, project, django_assert_max_num_queries
):
    with django_assert_max_num_queries(2):
        html = render_card(project, pm, can_edit=True)
    assert "None yet" in html and "Every week, on Monday" in html
    assert "Send a report now" in html and reverse("reports:schedule", args=[project.pk]) in html
    report = send(project)
    with django_assert_max_num_queries(2):
        html = render_card(project, pm, can_edit=False)
    assert report.get_absolute_url() in html
    assert "Send a report now" not in html and "Schedule and notes" not in html
    assert reverse("reports:preview", args=[project.pk]) in html


def test_the_card_says_when_a_project_gets_no_scheduled_reports(pm, project):
    services.report_settings_update(
        project=project, user=pm, cadence=Cadence.OFF, weekday=Weekday.MONDAY, notes=""
    )
    assert "None scheduled" in render_card(project, pm, can_edit=True)
    project.status = project.Status.ON_HOLD
    assert "reports go out for active projects" in render_card(project, pm, can_edit=True)


# Links in the email


def test_every_recipient_of_a_report_email_can_open_the_link_in_it(client_as, client, pm, project):
    """A link in an email opens for the person it was sent to: the team reads the stored report,
    the sales rep their account's status page, and client contacts (no login) get no link."""
    report = send(project, user=pm)
    site = "https://golive.example"
    opened = {}
    for email in OutgoingEmail.objects.filter(kind="status_report"):
        links = [word for word in email.body_text.split() if word.startswith(site)]
        user = User.objects.filter(email=email.to_email).first()
        if user is None:
            assert links == [] and site not in email.body_html, email.to_email
            continue
        assert len(links) == 1 and f'href="{links[0]}"' in email.body_html, email.to_email
        client.logout()
        response = client_as(user).get(links[0].removeprefix(site))
        assert response.status_code == 200, (email.to_email, links[0])
        opened[user] = links[0].removeprefix(site)
    rep = project.client.sales_rep
    consultant = project.memberships.get().user
    assert opened == {
        pm: report.get_absolute_url(),
        consultant: report.get_absolute_url(),
        rep: reverse("projects:account_status", args=[project.client_id]),
    }
    assert project.client.name in client_as(rep).get(opened[rep]).content.decode()


def test_a_sales_rep_on_the_team_is_linked_to_the_account_not_to_a_report_they_cannot_open(
    client_as, client, pm, project
):
    """Sales reps cannot open report pages. The client's rep, added to the team, gets the link
    to their account's status page; another rep on the team, who may open neither, gets none."""
    from projects.models import ProjectMembership

    rep = project.client.sales_rep
    other_rep = UserFactory(username="other_rep", role=Role.SALES)
    ProjectMembership.objects.create(project=project, user=rep)
    ProjectMembership.objects.create(project=project, user=other_rep)
    send(project, user=pm)

    to_rep = OutgoingEmail.objects.get(to_email=rep.email)
    account = reverse("projects:account_status", args=[project.client_id])
    assert f"See the account in Golive: https://golive.example{account}" in to_rep.body_text
    assert client_as(rep).get(account).status_code == 200
    to_other = OutgoingEmail.objects.get(to_email=other_rep.email)
    assert "golive.example" not in to_other.body_text + to_other.body_html


def test_with_redis_down_send_now_still_answers_and_stores_the_report(
    client_as, pm, project, monkeypatch, django_capture_on_commit_callbacks
):
    """The report and its emails are committed; outbox.recover sends them once Redis is back."""
    from kombu.exceptions import OperationalError

    from outbox.tasks import deliver_emails

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(deliver_emails, "delay", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(pm).post(send_url(project), follow=True)

    assert response.status_code == 200
    assert "Status report sent to 4 recipients." in response.content.decode()
    report = StatusReport.objects.get()
    assert set(OutgoingEmail.objects.values_list("about_id", "status")) == {(report.pk, "queued")}
