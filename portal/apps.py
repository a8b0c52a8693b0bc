from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Client portal"

    def ready(self) -> None:
        from portal import selectors, signals  # noqa: F401
        from projects import satisfaction, waiting

        satisfaction.register_source(selectors.satisfaction_answers)
        waiting.register_source(selectors.waiting_rows, selectors.WAITING_KINDS)
