from django.db import migrations

from puhui.ledger.sql import sql_for_vendor


def install_triggers(apps, schema_editor):
    for statement in sql_for_vendor("append_only", schema_editor.connection.vendor):
        schema_editor.execute(statement, params=None)


def remove_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS ledger_transfer_append_only ON ledger_transfer")
        schema_editor.execute("DROP FUNCTION IF EXISTS ledger_transfer_refuse_change()")
    else:
        schema_editor.execute("DROP TRIGGER IF EXISTS ledger_transfer_refuse_update")
        schema_editor.execute("DROP TRIGGER IF EXISTS ledger_transfer_refuse_delete")


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]
    operations = [migrations.RunPython(install_triggers, remove_triggers)]
