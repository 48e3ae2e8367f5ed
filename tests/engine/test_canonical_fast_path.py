"""The canonical bytes of scheme 2 take the standard library's encoder for values without floats;
for every JSON value they are byte for byte RFC 8785's (or refused as RFC 8785 refuses them)."""

from __future__ import annotations

import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import audit

ANY_CHAR = st.characters(codec=None, blacklist_categories=())  # control characters, surrogates, astral planes
TEXT = st.text(alphabet=st.one_of(ANY_CHAR, st.sampled_from("中文\"\\\n\t\x00\x7f\u2028\ue000\U0001f600")), max_size=12)
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**60), max_value=2**60),
    st.floats(allow_nan=False, allow_infinity=False), TEXT,
)  # fmt: skip
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=5),
                                                        st.dictionaries(TEXT, inner, max_size=5)), max_leaves=30)


def reference(value):
    try:
        return rfc8785.dumps(value)
    except ValueError as error:  # RFC 8785 refuses (its domain errors; a surrogate it cannot encode)
        return type(error)


def ours(value):
    try:
        return audit.canonical_bytes(value)
    except ValueError as error:  # RFC 8785 refuses (its domain errors; a surrogate it cannot encode)
        return type(error)


@settings(max_examples=600, deadline=None)
@given(VALUES)
def test_the_fast_path_is_rfc_8785(value):
    assert ours(value) == reference(value)


def test_the_orders_and_escapes_where_the_encoders_could_differ():
    for value in [
        {"\ue000": 1, "\U0001f600": 2},  # UTF-16 order puts the astral key first
        {"a": "\x00\x1f\x7f\u2028\"\\"}, {"n": 2**53 - 1}, {"n": -(2**53 - 1)}, {"f": 200.0}, {"t": (1, [2])},
    ]:  # fmt: skip
        assert ours(value) == reference(value)
    assert ours({"n": 2**53}) is rfc8785.IntegerDomainError
    assert ours({"s": "\ud800"}) == reference({"s": "\ud800"})
