"""A BRIN index on the transfers' time (PostgreSQL): the tamper-evident log reads the rows
written since its last run. Transfers arrive in time order, so a BRIN index of a few pages
answers that without a second B-tree on the hottest table (insert cost near zero)."""

from django.db import migrations


def _brin(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE INDEX IF NOT EXISTS ledger_transfer_time_brin "
                              "ON ledger_transfer USING brin (created_at)")


def _brin_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS ledger_transfer_time_brin")


class Migration(migrations.Migration):
    dependencies = [("ledger", "0003_account_fillfactor")]
    operations = [migrations.RunPython(_brin, _brin_drop)]
