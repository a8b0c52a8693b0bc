"""A survey goes to the client's primary contact at go-live and at the end of hypercare."""

from unittest import mock

import pytest

from clients.models import Contact
from golive import services
from golive.tasks import build_handoff_report
from portal.models import Survey
from portal.tasks import send_survey_task
from projects.models import ImplementationProject, Phase
from projects.services import project_change_phase

pytestmark = pytest.mark.django_db


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
