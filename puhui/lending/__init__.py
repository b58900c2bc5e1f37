"""P2P lending: products, applications, listings, bids, notes, schedules, repayments, overdue,
default and recovery. Schedules (``schedules.py``) are pure computation, exact to the fen."""
