"""Reads for custody: the latest reconciliation with the custodian bank."""

from puhui.custody.models import Reconciliation


def reconciliation_latest() -> Reconciliation | None:
    return Reconciliation.objects.order_by("-ran_at", "-pk").first()
