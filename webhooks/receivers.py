"""Events from the apps Golive is made of, recorded for the endpoints subscribed to them.

Connected in WebhooksConfig.ready(): projects, alerts and portal know nothing of webhooks.
Each receiver runs inside the transaction of what happened, so a delivery exists exactly when
the change does; with no endpoint subscribed, a receiver costs one query.
"""

from alerts.models import Alert
from alerts.signals import alerts_raised
from portal.signals import survey_answered
from projects.signals import hypercare_ended, phase_changed, went_live
from webhooks import events, services
from webhooks.events import Event


def on_phase_changed(sender, project, change, user, **kwargs) -> None:
    _record_change(Event.PHASE_CHANGED, events.phase_change_data, project, change, user)


def on_went_live(sender, project, change, user, **kwargs) -> None:
    _record_change(Event.WENT_LIVE, events.went_live_data, project, change, user)


def on_handed_off(sender, project, change, user, **kwargs) -> None:
    _record_change(Event.HANDED_OFF, events.handed_off_data, project, change, user)


def _record_change(event: Event, build, project, change, user) -> None:
    endpoint_ids = services.subscribed_endpoints(event)
    if endpoint_ids:
        services.event_record(
            event=event,
            event_id=events.event_id(event, f"phase-change:{change.pk}"),
            data=build(project, change, user),
            endpoint_ids=endpoint_ids,
        )


def on_alerts_raised(sender, alert_ids, **kwargs) -> None:
    endpoint_ids = services.subscribed_endpoints(Event.ALERT_RAISED)
    if not endpoint_ids:
        return
    alerts = Alert.objects.filter(pk__in=alert_ids).select_related("project__client")
    services.events_record(
        event=Event.ALERT_RAISED,
        items=[
            (events.event_id(Event.ALERT_RAISED, f"alert:{alert.pk}"), events.alert_data(alert))
            for alert in alerts.order_by("pk")
        ],
        endpoint_ids=endpoint_ids,
    )


def on_survey_answered(sender, survey, **kwargs) -> None:
    endpoint_ids = services.subscribed_endpoints(Event.SURVEY_ANSWERED)
    if not endpoint_ids:
        return
    survey = type(survey).objects.select_related("project__client", "contact").get(pk=survey.pk)
    services.event_record(
        event=Event.SURVEY_ANSWERED,
        event_id=events.event_id(Event.SURVEY_ANSWERED, f"survey:{survey.pk}"),
        data=events.survey_data(survey),
        endpoint_ids=endpoint_ids,
    )


def connect() -> None:
    phase_changed.connect(on_phase_changed, dispatch_uid="webhooks.phase_changed")
    went_live.connect(on_went_live, dispatch_uid="webhooks.went_live")
    hypercare_ended.connect(on_handed_off, dispatch_uid="webhooks.handed_off")
    alerts_raised.connect(on_alerts_raised, dispatch_uid="webhooks.alerts_raised")
    survey_answered.connect(on_survey_answered, dispatch_uid="webhooks.survey_answered")
