from django.core.management.base import BaseCommand

from alerts.services import alerts_sweep


class Command(BaseCommand):
    help = "Run the escalation sweep now: open, update, clear and escalate alerts."

    def handle(self, *args, **options):
        result = alerts_sweep()
        self.stdout.write(
            f"{result.found} condition(s) found: {result.opened} alert(s) opened, "
            f"{result.escalated} escalated, {result.cleared} cleared, "
            f"{result.notified} notification(s) recorded."
        )
