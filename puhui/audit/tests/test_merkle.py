"""The Merkle log against RFC 6962's published test vectors (the leaf inputs, node hashes, roots
and proofs that Certificate Transparency's implementations test with, as transparency-dev/merkle
publishes them), and as properties over random trees: every proof made verifies, and any
changed byte, index or size fails."""

import base64

from hypothesis import given, settings
from hypothesis import strategies as st

from puhui.audit.merkle import (
    EMPTY_ROOT,
    consistency_proof,
    consistency_verified,
    inclusion_proof,
    inclusion_verified,
    leaf_hash,
    root_of,
)

LEAF_INPUTS = [bytes.fromhex(h) for h in (
    "", "00", "10", "2021", "3031", "40414243", "5051525354555657",
    "606162636465666768696a6b6c6d6e6f")]
LEAF_HASHES = [bytes.fromhex(h) for h in (
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
    "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
    "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
    "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
    "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1")]
ROOTS = [bytes.fromhex(h) for h in (
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328")]


def b64(*texts: str) -> list[bytes]:
    return [base64.b64decode(text) for text in texts]


# (leaf index, tree size, proof) — the published happy paths
INCLUSION = [
    (0, 1, []),
    (0, 8, b64("lqKW0iTyhcZ77pPDD4owkVfw2qNdxbh+QQt4YwoJz8c=",
               "Xwg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4=",
               "a0eq8p7jwq+a+Im8H7klTavTEXfxYjLdaqsDXKOb9uQ=")),
    (5, 8, b64("vBoGQ7EuTS18d5GPROD095qDi2z57FtcKD4fTYhZnms=",
               "yoVOoSjtBQtBs1/8G4e46yveRh6eO1WW7Oa51ZdaCuA=",
               "037kGJdt2VdTwcc4Yrk5j6Kiz5tP8P3+izDNlSCWFLc=")),
    (2, 3, b64("+sVCA+fMaWzw38tCySodnbr3CtnmIfS9jZhmLwDjwSU=")),
    (1, 5, b64("bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=",
               "Xwg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4=",
               "vBoGQ7EuTS18d5GPROD095qDi2z57FtcKD4fTYhZnms=")),
]
# (old size, new size, proof)
CONSISTENCY = [
    (1, 1, []),
    (1, 8, b64("lqKW0iTyhcZ77pPDD4owkVfw2qNdxbh+QQt4YwoJz8c=",
               "Xwg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4=",
               "a0eq8p7jwq+a+Im8H7klTavTEXfxYjLdaqsDXKOb9uQ=")),
    (6, 8, b64("DrxdNDf74tsVi58Sah0RjjCBgQMdCpSfje3t68VY72o=",
               "yoVOoSjtBQtBs1/8G4e46yveRh6eO1WW7Oa51ZdaCuA=",
               "037kGJdt2VdTwcc4Yrk5j6Kiz5tP8P3+izDNlSCWFLc=")),
    (2, 5, b64("Xwg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4=",
               "vBoGQ7EuTS18d5GPROD095qDi2z57FtcKD4fTYhZnms=")),
    (6, 7, b64("DrxdNDf74tsVi58Sah0RjjCBgQMdCpSfje3t68VY72o=",
               "sIaT7C5yFZcTBkHoIR5+7cy0wmQTlj7ubB4u0W/7Gl8=",
               "037kGJdt2VdTwcc4Yrk5j6Kiz5tP8P3+izDNlSCWFLc=")),
]


def test_leaf_hashes_and_roots_match_the_published_vectors():
    assert [leaf_hash(leaf) for leaf in LEAF_INPUTS] == LEAF_HASHES
    assert [root_of(LEAF_HASHES[:size]) for size in range(9)] == ROOTS
    assert root_of([]) == EMPTY_ROOT


def test_inclusion_proofs_match_the_published_vectors():
    for index, size, proof in INCLUSION:
        assert inclusion_proof(LEAF_HASHES[:size], index) == proof, (index, size)
        assert inclusion_verified(LEAF_HASHES[index], index, size, proof, ROOTS[size])
        assert not inclusion_verified(LEAF_HASHES[index], index, size, proof, ROOTS[size - 1]
                                      if size > 1 else EMPTY_ROOT)
        if proof:
            assert not inclusion_verified(LEAF_HASHES[index], index, size, proof[:-1],
                                          ROOTS[size])  # truncated


def test_consistency_proofs_match_the_published_vectors():
    for old, new, proof in CONSISTENCY:
        assert consistency_proof(LEAF_HASHES[:new], old) == proof, (old, new)
        assert consistency_verified(old, new, ROOTS[old], ROOTS[new], proof)
        if proof:
            flipped = [bytes([proof[0][0] ^ 1]) + proof[0][1:], *proof[1:]]
            assert not consistency_verified(old, new, ROOTS[old], ROOTS[new], flipped)
            assert not consistency_verified(old, new, ROOTS[old], ROOTS[new], proof[:-1])


trees = st.lists(st.binary(max_size=8), min_size=1, max_size=40)


@settings(max_examples=60, deadline=None)
@given(leaves=trees, data=st.data())
def test_every_proof_verifies_and_any_change_fails(leaves, data):
    hashes = [leaf_hash(leaf) for leaf in leaves]
    size = len(hashes)
    index = data.draw(st.integers(0, size - 1))
    old = data.draw(st.integers(1, size))
    root, old_root = root_of(hashes), root_of(hashes[:old])
    path = inclusion_proof(hashes, index)
    assert inclusion_verified(hashes[index], index, size, path, root)
    assert not inclusion_verified(leaf_hash(leaves[index] + b"x"), index, size, path, root)
    if size > 1:
        assert not inclusion_verified(hashes[index], (index + 1) % size, size, path, root) or (
            hashes[index] == hashes[(index + 1) % size])
    proof = consistency_proof(hashes, old)
    assert consistency_verified(old, size, old_root, root, proof)
    if old < size:  # a rewritten earlier leaf breaks the old tree head's link to the new one
        rewritten = [leaf_hash(b"rewritten"), *hashes[1:]]
        assert not consistency_verified(old, size, old_root, root_of(rewritten),
                                        consistency_proof(rewritten, old))
