from django.db import migrations

from puhui.ledger.sql import sql_for_vendor


def set_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in sql_for_vendor("account_fillfactor", "postgresql"):
            schema_editor.execute(statement, params=None)


def reset_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE ledger_account RESET (fillfactor)", params=None)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_transfers_append_only")]
    operations = [migrations.RunPython(set_fillfactor, reset_fillfactor)]
