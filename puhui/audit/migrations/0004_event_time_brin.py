"""A BRIN index on the audit events' time (PostgreSQL), for the log's read of new rows."""

from django.db import migrations

from puhui.core.sql import brin_index


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_merkle_log")]
    operations = [brin_index("audit_auditevent", "created_at")]
