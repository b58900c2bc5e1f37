"""SQL that the ORM cannot express, one file per database vendor, applied by migrations."""

from pathlib import Path

SQL_DIR = Path(__file__).resolve().parent


def sql_for_vendor(name: str, vendor: str) -> list[str]:
    """The statements of ``<name>.<vendor>.sql``, split on blank-line-separated blocks."""
    text = (SQL_DIR / f"{name}.{vendor}.sql").read_text()
    blocks = [block.strip() for block in text.split("\n\n")]
    return [block for block in blocks if block and not _only_comments(block)]


def _only_comments(block: str) -> bool:
    return all(line.strip().startswith("--") for line in block.splitlines() if line.strip())
