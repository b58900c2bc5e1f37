"""A process that writes linked batches forever, announcing each; the crash test kills it -9.

Run as ``python -m puhui.ledger.tests.crash_writer SOURCE_ID WALLET_ID``.
"""

import os
import sys
import uuid

import django

CRASH_NAMESPACE = uuid.UUID("3d7c1e9a-2b4f-4c8e-8a6d-5f0e1b2c3d4e")
BATCH_TRANSFERS = 2_000


def batch_ids(batch: int) -> list[uuid.UUID]:
    return [uuid.uuid5(CRASH_NAMESPACE, f"{batch}:{i}") for i in range(BATCH_TRANSFERS)]


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "puhui.test_settings")
    django.setup()
    from puhui.ledger.services import NewTransfer, transfers_create

    source_id, wallet_id = int(sys.argv[1]), int(sys.argv[2])
    batch = 0
    while True:
        transfers = [
            NewTransfer(id=tid, debit_account_id=source_id, credit_account_id=wallet_id,
                        amount=1, currency="CNY", code="crash", linked=True)
            for tid in batch_ids(batch)
        ]
        transfers[-1] = NewTransfer(id=transfers[-1].id, debit_account_id=source_id,
                                    credit_account_id=wallet_id, amount=1, currency="CNY",
                                    code="crash")
        print(f"start {batch}", flush=True)
        outcomes = transfers_create(transfers)
        assert all(o.result == "ok" for o in outcomes)
        print(f"done {batch}", flush=True)
        batch += 1


if __name__ == "__main__":
    main()
