"""The platform's tamper-evident log: every row its log sources register (``core.log_sources``)
becomes a leaf of an append-only Merkle tree in the form of RFC 6962 (``audit.merkle``), kept as
tlog tiles of height 8 (``LogTile``), with signed tree heads (``LogCheckpoint``).

``log_extend`` appends what the sources wrote since the last run, ``log_append`` appends rows a
caller names (a report and its loan-level records, so the report can name their indexes);
``checkpoint_sign`` signs the current head; ``inclusion_proofs`` and ``consistency_proof_between``
answer whoever holds a checkpoint. Proofs read a handful of tiles, never the whole log.
"""

import base64
import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.db import connection, transaction

from puhui.audit.checkpoints import Checkpoint, checkpoint_signed
from puhui.audit.merkle import (
    EMPTY_ROOT,
    RangeHash,
    consistency_path,
    inclusion_path,
    leaf_hash,
    range_hash_from,
    root_of,
)
from puhui.audit.models import LogCheckpoint, LogLeaf, LogTile
from puhui.core.log_sources import LoggedRow, log_sources

TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT
HASH_SIZE = 32
# A row written by a transaction that commits later than one already logged is still picked
# up if its transaction took less than this.
LOOKBACK = timedelta(hours=1)
EXTEND_BATCH = 10_000
Answer = TypeVar("Answer")


def log_private_key() -> bytes:
    configured = settings.PUHUI_AUDIT_LOG_KEY
    if configured:
        key = base64.b64decode(configured, validate=True)
        if len(key) != 32:
            raise ValueError("PUHUI_AUDIT_LOG_KEY must be 32 bytes, base64")
        return key
    # development and tests (serving with DEBUG off refuses to start without the setting)
    return hashlib.sha256(b"puhui audit log key\n" + settings.SECRET_KEY.encode()).digest()


def log_public_key() -> bytes:
    return Ed25519PrivateKey.from_private_bytes(log_private_key()).public_key().public_bytes(
        Encoding.Raw, PublicFormat.Raw)


# --- tiles ----------------------------------------------------------------------------------


def _split_hashes(blob: bytes) -> list[bytes]:
    return [blob[i:i + HASH_SIZE] for i in range(0, len(blob), HASH_SIZE)]


def tiles_grown(size: int, edges: dict[int, list[bytes]],
                hashes: Iterable[bytes]) -> dict[tuple[int, int], list[bytes]]:
    """Append leaf hashes to a tree of ``size`` leaves whose rightmost tile of each level is
    ``edges[level]`` (changed in place). Returns every tile written: (level, number) → hashes."""
    written: dict[tuple[int, int], list[bytes]] = {}
    for value in hashes:
        level = 0
        while True:
            row = edges.setdefault(level, [])
            row.append(value)
            written[(level, size >> (TILE_HEIGHT * (level + 1)))] = row
            if len(row) < TILE_WIDTH:
                break
            value, edges[level] = root_of(row), []
            level += 1
        size += 1
    return written


def _edge_numbers(size: int) -> dict[int, int]:
    """The partly filled rightmost tile of each level of a tree of ``size`` leaves."""
    numbers, level = {}, 0
    while size >> (TILE_HEIGHT * level):
        count = size >> (TILE_HEIGHT * level)
        if count % TILE_WIDTH:
            numbers[level] = count >> TILE_HEIGHT
        level += 1
    return numbers


def _tiles_read(wanted: Iterable[tuple[int, int]]) -> dict[tuple[int, int], list[bytes]]:
    wanted = set(wanted)
    if not wanted:
        return {}
    levels = {level for level, _number in wanted}
    numbers = {number for _level, number in wanted}
    rows = LogTile.objects.filter(level__in=levels, number__in=numbers).values_list(
        "level", "number", "hashes")
    return {(level, number): _split_hashes(bytes(blob)) for level, number, blob in rows
            if (level, number) in wanted}


