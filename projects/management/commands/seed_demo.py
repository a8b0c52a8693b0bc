"""`manage.py seed_demo [--scale N]`: the demo data set, and bulk copies of it for benchmarks."""

from collections import Counter
from importlib import import_module

from django.apps import apps
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count
from django.utils.module_loading import module_has_submodule

from clients.models import Client, Contact
from projects import demo
from projects.models import ImplementationProject, Issue, Milestone, Risk, Task, TimeEntry


class Command(BaseCommand):
    help = (
        "Load the demo data: users (password golive-demo), products, clients, projects with "
        "milestones, tasks, risks and issues. Safe to run again: the base set is brought back "
        "to the same state, dated from today. --scale N also adds N numbered copies of the base "
        "amount of clients and projects, with bulk inserts, each time it is run."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            type=int,
            default=0,
            metavar="N",
            help="Add N more copies of the base clients and projects (adds again on every run).",
        )

    def handle(self, *args, scale: int, **options) -> None:
        if scale < 0:
            raise CommandError("--scale must be 0 or more.")
        base = demo.seed_base()
        created, updated = sum(base.created.values()), sum(base.updated.values())
        self.stdout.write(
            f"Base demo set ready in {base.seconds:.1f} s: "
            f"{created:,} rows created, {updated:,} updated."
        )
        # Apps built on projects (templates…) add their demo data through their own demo.seed().
        # A line one returns (a client portal sign-in link) is printed beside the demo logins.
        notes = []
        for config in apps.get_app_configs():
            if config.name != "projects" and module_has_submodule(config.module, "demo"):
                note = import_module(f"{config.name}.demo").seed(base)
                if isinstance(note, str) and note:
                    notes.append(note)
        health = Counter(
            ImplementationProject.objects.filter(pk__in=base.project_ids).values_list(
                "health", flat=True
            )
        )
        self.stdout.write(
            "Demo projects by health: "
            + ", ".join(f"{health[h]} {h}" for h in ("green", "amber", "red"))
            + "."
        )
        if scale:
            self.stdout.write(f"Adding {scale} scaled copies…")
            scaled = demo.seed_scaled(scale, progress=self.stdout.write)
            first, last = scaled.batches[0], scaled.batches[-1]
            rows = sum(scaled.created.values())
            self.stdout.write(
                f"Added batches #{first}–#{last} in {scaled.seconds:.1f} s: {rows:,} rows "
                f"({scaled.created['implementation projects']:,} projects, "
                f"{scaled.created['tasks']:,} tasks, "
                f"{scaled.created['task dependencies']:,} task dependencies, "
                f"{scaled.created['time entries']:,} time entries)."
            )
        self._totals()
        self._logins()
        for note in notes:
            self.stdout.write(note)

    def _totals(self) -> None:
        counts = {
            "clients": Client.objects.count(),
            "contacts": Contact.objects.count(),
            "projects": ImplementationProject.objects.count(),
            "milestones": Milestone.objects.count(),
            "tasks": Task.objects.count(),
            "dependencies": Task.depends_on.through.objects.count(),
            "risks": Risk.objects.count(),
            "issues": Issue.objects.count(),
            "time entries": TimeEntry.objects.count(),
        }
        self.stdout.write("In the database: " + ", ".join(f"{n:,} {k}" for k, n in counts.items()))
        by_phase = dict(ImplementationProject.objects.values_list("phase").annotate(n=Count("pk")))
        self.stdout.write(
            "Projects by phase: "
            + ", ".join(
                f"{label} {by_phase.get(value, 0):,}" for value, label in demo.Phase.choices
            )
        )

    def _logins(self) -> None:
        names = {
            u.username: u.get_full_name()
            for u in User.objects.filter(username__in=[s.username for s in demo.DEMO_USERS])
        }
        self.stdout.write(f"Demo logins (password {demo.DEMO_PASSWORD}):")
        for spec in demo.DEMO_USERS:
            self.stdout.write(f"  {spec.username:<8} {names[spec.username]:<14} {spec.title}")
