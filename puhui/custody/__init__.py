"""Custody: all client money sits at a custodian bank; the platform's ledger mirrors it.

- ``bank.py``: the simulated custodian bank — its own storage (a SQLite file), its own
  process (``puhui custodian serve``), an HTTP API with HMAC-signed, idempotent instructions.
- ``adapter.py``: the interface the platform needs from any custodian, and its HTTP client.
- ``services.py``: deposits and withdrawals (custodian first for money arriving, ledger hold
  first for money leaving), the sync that replays posted ledger movements between custodied
  accounts as transfer instructions (the ledger is the outbox), and the daily reconciliation.
"""