def _appender_lock() -> None:
    """One appender or signer at a time, held to the end of the transaction (PostgreSQL; an
    SQLite writer holds the whole database from BEGIN). A row lock would not do: before the
    first checkpoint there is no row to lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('puhui.audit.log'))")


def log_size() -> int:
    last = LogLeaf.objects.order_by("-index").values_list("index", flat=True).first()
    return 0 if last is None else last + 1


def _hashes_append(size: int, hashes: list[bytes]) -> None:
    edges_at = _edge_numbers(size)
    stored = _tiles_read((level, number) for level, number in edges_at.items())
    edges = {level: stored.get((level, number), []) for level, number in edges_at.items()}
    written = tiles_grown(size, edges, hashes)
    LogTile.objects.bulk_create(
        [LogTile(level=level, number=number, hashes=b"".join(row))
         for (level, number), row in written.items()],
        update_conflicts=True, unique_fields=["level", "number"], update_fields=["hashes"])


@dataclass(frozen=True)
class Appended:
    first_index: int
    count: int


def log_append(source: str, rows: Sequence[LoggedRow]) -> Appended:
    """Append rows of one source, in this order, in the caller's transaction (after the rows
    themselves). A row already in the log is an error: each row is a leaf once."""
    with transaction.atomic():
        _appender_lock()
        size = log_size()
        LogLeaf.objects.bulk_create([
            LogLeaf(index=size + offset, source=source, key=row.key, created_at=row.created_at)
            for offset, row in enumerate(rows)], batch_size=EXTEND_BATCH)
        _hashes_append(size, [leaf_hash(row.leaf) for row in rows])
    return Appended(size, len(rows))


def log_extend() -> int:
    """Append every row the sources wrote since they were last logged (looking back
    ``LOOKBACK`` for late commits). Returns how many leaves were added."""
    added = 0
    for name, source in sorted(log_sources().items()):
        newest = LogLeaf.objects.filter(source=name).order_by("-created_at").values_list(
            "created_at", flat=True).first()
        since: datetime | None = newest - LOOKBACK if newest else None
        batch: list[LoggedRow] = []
        for row in source.rows_since(since):
            batch.append(row)
            if len(batch) == EXTEND_BATCH:
                added += _append_unlogged(name, batch)
                batch = []
        added += _append_unlogged(name, batch)
    return added


def _append_unlogged(source: str, rows: list[LoggedRow]) -> int:
    if not rows:
        return 0
    logged = set(LogLeaf.objects.filter(source=source, key__in=[row.key for row in rows])
                 .values_list("key", flat=True))
    fresh = [row for row in rows if row.key not in logged]
    if fresh:
        log_append(source, fresh)
    return len(fresh)


# --- tree heads and proofs ------------------------------------------------------------------


class _TileReader:
    """Hashes of complete subtrees from tiles, read in one query per proof (or batch)."""

    def __init__(self, read: Callable[[Iterable[tuple[int, int]]],
                                      dict[tuple[int, int], list[bytes]]] | None = None) -> None:
        self.read = read or _tiles_read
        self.tiles: dict[tuple[int, int], list[bytes]] = {}
        self.cache: dict[tuple[int, int], bytes] = {}
        self.needed: set[tuple[int, int]] = set()

    def where(self, level: int, k: int) -> tuple[tuple[int, int], int, int]:
        tile_level, height = divmod(level, TILE_HEIGHT)
        first = k << height
        return (tile_level, first >> TILE_HEIGHT), first % TILE_WIDTH, 1 << height

    def wanted(self, level: int, k: int) -> bytes:
        self.needed.add(self.where(level, k)[0])
        return EMPTY_ROOT

    def complete(self, level: int, k: int) -> bytes:
        found = self.cache.get((level, k))
        if found is None:
            tile, offset, width = self.where(level, k)
            row = self.tiles[tile][offset:offset + width]
            if len(row) != width:
                raise LookupError(f"the log has no complete subtree {level}/{k}")
            found = self.cache[(level, k)] = root_of(row)
        return found

    def answer(self, ask: Callable[[RangeHash], Answer]) -> Answer:
        self.needed = set()
        ask(range_hash_from(self.wanted))  # which tiles the proof reads
        self.tiles.update(self.read(self.needed - self.tiles.keys()))
        return ask(range_hash_from(self.complete))


def tree_root(size: int) -> bytes:
    if size == 0:
        return EMPTY_ROOT
    return _TileReader().answer(lambda range_hash: range_hash(0, size))


def inclusion_proofs(indexes: Sequence[int], size: int) -> dict[int, list[bytes]]:
    """The audit path of each leaf in the tree of ``size`` leaves (sharing tiles between
    them)."""
    reader = _TileReader()
    return {index: reader.answer(
        lambda range_hash, index=index: inclusion_path(index, size, range_hash))  # type: ignore[misc]
        for index in indexes}


def consistency_proof_between(old_size: int, size: int) -> list[bytes]:
    return _TileReader().answer(
        lambda range_hash: consistency_path(old_size, size, range_hash))


def leaf_hashes(first: int, count: int) -> list[bytes]:
    """The stored hashes of leaves [first, first + count)."""
    numbers = range(first >> TILE_HEIGHT, ((first + count - 1) >> TILE_HEIGHT) + 1)
    tiles = _tiles_read((0, number) for number in numbers)
    flat = [value for number in numbers for value in tiles.get((0, number), [])]
    offset = first - (numbers.start << TILE_HEIGHT)
    return flat[offset:offset + count]


def checkpoint_sign() -> LogCheckpoint:
    """Sign the current head (or return the last checkpoint when nothing was appended)."""
    with transaction.atomic():
        _appender_lock()
        last = LogCheckpoint.objects.order_by("-size").first()
        size = log_size()
        if last is not None and last.size == size:
            return last
        head = Checkpoint(settings.PUHUI_AUDIT_LOG_ORIGIN, size, tree_root(size))
        return LogCheckpoint.objects.create(
            size=size, origin=head.origin, root=head.root,
            signature=checkpoint_signed(head, log_private_key()))


def checkpoint_of(row: LogCheckpoint) -> Checkpoint:
    return Checkpoint(row.origin, row.size, bytes(row.root))

