from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Status reports"

    def ready(self) -> None:
        from reports import checks  # noqa: F401 - registers the settings check
