from django.db import migrations


def set_fillfactor(apps, schema_editor):
    # Account rows are updated on every transfer. Leaving half of each page free lets
    # PostgreSQL update them in place (HOT updates: no new index entries).
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE ledger_account SET (fillfactor = 50)", params=None)


def reset_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE ledger_account RESET (fillfactor)", params=None)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_transfers_append_only")]
    operations = [migrations.RunPython(set_fillfactor, reset_fillfactor)]
