"""An append-only Merkle log in the form of RFC 6962 (Certificate Transparency), as RFC 9162
§2.1 restates it: the hash of a leaf is SHA-256(0x00 ‖ leaf), of an inner node SHA-256(0x01 ‖
left ‖ right), and a tree of n leaves splits at the largest power of two smaller than n. With
it, whoever holds a tree head (a size and a root) can be shown that a record is in the log
(an inclusion proof) and that a later tree head only appended to it (a consistency proof):
rewriting, deleting or reordering any earlier leaf changes every later root.

Pure functions of bytes; this module imports nothing of puhui."""

import hashlib
from collections.abc import Sequence

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(leaf: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(size: int) -> int:
    """The largest power of two smaller than ``size`` (``size`` > 1)."""
    return 1 << ((size - 1).bit_length() - 1)


def root_of(leaves: Sequence[bytes]) -> bytes:
    """The Merkle tree hash of these leaf hashes (MTH)."""
    if not leaves:
        return EMPTY_ROOT
    if len(leaves) == 1:
        return leaves[0]
    k = _split(len(leaves))
    return node_hash(root_of(leaves[:k]), root_of(leaves[k:]))


def inclusion_proof(leaves: Sequence[bytes], index: int) -> list[bytes]:
    """The audit path of leaf ``index`` in the tree of these leaf hashes (PATH)."""
    if not 0 <= index < len(leaves):
        raise ValueError(f"leaf {index} is not in a tree of {len(leaves)}")
    if len(leaves) == 1:
        return []
    k = _split(len(leaves))
    if index < k:
        return [*inclusion_proof(leaves[:k], index), root_of(leaves[k:])]
    return [*inclusion_proof(leaves[k:], index - k), root_of(leaves[:k])]


def consistency_proof(leaves: Sequence[bytes], old_size: int) -> list[bytes]:
    """What shows the tree of the first ``old_size`` leaves is a prefix of this one (PROOF)."""
    if not 0 < old_size <= len(leaves):
        raise ValueError(f"no consistency proof from {old_size} to {len(leaves)}")
    return _subproof(leaves, old_size, complete=True)


def _subproof(leaves: Sequence[bytes], m: int, *, complete: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if complete else [root_of(leaves)]
    k = _split(n)
    if m <= k:
        return [*_subproof(leaves[:k], m, complete=complete), root_of(leaves[k:])]
    return [*_subproof(leaves[k:], m - k, complete=False), root_of(leaves[:k])]


def inclusion_verified(leaf: bytes, index: int, size: int, proof: Sequence[bytes],
                       root: bytes) -> bool:
    """Whether ``proof`` shows the leaf hash ``leaf`` at ``index`` in the tree ``(size, root)``
    (RFC 9162 §2.1.3.2)."""
    if not 0 <= index < size:
        return False
    fn, sn, running = index, size - 1, leaf
    for sibling in proof:
        if sn == 0:
            return False
        if fn % 2 == 1 or fn == sn:
            running = node_hash(sibling, running)
            if fn % 2 == 0:
                while fn % 2 == 0 and fn != 0:
                    fn, sn = fn >> 1, sn >> 1
        else:
            running = node_hash(running, sibling)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and running == root


def consistency_verified(old_size: int, new_size: int, old_root: bytes, new_root: bytes,
                         proof: Sequence[bytes]) -> bool:
    """Whether ``proof`` shows the tree ``(old_size, old_root)`` is a prefix of ``(new_size,
    new_root)`` (RFC 9162 §2.1.4.2)."""
    if not 0 < old_size <= new_size:
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # a power of two: the old root starts the path
        path = [old_root, *path]
    if not path:
        return False
    fn, sn = old_size - 1, new_size - 1
    while fn % 2 == 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for node in path[1:]:
        if sn == 0:
            return False
        if fn % 2 == 1 or fn == sn:
            fr, sr = node_hash(node, fr), node_hash(node, sr)
            if fn % 2 == 0:
                while fn % 2 == 0 and fn != 0:
                    fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, node)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == old_root and sr == new_root
