from django.core.management.base import BaseCommand, CommandError

from projects.models import ImplementationProject
from reports import services
from reports.models import StatusReport


class Command(BaseCommand):
    help = (
        "Send the status reports that are due, as the beat tick does. With --now, send a report "
        "now even if none is due (to one project with --project, else to every project that "
        "reports on a schedule)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--project", type=int, metavar="ID", help="Only this project.")
        parser.add_argument(
            "--now", action="store_true", help="Send a report now, even if none is due."
        )

    def handle(self, *args, project: int | None, now: bool, **options):
        if project is not None and not ImplementationProject.objects.filter(pk=project).exists():
            raise CommandError(f"There is no project with id {project}.")
        if now and project is not None:
            report = services.report_create(project_id=project, kind=StatusReport.Kind.MANUAL)
            created = [report] if report else []
        elif now:
            created = services.reports_send_now_all()
        else:
            try:
                created = services.reports_send_due(project_id=project)
            except services.StatusReportsFailed as failure:
                self._summary(failure.created)
                raise CommandError(str(failure)) from failure
        self._summary(created)

    def _summary(self, created: list[StatusReport]) -> None:
        if not created:
            self.stdout.write("No status report to send.")
            return
        for report in created:
            self.stdout.write(
                f"{report.project.name}: report {report.pk} queued to "
                f"{len(report.recipients)} recipient(s)."
            )
        self.stdout.write(
            self.style.SUCCESS(f"{len(created)} status report(s) queued for delivery.")
        )
