"""Register the model shipped with puhui and activate it when no model is active, so every
database starts with a credit model trained on real small-business outcomes."""

from django.db import migrations

from puhui.credit.shipped import SHIPPED_NAME, shipped_artifact


def register_shipped(apps, schema_editor):
    CreditModel = apps.get_model("credit", "CreditModel")
    artifact = shipped_artifact()
    CreditModel.objects.get_or_create(
        version=artifact["version"],
        defaults={"name": SHIPPED_NAME, "artifact": artifact,
                  "data_sha256": artifact["data"]["sha256"],
                  "active": not CreditModel.objects.filter(active=True).exists(),
                  "decides": "scorecard"})


class Migration(migrations.Migration):
    dependencies = [("credit", "0001_initial")]
    operations = [migrations.RunPython(register_shipped, migrations.RunPython.noop)]
