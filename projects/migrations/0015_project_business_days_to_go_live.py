from django.db import migrations, models

BATCH = 1000


def count_live_projects(apps, schema_editor):
    """Count the days of the projects already live, with the days off known now."""
    from projects.scheduling import business_days_between, country_holidays

    project_model = apps.get_model("projects", "ImplementationProject")
    holiday_model = apps.get_model("projects", "Holiday")
    live = project_model.objects.filter(
        kickoff_date__isnull=False, actual_go_live__isnull=False
    ).only("pk", "kickoff_date", "actual_go_live")
    spans = [(p.kickoff_date, p.actual_go_live) for p in live]
    if not spans:
        return
    first = min(min(span) for span in spans)
    last = max(max(span) for span in spans)
    days_off = set(
        holiday_model.objects.filter(date__range=(first, last)).values_list("date", flat=True)
    ) | country_holidays(first, last)
    changed = []
    for project in live.iterator(chunk_size=BATCH):
        project.business_days_to_go_live = business_days_between(
            project.kickoff_date, project.actual_go_live, days_off
        )
        changed.append(project)
        if len(changed) == BATCH:
            project_model.objects.bulk_update(changed, ["business_days_to_go_live"])
            changed = []
    project_model.objects.bulk_update(changed, ["business_days_to_go_live"])


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0014_time_entries_by_day_and_person"),
    ]

    operations = [
        migrations.AddField(
            model_name="implementationproject",
            name="business_days_to_go_live",
            field=models.IntegerField(
                blank=True,
                editable=False,
                null=True,
                verbose_name="business days from kick-off to go-live",
            ),
        ),
        migrations.AddIndex(
            model_name="implementationproject",
            index=models.Index(fields=["actual_go_live"], name="projects_im_actual__2bc9b0_idx"),
        ),
        migrations.RunPython(count_live_projects, migrations.RunPython.noop),
    ]
