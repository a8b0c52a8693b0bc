"""Milestone sign-off asked by the PM and given in the portal; the survey, answered once."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.tests.factories import ContactFactory
from onboarding.schedules import beat_schedule
from outbox.models import OutgoingEmail
from portal import services, tasks
from portal.models import PortalAccess, PortalLink, SignOffRequest, Survey
from portal.tests.helpers import link_path
from projects.tests.factories import MilestoneFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(pm):
    return ProjectFactory(pm=pm, name="Payroll for Acme")


@pytest.fixture
def contact(project):
    return ContactFactory(client=project.client, name="Dana Client", is_primary=True)


def token_in_email(contact) -> str:
    body = OutgoingEmail.objects.filter(to_email=contact.email).latest("pk").body_text
    return body.split("/portal/in/")[1].split("/")[0]


def test_the_pm_asks_for_sign_off_and_the_contact_gives_it_in_the_portal(
    client, project, contact, pm
):
    milestone = MilestoneFactory(
        project=project,
        name="Parallel run",
        completed_on=timezone.localdate(),
        visible_to_client=True,
    )
    staff = client.__class__()
    staff.force_login(pm)
    staff.post(
        reverse("portal_staff:signoff_request", args=[project.pk]),
        {"milestone": milestone.pk, "contact": contact.pk},
    )
    request = SignOffRequest.objects.get()
    response = client.post(link_path(token_in_email(contact)))
    assert response.headers["Location"] == reverse("portal:signoff", args=[request.pk])
    page = client.get(response.headers["Location"]).content.decode()
    assert "Parallel run" in page
    assert client.post(response.headers["Location"], {}).status_code == 200  # unconfirmed
    milestone.refresh_from_db()
    assert milestone.signed_off_at is None
    client.post(response.headers["Location"], {"confirm": "on"})
    milestone.refresh_from_db()
    assert milestone.signed_off_by == contact and milestone.signed_off_at is not None
    assert OutgoingEmail.objects.filter(to_email=pm.email, subject__contains="signed off").exists()
    assert (
        "signed" in staff.get(reverse("portal_staff:project", args=[project.pk])).content.decode()
    )


def test_sign_off_is_asked_only_of_a_completed_client_visible_milestone(project, contact, pm):
    open_milestone = MilestoneFactory(project=project, visible_to_client=True)
    hidden = MilestoneFactory(project=project, completed_on=timezone.localdate())
    for milestone in (open_milestone, hidden):
        with pytest.raises(Exception):  # noqa: B017 - the service's ValidationError
            services.signoff_request(milestone=milestone, contact=contact, user=pm)
    assert not SignOffRequest.objects.exists()


def test_send_survey_sends_once_and_the_answer_is_taken_once(client, project, contact):
    assert services.send_survey(project, contact, Survey.Reason.GO_LIVE) is not None
    assert services.send_survey(project, contact, Survey.Reason.GO_LIVE) is None
    assert OutgoingEmail.objects.filter(to_email=contact.email).count() == 1
    survey = Survey.objects.get()
    response = client.post(link_path(token_in_email(contact)))
    assert response.headers["Location"] == reverse("portal:survey", args=[survey.pk])
    url = response.headers["Location"]
    client.post(url, {"csat": "5", "nps": "9", "comment": "Smooth go-live."})
    client.post(url, {"csat": "1", "nps": "0", "comment": "Changed my mind."})
    survey.refresh_from_db()
    assert (survey.csat, survey.nps, survey.comment) == (5, 9, "Smooth go-live.")
    assert "You answered" in client.get(url).content.decode()


def test_survey_results_show_on_the_project_and_client_pages(client, project, contact, pm):
    survey = services.send_survey(project, contact, Survey.Reason.GO_LIVE)
    services.survey_answer(survey=survey, contact=contact, csat=4, nps=8, comment="Good team.")
    client.force_login(pm)
    # The card sits in the part of the project page loaded when scrolled to.
    project_page = client.get(
        reverse("projects:detail", args=[project.pk]) + "?fragment=more", HTTP_HX_REQUEST="true"
    ).content.decode()
    card_url = reverse("portal_staff:project_card", args=[project.pk])
    assert card_url in project_page
    assert "CSAT 4.0/5" in client.get(card_url).content.decode()
    client_page = client.get(reverse("clients:detail", args=[project.client_id])).content.decode()
    surveys_url = reverse("portal_staff:client_surveys", args=[project.client_id])
    assert surveys_url in client_page
    page = client.get(surveys_url).content.decode()
    assert "CSAT 4/5" in page and "Good team." in page


def test_the_celery_task_sends_the_survey_after_commit_and_once(
    project, contact, django_capture_on_commit_callbacks, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from onboarding.celery import app

    app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            tasks.send_survey_later(project=project, contact=contact, reason="go_live")
            assert not Survey.objects.exists()
        tasks.send_survey_task.apply(args=[project.pk, contact.pk, "go_live"])
    finally:
        app.conf.task_always_eager = False
    assert Survey.objects.count() == 1
    assert OutgoingEmail.objects.filter(to_email=contact.email).count() == 1


def test_an_unanswered_survey_is_reminded_once_after_the_days_set(project, contact, settings):
    settings.GOLIVE_PORTAL = {**settings.GOLIVE_PORTAL, "SURVEY_REMINDER_DAYS": 5}
    survey = services.send_survey(project, contact, Survey.Reason.GO_LIVE)
    assert services.survey_reminders_send() == 0
    later = timezone.now() + timedelta(days=5, minutes=1)
    assert services.survey_reminders_send(now=later) == 1
    assert services.survey_reminders_send(now=later + timedelta(days=9)) == 0
    subjects = list(
        OutgoingEmail.objects.filter(to_email=contact.email)
        .order_by("pk")
        .values_list("subject", flat=True)
    )
    assert len(subjects) == 2 and subjects[1].startswith("Reminder:")
    assert PortalLink.objects.filter(purpose=PortalLink.Purpose.SURVEY).count() == 2
    survey.refresh_from_db()
    assert survey.reminded_at is not None


def test_an_answered_survey_is_not_reminded(project, contact):
    survey = services.send_survey(project, contact, Survey.Reason.GO_LIVE)
    services.survey_answer(survey=survey, contact=contact, csat=3, nps=7, comment="")
    assert services.survey_reminders_send(now=timezone.now() + timedelta(days=30)) == 0


def test_the_reminder_job_is_on_the_beat_schedule():
    assert beat_schedule()["survey-reminders"]["task"] == "portal.survey_reminders"
    assert tasks.survey_reminders.name == "portal.survey_reminders"


def test_a_survey_reminder_never_gives_back_access_the_pm_revoked(
    client, project, contact, pm, settings
):
    settings.GOLIVE_PORTAL = {**settings.GOLIVE_PORTAL, "SURVEY_REMINDER_DAYS": 5}
    survey = services.send_survey(project, contact, Survey.Reason.GO_LIVE)
    services.portal_access_revoke(contact=contact, project=project, user=pm)
    emails = OutgoingEmail.objects.filter(to_email=contact.email)
    assert emails.count() == 1

    later = timezone.now() + timedelta(days=5, minutes=1)
    assert services.survey_reminders_send(now=later) == 0
    assert services.survey_reminders_send(now=later + timedelta(days=1)) == 0
    assert emails.count() == 1
    access = PortalAccess.objects.get(contact=contact, project=project)
    assert access.revoked_at is not None
    # The link of the survey sent before the revocation signs nobody in either.
    assert client.post(link_path(token_in_email(contact))).status_code == 200
    survey.refresh_from_db()
    assert survey.withheld_at is not None and survey.reminded_at is None
    # The PM sees why no reminder went.
    client.force_login(pm)
    page = client.get(reverse("portal_staff:project", args=[project.pk])).content.decode()
    assert "no reminder: portal access revoked" in page


def test_a_survey_is_not_sent_to_a_contact_whose_access_was_revoked(client, project, contact, pm):
    services.portal_invite_send(contact=contact, project=project, user=pm)
    services.portal_access_revoke(contact=contact, project=project, user=pm)
    invitations = OutgoingEmail.objects.filter(to_email=contact.email).count()

    survey = services.send_survey(project, contact, Survey.Reason.GO_LIVE)
    assert survey.sent_at is None and survey.withheld_at is not None
    assert services.send_survey(project, contact, Survey.Reason.GO_LIVE) is None  # once
    later = timezone.now() + timedelta(days=30)
    assert services.survey_reminders_send(now=later) == 0
    assert OutgoingEmail.objects.filter(to_email=contact.email).count() == invitations
    assert not PortalLink.objects.filter(purpose=PortalLink.Purpose.SURVEY).exists()
    assert not PortalAccess.objects.active().filter(contact=contact, project=project).exists()
    client.force_login(pm)
    page = client.get(reverse("portal_staff:project", args=[project.pk])).content.decode()
    assert "not sent: portal access revoked" in page
    surveys = client.get(reverse("portal_staff:client_surveys", args=[project.client_id]))
    assert "not sent: portal access revoked" in surveys.content.decode()


def test_a_survey_gives_a_contact_who_never_had_access_the_project_in_the_portal(
    client, project, contact, settings
):
    settings.GOLIVE_PORTAL = {**settings.GOLIVE_PORTAL, "SURVEY_REMINDER_DAYS": 5}
    survey = services.send_survey(project, contact, Survey.Reason.GO_LIVE)
    assert PortalAccess.objects.active().filter(contact=contact, project=project).exists()
    later = timezone.now() + timedelta(days=5, minutes=1)
    assert services.survey_reminders_send(now=later) == 1
    response = client.post(link_path(token_in_email(contact)))
    assert response.headers["Location"] == reverse("portal:survey", args=[survey.pk])
