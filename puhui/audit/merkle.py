"""An append-only Merkle log in the form of RFC 6962 (Certificate Transparency), as RFC 9162
§2.1 restates it: the hash of a leaf is SHA-256(0x00 ‖ leaf), of an inner node SHA-256(0x01 ‖
left ‖ right), and a tree of n leaves splits at the largest power of two smaller than n. With
it, whoever holds a tree head (a size and a root) can be shown that a record is in the log
(an inclusion proof) and that a later tree head only appended to it (a consistency proof):
rewriting, deleting or reordering any earlier leaf changes every later root.

Pure functions of bytes; this module imports nothing of puhui."""

import hashlib
from collections.abc import Callable, Sequence

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


# The hash of the leaves [start, end) of a tree: MTH(D[start:end]). The proofs below ask only
# for ranges the RFC's recursion makes, so ``start`` is a multiple of the largest power of two
# not above ``end - start``; a store of complete subtrees answers them (``audit.log``).
RangeHash = Callable[[int, int], bytes]


def range_hash_from(complete: Callable[[int, int], bytes]) -> RangeHash:
    """A range hash built from ``complete(level, k)``: the root of the complete subtree of the
    2**level leaves from k * 2**level."""
    def range_hash(start: int, end: int) -> bytes:
        width = end - start
        if width & (width - 1) == 0:
            level = width.bit_length() - 1
            return complete(level, start >> level)
        k = _split(width)
        return node_hash(range_hash(start, start + k), range_hash(start + k, end))
    return range_hash


def inclusion_path(index: int, size: int, range_hash: RangeHash) -> list[bytes]:
    """The audit path of leaf ``index`` in a tree of ``size`` leaves (PATH), bottom first."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size}")
    path: list[bytes] = []
    start, end = 0, size
    while end - start > 1:
        k = _split(end - start)
        if index < start + k:
            path.append(range_hash(start + k, end))
            end = start + k
        else:
            path.append(range_hash(start, start + k))
            start += k
    return path[::-1]


def consistency_path(old_size: int, size: int, range_hash: RangeHash) -> list[bytes]:
    """What shows the tree of the first ``old_size`` leaves is a prefix of the tree of ``size``
    (PROOF)."""
    if not 0 < old_size <= size:
        raise ValueError(f"no consistency proof from {old_size} to {size}")
    path: list[bytes] = []
    start, end, m, complete = 0, size, old_size, True
    while m != end - start:
        k = _split(end - start)
        if m <= k:
            path.append(range_hash(start + k, end))
            end = start + k
        else:
            path.append(range_hash(start, start + k))
            start, m, complete = start + k, m - k, False
    if not complete:
        path.append(range_hash(start, end))
    return path[::-1]


def _slices(leaves: Sequence[bytes]) -> RangeHash:
    return lambda start, end: root_of(leaves[start:end])


def inclusion_proof(leaves: Sequence[bytes], index: int) -> list[bytes]:
    """The audit path of leaf ``index`` in the tree of these leaf hashes (PATH)."""
    return inclusion_path(index, len(leaves), _slices(leaves))


def consistency_proof(leaves: Sequence[bytes], old_size: int) -> list[bytes]:
    """What shows the tree of the first ``old_size`` leaves is a prefix of this one (PROOF)."""
    return consistency_path(old_size, len(leaves), _slices(leaves))


def frontier_pushed(frontier: list[tuple[int, bytes]], leaf: bytes) -> None:
    """Add a leaf hash to a compact range: the roots of the complete subtrees (level, hash)
    that make up the tree so far, largest first. Replaying a log keeps only this."""
    level, value = 0, leaf
    while frontier and frontier[-1][0] == level:
        value = node_hash(frontier.pop()[1], value)
        level += 1
    frontier.append((level, value))


def frontier_root(frontier: Sequence[tuple[int, bytes]]) -> bytes:
    """The root of the tree a compact range stands for (its subtrees folded right to left)."""
    if not frontier:
        return EMPTY_ROOT
    root = frontier[-1][1]
    for _level, value in reversed(frontier[:-1]):
        root = node_hash(value, root)
    return root


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
