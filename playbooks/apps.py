from django.apps import AppConfig


class PlaybooksConfig(AppConfig):
    name = "playbooks"
    verbose_name = "Project templates"

    def ready(self) -> None:
        from playbooks import signals  # noqa: F401 (connects the receivers)
