"""A BRIN index on the transfers' time (PostgreSQL): the tamper-evident log reads the rows
written since its last run. Transfers arrive in time order, so a BRIN index of a few pages
answers that without a second B-tree on the hottest table (insert cost near zero)."""

from django.db import migrations

from puhui.core.sql import brin_index


class Migration(migrations.Migration):
    dependencies = [("ledger", "0003_account_fillfactor")]
    operations = [brin_index("ledger_transfer", "created_at")]
