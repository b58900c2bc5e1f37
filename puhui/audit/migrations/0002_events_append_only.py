from django.db import migrations

from puhui.core.sql import append_only_install, append_only_remove


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [
        migrations.RunPython(
            lambda apps, schema_editor: append_only_install(schema_editor, "audit_auditevent"),
            lambda apps, schema_editor: append_only_remove(schema_editor, "audit_auditevent"),
        )
    ]
