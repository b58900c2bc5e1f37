from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=60)  # e.g. "admittance.approved"
    subject = models.CharField(max_length=64, db_index=True)  # e.g. "enterprise:12"
    details = models.JSONField(default=dict)  # never clear PII: masked values only
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.subject}"


class LogLeaf(models.Model):
    """One leaf of the platform's Merkle log: which row of which source it is. Its hash lives
    in the tiles; ``puhui audit verify`` recomputes it from the row."""

    index = models.BigIntegerField(primary_key=True)
    source = models.CharField(max_length=32)
    key = models.CharField(max_length=64)
    created_at = models.DateTimeField()  # the row's own time: the source's watermark

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "key"],
                                               name="audit_log_leaf_once")]

    def __str__(self) -> str:
        return f"{self.index}: {self.source} {self.key}"


class LogTile(models.Model):
    """Up to 256 node hashes of one level of the tree (tlog tiles of height 8): level 0 holds
    leaf hashes, level 1 the roots of full level-0 tiles, and so on. The rightmost tile of a
    level grows until it is full; the rest never change."""

    level = models.PositiveSmallIntegerField()
    number = models.BigIntegerField()
    hashes = models.BinaryField()  # 32 bytes per hash, in order

    class Meta:
        constraints = [models.UniqueConstraint(fields=["level", "number"],
                                               name="audit_log_tile_once")]

    def __str__(self) -> str:
        return f"tile {self.level}/{self.number}"


class LogCheckpoint(models.Model):
    """A signed tree head of the log (C2SP checkpoint text, Ed25519)."""

    size = models.BigIntegerField(unique=True)
    origin = models.CharField(max_length=100)
    root = models.BinaryField()
    signature = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.origin} @ {self.size}"
