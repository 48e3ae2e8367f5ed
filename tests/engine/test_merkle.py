"""The RFC 9162 Merkle tree: roots by definition, every inclusion and consistency proof checks,
and a changed leaf, root or proof does not."""

from __future__ import annotations

import hashlib

from engine.evidence import merkle


def _leaves(n: int) -> list[bytes]:
    return [merkle.leaf_hash(f"leaf {i}".encode()) for i in range(n)]


def _mth(leaves):  # RFC 9162 section 2.1.1, literally
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return merkle.node_hash(_mth(leaves[:k]), _mth(leaves[k:]))


def test_hashes_use_the_rfc_domain_prefixes():
    assert merkle.leaf_hash(b"") == hashlib.sha256(b"\x00").digest()
    assert merkle.node_hash(b"a", b"b") == hashlib.sha256(b"\x01ab").digest()
    assert merkle.root([]) == hashlib.sha256(b"").digest()


def test_roots_match_the_definition_and_one_pass_gives_every_prefix():
    leaves = _leaves(37)
    for n in range(1, 38):
        assert merkle.root(leaves[:n]) == _mth(leaves[:n])
    assert merkle.roots_at(leaves, [1, 5, 8, 37, 40]) == {
        1: _mth(leaves[:1]), 5: _mth(leaves[:5]), 8: _mth(leaves[:8]), 37: _mth(leaves), 40: None,
    }  # fmt: skip


def test_every_inclusion_proof_checks_and_a_wrong_one_does_not():
    leaves = _leaves(21)
    for n in range(1, 22):
        top = merkle.root(leaves[:n])
        for i in range(n):
            proof = merkle.inclusion_proof(i, leaves[:n])
            assert merkle.verify_inclusion(i, n, leaves[i], proof, top)
            assert not merkle.verify_inclusion(i, n, merkle.leaf_hash(b"other"), proof, top)
            if proof:
                assert not merkle.verify_inclusion(i, n, leaves[i], proof[:-1] + [b"\x00" * 32], top)


def test_every_consistency_proof_checks_and_a_fork_does_not():
    leaves = _leaves(21)
    forked = leaves[:3] + [merkle.leaf_hash(b"forged")] + leaves[4:]
    for n in range(1, 22):
        for m in range(0, n + 1):
            proof = merkle.consistency_proof(m, leaves[:n])
            assert merkle.verify_consistency(m, n, merkle.root(leaves[:m]), merkle.root(leaves[:n]), proof)
            if 3 < m < n:
                assert not merkle.verify_consistency(m, n, merkle.root(forked[:m]), merkle.root(leaves[:n]), proof)
