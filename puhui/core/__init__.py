"""Shared foundations: money, errors, the CLI commands that span apps (serve, demo, bench)."""
