"""Register and activate the model shipped with puhui: trained on the SBA loans approved in
fiscal years up to 2002, mapped onto the features puhui has for its own applications
(``puhui credit export-features``, then ``puhui credit train``; see docs/CREDIT.md)."""

import json
from pathlib import Path

from django.db import migrations

SHIPPED = Path(__file__).resolve().parent.parent / "shipped" / "sba-puhui.json"


def register_shipped(apps, schema_editor):
    CreditModel = apps.get_model("credit", "CreditModel")
    artifact = json.loads(SHIPPED.read_text(encoding="utf-8"))
    CreditModel.objects.get_or_create(
        version=artifact["version"],
        defaults={"name": "SBA loans FY ≤ 2002, puhui features (shipped)",
                  "artifact": artifact, "data_sha256": artifact["data"]["sha256"],
                  "active": not CreditModel.objects.filter(active=True).exists(),
                  "decides": "scorecard"})


class Migration(migrations.Migration):
    dependencies = [("credit", "0001_initial")]
    operations = [migrations.RunPython(register_shipped, migrations.RunPython.noop)]
