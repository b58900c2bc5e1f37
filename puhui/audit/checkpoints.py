"""Signed tree heads of the Merkle log (``audit.merkle``): a checkpoint names the log, its size
and its root in the text form of C2SP's tlog-checkpoint (``<origin>\\n<size>\\n<base64 root>\\n``),
signed with the log's Ed25519 key. Whoever stores a checkpoint can later hold the log to it:
a consistency proof from this head to the next shows nothing before it was rewritten.

Pure functions; keys are raw 32-byte Ed25519 keys (``cryptography``)."""

import base64
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)


@dataclass(frozen=True)
class Checkpoint:
    origin: str  # the log's name, e.g. "platform-a.puhui/audit"
    size: int
    root: bytes  # 32 bytes

    def body(self) -> bytes:
        if "\n" in self.origin or not self.origin or self.size < 0 or len(self.root) != 32:
            raise ValueError("a checkpoint has a one-line origin, a size and a 32-byte root")
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\n".encode()

    @classmethod
    def parsed(cls, body: bytes) -> "Checkpoint":
        origin, size, root, rest = body.decode().split("\n", 3)
        if rest or not size.isdigit():
            raise ValueError("not a checkpoint")
        return cls(origin, int(size), base64.b64decode(root, validate=True))


def checkpoint_signed(checkpoint: Checkpoint, private_key: bytes) -> bytes:
    return Ed25519PrivateKey.from_private_bytes(private_key).sign(checkpoint.body())


def checkpoint_verified(checkpoint: Checkpoint, signature: bytes, public_key: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, checkpoint.body())
    except (InvalidSignature, ValueError):
        return False
    return True
