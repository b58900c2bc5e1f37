"""SQL the ORM cannot express, one template per database vendor, applied by migrations."""

from pathlib import Path
from typing import Any

SQL_DIR = Path(__file__).resolve().parent


def sql_statements(name: str, vendor: str, **names: str) -> list[str]:
    """The statements of ``<name>.<vendor>.sql`` with ``{placeholders}`` filled in; statements
    are separated by blank lines, comment-only blocks are dropped."""
    text = (SQL_DIR / f"{name}.{vendor}.sql").read_text().format(**names)
    blocks = [block.strip() for block in text.split("\n\n")]
    return [block for block in blocks if block and not _only_comments(block)]


def _only_comments(block: str) -> bool:
    return all(line.strip().startswith("--") for line in block.splitlines() if line.strip())


def append_only_install(schema_editor: Any, table: str) -> None:
    """Make the database refuse UPDATE and DELETE of ``table``'s rows."""
    for statement in sql_statements("append_only", schema_editor.connection.vendor, table=table):
        schema_editor.execute(statement, params=None)


def append_only_remove(schema_editor: Any, table: str) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
                              params=None)
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {table}_refuse_change()", params=None)
    else:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_refuse_update", params=None)
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_refuse_delete", params=None)


def brin_index(table: str, column: str) -> Any:
    """A migration operation: a BRIN index on ``table.column`` on PostgreSQL (rows that arrive
    in the column's order, read by range; nothing on SQLite, whose tables stay small)."""
    from django.db import migrations

    name = f"{table}_{column}_brin"

    def install(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
                                  f"USING brin ({column})", params=None)

    def remove(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}", params=None)

    return migrations.RunPython(install, remove)
