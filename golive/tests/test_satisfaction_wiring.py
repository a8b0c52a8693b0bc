"""A survey goes to the client's primary contact at go-live and at the end of hypercare."""

from datetime import datetime
from unittest import mock

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from clients.models import Contact
from golive import digest, services
from golive.handoff import handoff_facts
from golive.tasks import build_handoff_report
from outbox.models import OutgoingEmail
from portal.models import Survey
from portal.tasks import send_survey_task
from projects.models import ImplementationProject, Phase
from projects.services import project_change_phase

pytestmark = pytest.mark.django_db

MONDAY = timezone.make_aware(datetime(2026, 3, 2, 9, 0))


def handoff_snapshot_html_for(project, facts) -> str:
    return render_to_string("golive/handoff_snapshot.html", {"facts": facts, "project": project})


def _go_live(project, callbacks):
    with (
        mock.patch.object(build_handoff_report, "delay"),
        mock.patch.object(send_survey_task, "delay") as delay,
        callbacks(execute=True),
    ):
        services.project_go_live(project=project, user=project.pm)
        delay.assert_not_called()  # only once the move has committed
    return delay


def test_going_live_queues_the_go_live_survey_for_the_primary_contact(
    ready_project, django_capture_on_commit_callbacks
):
    delay = _go_live(ready_project, django_capture_on_commit_callbacks)
    primary = Contact.objects.get(client=ready_project.client, is_primary=True)
    delay.assert_called_once_with(ready_project.pk, primary.pk, Survey.Reason.GO_LIVE)


def test_leaving_hypercare_queues_the_hypercare_exit_survey(
    ready_project, django_capture_on_commit_callbacks
):
    _go_live(ready_project, django_capture_on_commit_callbacks)
    project_change_phase(project=ready_project, to_phase=Phase.HYPERCARE, user=ready_project.pm)
    with (
        mock.patch.object(send_survey_task, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.project_hand_off(project=ready_project, user=None)
    primary = Contact.objects.get(client=ready_project.client, is_primary=True)
    delay.assert_called_once_with(ready_project.pk, primary.pk, Survey.Reason.HYPERCARE_EXIT)
    assert ImplementationProject.objects.get(pk=ready_project.pk).phase == Phase.HANDED_OFF


def test_a_client_with_no_contact_to_ask_goes_live_without_a_survey(
    ready_project, django_capture_on_commit_callbacks
):
    Contact.objects.filter(client=ready_project.client).update(email="")
    delay = _go_live(ready_project, django_capture_on_commit_callbacks)
    delay.assert_not_called()
    assert ImplementationProject.objects.get(pk=ready_project.pk).phase == Phase.GO_LIVE


def test_the_queued_survey_is_sent_once(ready_project, django_capture_on_commit_callbacks):
    primary = Contact.objects.get(client=ready_project.client, is_primary=True)
    for _ in range(2):
        send_survey_task.apply(args=[ready_project.pk, primary.pk, Survey.Reason.GO_LIVE])
    assert Survey.objects.filter(project=ready_project, contact=primary).count() == 1


@pytest.fixture
def answered(ready_project):
    from portal import services as portal_services

    primary = Contact.objects.get(client=ready_project.client, is_primary=True)
    survey = portal_services.send_survey(ready_project, primary, Survey.Reason.GO_LIVE)
    portal_services.survey_answer(
        survey=survey, contact=primary, csat=4, nps=9, comment="Smooth <b>go-live</b>."
    )
    return survey


def test_the_answers_show_in_the_handoff_facts(ready_project, answered):
    facts = handoff_facts(ready_project)
    assert facts["satisfaction"].startswith(
        "CSAT 4/5 · NPS 9 · “Smooth <b>go-live</b>.” (Dana Whitfield, go-live, "
    )
    html = handoff_snapshot_html_for(ready_project, facts)
    assert "Smooth &lt;b&gt;go-live&lt;/b&gt;." in html


def test_the_answers_show_in_the_sales_digest(ready_project, answered, sales_rep):
    assert digest.sales_digests_send(now=MONDAY) == 1
    text = OutgoingEmail.objects.get(to_email=sales_rep.email).body_text
    assert "Satisfaction: CSAT 4/5 · NPS 9" in text


def test_the_answers_show_on_the_account_status_page(ready_project, answered, client, sales_rep):
    client.force_login(sales_rep)
    page = client.get(reverse("projects:account_status", args=[ready_project.client_id]))
    content = page.content.decode()
    assert "CSAT 4/5 · NPS 9" in content and "Smooth &lt;b&gt;go-live&lt;/b&gt;." in content


def test_a_project_without_answers_says_so_on_the_account_status_page(
    ready_project, client, sales_rep
):
    client.force_login(sales_rep)
    page = client.get(reverse("projects:account_status", args=[ready_project.client_id]))
    assert "No survey answered yet" in page.content.decode()
    assert handoff_facts(ready_project)["satisfaction"] is None
