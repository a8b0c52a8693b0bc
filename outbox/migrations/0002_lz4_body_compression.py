"""Compress email bodies with lz4 rather than pglz on PostgreSQL (14 or newer).

Every status report email stores the whole report (about 12 kB): the weekly reports write
hundreds of megabytes, and pglz compression was half the cost of storing them. lz4 is several
times faster for about the same size. Rows already stored keep their compression. Nothing is
done on SQLite, or on a PostgreSQL built without lz4.
"""

from django.db import migrations

TABLE = "outbox_outgoingemail"
COLUMNS = ("body_html", "body_text")


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
    dependencies = [("outbox", "0001_initial")]

    operations = [migrations.RunPython(compression("lz4"), compression("pglz"))]
