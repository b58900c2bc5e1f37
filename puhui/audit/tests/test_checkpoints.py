"""Signed tree heads: a checkpoint verifies under its log's public key, and a changed size,
root, origin or key does not; its text form reads back to the same checkpoint."""

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from puhui.audit.checkpoints import Checkpoint, checkpoint_signed, checkpoint_verified
from puhui.audit.merkle import leaf_hash, root_of


def _keys() -> tuple[bytes, bytes]:
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes_raw()
    return private, key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def test_a_signed_tree_head_verifies_and_any_change_does_not():
    private, public = _keys()
    root = root_of([leaf_hash(b"event 1"), leaf_hash(b"event 2")])
    head = Checkpoint("platform-a.puhui/audit", 2, root)
    signature = checkpoint_signed(head, private)
    assert checkpoint_verified(head, signature, public)
    assert Checkpoint.parsed(head.body()) == head
    other_root = root_of([leaf_hash(b"event 1"), leaf_hash(b"event 2, rewritten")])
    for changed in (Checkpoint(head.origin, 3, root), Checkpoint(head.origin, 2, other_root),
                    Checkpoint("platform-b.puhui/audit", 2, root)):
        assert not checkpoint_verified(changed, signature, public)
    assert not checkpoint_verified(head, signature, _keys()[1])
    assert not checkpoint_verified(head, signature[:-1] + bytes([signature[-1] ^ 1]), public)


def test_a_malformed_checkpoint_is_refused():
    with pytest.raises(ValueError, match="32-byte root"):
        Checkpoint("log", 1, b"short").body()
    with pytest.raises(ValueError, match="not a checkpoint"):
        Checkpoint.parsed(b"log\nten\nAAAA\n")
