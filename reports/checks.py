from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from reports import schedule


@checks.register(checks.Tags.compatibility)
def status_report_settings(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """Refuse to start with report settings that make no sense, not at the first tick."""
    try:
        schedule.config()
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="reports.E001")]
    return []
