"""Key rotation: every sealed column re-sealed under the newest personal-data key."""

from django.db import models, transaction

from puhui.core.pii import pii_blind_index, pii_decrypt, pii_encrypt
from puhui.parties.models import (
    Enterprise,
    InvestorProfile,
    TotpDevice,
)

SEALED_COLUMNS: list[tuple[type[models.Model], str, str]] = [
    (Enterprise, "legal_rep_id", "legal_rep_id"),
    (Enterprise, "phone", "phone"),
    (Enterprise, "bank_account", "bank_account"),
    (InvestorProfile, "resident_id", "resident_id"),
    (InvestorProfile, "phone", "phone"),
    (InvestorProfile, "bank_card", "bank_card"),
    (TotpDevice, "secret", "totp.secret"),
]


@transaction.atomic
def pii_rotate() -> int:
    """Re-seal every personal value under the current key and recompute its blind index
    (after a new key was put first in PUHUI_PII_KEYS, or the index key changed)."""
    resealed = 0
    for model, prefix, context in SEALED_COLUMNS:
        sealed_column = f"{prefix}_encrypted"
        index_column = f"{prefix}_index"
        has_index = any(f.name == index_column for f in model._meta.get_fields())
        for row in model._default_manager.select_for_update().exclude(**{sealed_column: ""}):
            clear = pii_decrypt(getattr(row, sealed_column), context=context)
            setattr(row, sealed_column, pii_encrypt(clear, context=context))
            fields = [sealed_column]
            if has_index:
                setattr(row, index_column, pii_blind_index(clear, context=context))
                fields.append(index_column)
            row.save(update_fields=fields)
            resealed += 1
    return resealed
