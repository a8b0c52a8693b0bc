"""What portal/ tells the parts built on it, and what it does on the signals of others.

`survey_answered(survey)`: sent by services.survey_answer once a contact's first answer is
saved (not when a survey answered already is sent again), inside its transaction; webhooks
tells subscribed systems.
"""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import Signal, receiver

from portal.access import SESSION_KEY
from portal.models import Survey
from projects.signals import hypercare_ended, went_live

survey_answered = Signal()


@receiver(user_logged_in)
def end_portal_visit_on_staff_login(sender, request, user, **kwargs) -> None:
    """A staff login in the same browser ends any portal visit: one person, one identity."""
    if request is not None and hasattr(request, "session"):
        request.session.pop(SESSION_KEY, None)


@receiver(went_live, dispatch_uid="portal.survey_at_go_live")
def survey_at_go_live(sender, project, change, user, **kwargs) -> None:
    _survey(project, Survey.Reason.GO_LIVE)


@receiver(hypercare_ended, dispatch_uid="portal.survey_at_hypercare_exit")
def survey_at_hypercare_exit(sender, project, change, user, **kwargs) -> None:
    _survey(project, Survey.Reason.HYPERCARE_EXIT)


def _survey(project, reason: str) -> None:
    """The client's primary contact gets a survey once the move commits; a client with no
    contact to ask gets none, and the move goes on."""
    # Here, not at the top: services sends survey_answered, defined in this module.
    from portal.services import survey_contact
    from portal.tasks import send_survey_later

    contact = survey_contact(project)
    if contact is not None:
        send_survey_later(project=project, contact=contact, reason=reason)
