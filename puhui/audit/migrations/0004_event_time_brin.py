"""A BRIN index on the audit events' time (PostgreSQL), for the log's read of new rows."""

from django.db import migrations


def _brin(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE INDEX IF NOT EXISTS audit_auditevent_time_brin "
                              "ON audit_auditevent USING brin (created_at)")


def _brin_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS audit_auditevent_time_brin")


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_merkle_log")]
    operations = [migrations.RunPython(_brin, _brin_drop)]
