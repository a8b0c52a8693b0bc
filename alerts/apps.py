from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = "Alerts and escalations"

    def ready(self) -> None:
        from alerts import receivers

        receivers.connect()
