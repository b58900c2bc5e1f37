from django.db import migrations

from puhui.core.sql import append_only_install, append_only_remove


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]
    operations = [
        migrations.RunPython(
            lambda apps, schema_editor: append_only_install(schema_editor, "ledger_transfer"),
            lambda apps, schema_editor: append_only_remove(schema_editor, "ledger_transfer"),
        )
    ]
