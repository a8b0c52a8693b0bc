"""The outbox pages: admins and managers see every message, why one failed, and retry it."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from clients.tests.factories import ClientFactory
from outbox.models import OutgoingEmail
from outbox.tests.factories import OutgoingEmailFactory
from projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

LIST = reverse("outbox:list")


def detail_url(email) -> str:
    return reverse("outbox:detail", args=[email.pk])


def retry_url(email) -> str:
    return reverse("outbox:retry", args=[email.pk])


def failed_email(**fields) -> OutgoingEmail:
    values = {
        "status": OutgoingEmail.Status.FAILED,
        "attempts": 6,
        "sent_at": None,
        "last_error": "SMTPRecipientsRefused: 550 5.1.1 mailbox unavailable",
    }
    values.update(fields)
    return OutgoingEmailFactory(**values)


def subjects_on(response) -> list[str]:
    return [email.subject for email in response.context["emails"]]


def goes_to_login(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def about(obj) -> dict:
    return {"about_type": ContentType.objects.get_for_model(obj), "about_id": obj.pk}


# Who may open the outbox


@pytest.mark.parametrize("url_name", ["list", "detail", "retry"])
def test_anonymous_visitors_are_sent_to_the_login_page(client, url_name):
    email = failed_email()
    args = [] if url_name == "list" else [email.pk]
    url = reverse(f"outbox:{url_name}", args=args)

    response = client.post(url) if url_name == "retry" else client.get(url)

    assert goes_to_login(response)
    assert OutgoingEmail.objects.get(pk=email.pk).status == OutgoingEmail.Status.FAILED


@pytest.mark.parametrize("role", ["pm", "support", "sales_rep", "no_role_user"])
def test_other_roles_cannot_read_the_outbox(request, client_as, role):
    email = failed_email()
    http = client_as(request.getfixturevalue(role))

    assert http.get(LIST).status_code == 403
    assert http.get(detail_url(email)).status_code == 403


@pytest.mark.parametrize("role", ["pm", "support", "sales_rep"])
def test_other_roles_cannot_retry_a_message(request, client_as, role):
    email = failed_email()

    response = client_as(request.getfixturevalue(role)).post(retry_url(email))

    assert response.status_code == 403
    assert OutgoingEmail.objects.get(pk=email.pk).status == OutgoingEmail.Status.FAILED


@pytest.mark.parametrize("role", ["manager", "admin_user"])
def test_managers_and_admins_read_the_outbox(request, client_as, role):
    email = OutgoingEmailFactory(subject="Bluebird payroll: weekly status")
    http = client_as(request.getfixturevalue(role))

    assert "Bluebird payroll: weekly status" in http.get(LIST).content.decode()
    assert http.get(detail_url(email)).status_code == 200


def test_a_message_that_does_not_exist_is_404(client_as, manager):
    http = client_as(manager)

    assert http.get(reverse("outbox:detail", args=[999999])).status_code == 404
    assert http.post(reverse("outbox:retry", args=[999999])).status_code == 404


def test_the_pages_are_read_only_and_retry_is_post_only(client_as, manager):
    email = failed_email()
    http = client_as(manager)

    assert http.post(LIST).status_code == 405
    assert http.post(detail_url(email)).status_code == 405
    assert http.get(retry_url(email)).status_code == 405
    assert OutgoingEmail.objects.get(pk=email.pk).status == OutgoingEmail.Status.FAILED


# The list


def test_the_list_shows_newest_first_with_failures_their_error_and_attempts(client_as, manager):
    now = timezone.now()
    OutgoingEmailFactory(subject="Oldest", created_at=now - timedelta(days=2))
    failed_email(subject="Bounced report", created_at=now - timedelta(days=1))
    OutgoingEmailFactory(subject="Newest", created_at=now)

    response = client_as(manager).get(LIST)

    assert subjects_on(response) == ["Newest", "Bounced report", "Oldest"]
    page = response.content.decode()
    assert 'class="table-danger"' in page
    assert "550 5.1.1 mailbox unavailable" in page
    assert '<td class="text-end d-none d-sm-table-cell">6</td>' in page


def test_the_list_filters_by_status_kind_and_recipient(client_as, manager):
    OutgoingEmailFactory(subject="Report to Maria", to_email="maria@bluebird.example")
    failed_email(subject="Report to Sam", to_email="sam@granite.example")
    OutgoingEmailFactory(subject="Overdue task", kind="escalation", to_email="owner@vendor.example")
    http = client_as(manager)

    assert subjects_on(http.get(LIST, {"status": "failed"})) == ["Report to Sam"]
    assert subjects_on(http.get(LIST, {"kind": "escalation"})) == ["Overdue task"]
    assert subjects_on(http.get(LIST, {"q": "BLUEBIRD"})) == ["Report to Maria"]
    assert subjects_on(http.get(LIST, {"q": "overdue"})) == ["Overdue task"]
    assert subjects_on(http.get(LIST, {"kind": "status_report", "status": "sent"})) == [
        "Report to Maria"
    ]


def test_the_kind_filter_offers_the_kinds_that_were_sent(client_as, manager):
    OutgoingEmailFactory(kind="status_report")
    OutgoingEmailFactory(kind="escalation")

    response = client_as(manager).get(LIST)

    choices = [value for value, _ in response.context["filter"].form.fields["kind"].choices]
    assert choices == ["", "escalation", "status_report"]
    assert "Status report" in response.content.decode()


def test_the_list_and_the_detail_name_each_kind_in_words_not_its_code(client_as, manager):
    report = OutgoingEmailFactory(kind="status_report", subject="Weekly status")
    OutgoingEmailFactory(kind="sales_digest", subject="Your accounts")
    browser = client_as(manager)

    rows = browser.get(LIST).content.decode().split("<tbody>", 1)[1]
    detail = browser.get(detail_url(report)).content.decode()

    assert "Status report" in rows and "Sales digest" in rows
    assert "status_report" not in rows and "sales_digest" not in rows
    assert "Status report" in detail and ">status_report<" not in detail


def test_an_unknown_filter_value_is_a_form_error_not_a_500(client_as, manager):
    OutgoingEmailFactory(subject="Still listed")

    response = client_as(manager).get(LIST, {"status": "lost", "kind": "nonsense"})

    assert response.status_code == 200
    form = response.context["filter"].form
    assert "status" in form.errors
    assert "kind" in form.errors
    assert subjects_on(response) == ["Still listed"]


def test_an_empty_search_says_so_and_offers_to_clear_it(client_as, manager):
    OutgoingEmailFactory()

    page = client_as(manager).get(LIST, {"q": "nobody@nowhere"}).content.decode()

    assert "No messages match these filters" in page


def test_the_list_is_paginated_newer_and_older_without_counting_every_message(
    client_as, manager, settings
):
    settings.PAGE_SIZE = 2
    for n in range(5):
        OutgoingEmailFactory(subject=f"Message {n}")
    http = client_as(manager)

    first = http.get(LIST, {"q": "Message"}).content.decode()
    middle = http.get(LIST, {"page": 2}).content.decode()
    last_page = http.get(LIST, {"page": 3})
    past_the_end = http.get(LIST, {"page": 4, "q": "Message"}).content.decode()

    assert "Older</a>" in first and "Newer</a>" not in first
    assert 'href="?q=Message&amp;page=2">Older' in first
    assert "Page 2" in middle and "Newer</a>" in middle and "Older</a>" in middle
    assert subjects_on(last_page) == ["Message 0"]
    page = last_page.content.decode()
    assert "Page 3" in page and "Newer</a>" in page and "Older</a>" not in page
    assert " of 3" not in page
    assert "No messages on this page" in past_the_end
    assert 'href="?q=Message&amp;page=1">back to the newest messages' in past_the_end
    assert subjects_on(http.get(LIST, {"page": "not-a-number"})) == ["Message 4", "Message 3"]


@pytest.mark.parametrize("rows", [3, 30])
def test_the_list_makes_the_same_number_of_queries_for_few_or_many_rows(
    client_as, manager, django_assert_num_queries, rows
):
    for n in range(rows):
        if n % 3:
            OutgoingEmailFactory(kind=f"kind_{n % 4}")
        else:
            failed_email()
    http = client_as(manager)

    # session, user, roles, the navigation's alert count, kinds offered, the page (no count)
    with django_assert_num_queries(6):
        response = http.get(LIST)
    assert len(response.context["emails"]) == min(rows, 25)


# The detail page


def test_the_detail_shows_the_message_as_sent_and_what_it_is_about(client_as, manager):
    project = ProjectFactory(name="Bluebird payroll")
    email = OutgoingEmailFactory(
        subject="Bluebird payroll: weekly status",
        to_email="maria@bluebird.example",
        body_text="Health: amber.\nTwo tasks overdue.",
        body_html='<p style="color:#1d4e89">Health: <b>amber</b> &amp; two tasks overdue</p>',
        **about(project),
    )

    page = client_as(manager).get(detail_url(email)).content.decode()

    assert "<h1" in page and "Bluebird payroll: weekly status</h1>" in page
    assert "maria@bluebird.example" in page
    assert "Health: amber.\nTwo tasks overdue." in page
    assert f'<a href="{project.get_absolute_url()}">Bluebird payroll</a>' in page
    # The HTML body is rendered by the browser inside a sandbox, from an escaped attribute.
    assert 'sandbox=""' in page
    assert (
        'srcdoc="&lt;p style=&quot;color:#1d4e89&quot;&gt;Health: &lt;b&gt;amber&lt;/b&gt; '
        "&amp;amp; two tasks overdue&lt;/p&gt;"
    ) in page


def test_markup_in_a_message_cannot_break_out_of_the_preview(client_as, manager):
    email = OutgoingEmailFactory(
        subject="<script>alert(1)</script>",
        body_html='"><script>alert(2)</script>',
        body_text="<script>alert(3)</script>",
    )

    page = client_as(manager).get(detail_url(email)).content.decode()

    assert "<script>alert" not in page
    assert 'srcdoc="&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;"' in page


def test_a_failed_message_shows_why_and_offers_retry(client_as, manager):
    email = failed_email()

    page = client_as(manager).get(detail_url(email)).content.decode()

    assert "Delivery failed after 6 attempts" in page
    assert "550 5.1.1 mailbox unavailable" in page
    assert f'action="{retry_url(email)}"' in page


def test_a_sent_message_offers_no_retry(client_as, manager):
    email = OutgoingEmailFactory()

    page = client_as(manager).get(detail_url(email)).content.decode()

    assert f'action="{retry_url(email)}"' not in page


def test_a_message_about_something_since_deleted_still_opens(client_as, manager):
    client = ClientFactory(name="Gone Ltd")
    email = OutgoingEmailFactory(**about(client))
    client.delete()

    response = client_as(manager).get(detail_url(email))

    assert response.status_code == 200
    assert "no longer exists" in response.content.decode()


def test_a_message_without_html_shows_the_plain_text_only(client_as, manager):
    email = OutgoingEmailFactory(body_html="", body_text="Plain only")

    page = client_as(manager).get(detail_url(email)).content.decode()

    assert "<iframe" not in page
    assert "Plain only" in page


@pytest.mark.parametrize("with_about", [False, True])
def test_the_detail_query_count_is_fixed(client_as, manager, django_assert_num_queries, with_about):
    fields = about(ProjectFactory()) if with_about else {}
    email = OutgoingEmailFactory(**fields)
    http = client_as(manager)

    # session, user, roles, the navigation's alert count, the message with its content type,
    # and the object it is about
    with django_assert_num_queries(6 if with_about else 5):
        http.get(detail_url(email))


# Retry


def test_a_manager_retries_a_failed_message_and_it_is_queued_again(
    client_as, manager, enqueued, django_capture_on_commit_callbacks
):
    email = failed_email(to_email="sam@granite.example")
    http = client_as(manager)

    with django_capture_on_commit_callbacks(execute=True):
        response = http.post(retry_url(email))

    assert response.status_code == 302
    assert response["Location"] == detail_url(email)
    stored = OutgoingEmail.objects.get(pk=email.pk)
    assert (stored.status, stored.attempts) == (OutgoingEmail.Status.QUEUED, 0)
    assert enqueued == [email.pk]
    page = http.get(response["Location"]).content.decode()
    assert "The message to sam@granite.example is queued to be sent again." in page
    assert f'action="{retry_url(email)}"' not in page


def test_retrying_a_message_that_was_sent_changes_nothing_and_says_why(
    client_as, manager, enqueued, django_capture_on_commit_callbacks
):
    email = OutgoingEmailFactory()
    http = client_as(manager)

    with django_capture_on_commit_callbacks(execute=True):
        response = http.post(retry_url(email), follow=True)

    assert "Only a failed message can be retried; this one is sent." in response.content.decode()
    stored = OutgoingEmail.objects.get(pk=email.pk)
    assert (stored.status, stored.attempts) == (OutgoingEmail.Status.SENT, 1)
    assert enqueued == []
