from django.apps import AppConfig


class GoliveConfig(AppConfig):
    name = "golive"
    verbose_name = "Go-live and handoff"

    def ready(self) -> None:
        from golive import receivers  # noqa: F401 — connects the go-live receivers
