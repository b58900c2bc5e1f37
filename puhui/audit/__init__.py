"""The append-only record of who did what: every state change of a reviewed party lands here.

The database refuses UPDATE and DELETE of events (triggers on PostgreSQL and SQLite). Merkle
tree heads for the supervisor (DESIGN §12) will be built over these events.
"""
