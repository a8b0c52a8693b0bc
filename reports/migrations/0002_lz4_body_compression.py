"""Compress stored status reports with lz4 rather than pglz on PostgreSQL (14 or newer).

Each report keeps its HTML, its text and a snapshot of its data (about 25 kB): the weekly
reports write a hundred megabytes, and pglz compression was a large part of it. lz4 is several
times faster for about the same size. Rows already stored keep their compression. Nothing is
done on SQLite, or on a PostgreSQL built without lz4.
"""

from django.db import migrations

TABLE = "reports_statusreport"
COLUMNS = ("body_html", "body_text", "snapshot")


def compression(method: str):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        alter = f'ALTER TABLE "{TABLE}" ' + ", ".join(
            f'ALTER COLUMN "{column}" SET COMPRESSION {method}' for column in COLUMNS
        )
        schema_editor.execute(
            f"DO $$ BEGIN EXECUTE '{alter}'; "
            "EXCEPTION WHEN feature_not_supported THEN NULL; END $$"
        )

    return apply


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [migrations.RunPython(compression("lz4"), compression("pglz"))]
