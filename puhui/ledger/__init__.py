"""The double-entry ledger, on TigerBeetle's data model.

Two primitives. An **account** holds four running totals in integer minor units
(debits/credits × pending/posted) and may forbid its debits to exceed its credits or the other way
round. A **transfer** moves an amount from one debit account to one credit account of the same
currency; it is immutable and its client-supplied id is its idempotency key.

Guarantees (stated once here, enforced by the database and by ``services`` with typed results,
proved by ``tests/``):

1. Σ debits_posted = Σ credits_posted and Σ debits_pending = Σ credits_pending over all accounts,
   at every commit, because every transfer changes one debit and one credit total by the same
   amount in the same statement batch.
2. Every account's totals equal the sum of its transfers (``puhui ledger verify`` recomputes them).
3. Transfers are append-only: triggers refuse UPDATE and DELETE on PostgreSQL and SQLite.
4. An account flagged ``debits_must_not_exceed_credits`` never has debits (pending + posted) above
   its posted credits, and symmetrically; a CHECK constraint refuses any row that would.
5. A pending transfer is resolved at most once (post, void or expiry): a unique constraint on
   ``pending_id``.
"""
