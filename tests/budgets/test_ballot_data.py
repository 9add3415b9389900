"""A plain ballot body is taken without building the serializer (budgets.serializers.
ballot_data); whatever the body, the answer is the serializer's."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework.exceptions import ValidationError

from budgets.serializers import BallotSerializer, ballot_data

# Bodies near the edge of plain (where the fast path could go wrong), and anything at all.
plain_codes = st.one_of(st.from_regex(r"[\w.-]{1,40}", fullmatch=True), st.sampled_from(["P1", "P2", "12"]))
edge_codes = st.sampled_from([" P1", "P1 ", "P 1", "", "a" * 41, "P\x00", "P1\n", "\t", "sløg", "٣", "P/1"])
codes = st.one_of(plain_codes, plain_codes, plain_codes, edge_codes)
code_lists = st.one_of(st.lists(codes, max_size=5), st.lists(st.just("P1"), min_size=499, max_size=501))
counts = st.one_of(st.integers(-1, 5), st.integers(0, 10**15), st.sampled_from([True, False, 1.0, "3", None]))
near_plain = st.fixed_dictionaries({}, optional={
    "projects": code_lists, "ranking": code_lists, "points": st.dictionaries(codes, counts, max_size=4),
    "code": st.one_of(st.from_regex(r"[\w-]{0,41}", fullmatch=True), edge_codes),
    "district": st.one_of(st.from_regex(r"[-a-zA-Z0-9_]{0,12}", fullmatch=True), edge_codes,
                          st.sampled_from(["nørd", "a b", "a.b"])),
    "other": st.just(1)})
scalars = st.one_of(st.text(max_size=45), st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False))
anything = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                         st.dictionaries(st.text(max_size=10), inner, max_size=4)),
                        max_leaves=12)


def serializer_answer(data):
    serializer = BallotSerializer(data=data)
    if serializer.is_valid():
        return "valid", dict(serializer.validated_data)
    return "invalid", serializer.errors


def fast_answer(data):
    try:
        return "valid", ballot_data(data)
    except ValidationError as exc:
        return "invalid", exc.detail


@settings(max_examples=600, deadline=None)
@given(near_plain)
def test_the_answer_is_the_serializers_for_bodies_near_plain(data):
    assert fast_answer(data) == serializer_answer(data)


@settings(max_examples=200, deadline=None)
@given(anything)
def test_the_answer_is_the_serializers_whatever_the_body(data):
    assert fast_answer(data) == serializer_answer(data)


@pytest.mark.parametrize("data", [
    {"projects": ["P1", "P4"]},
    {"projects": [], "district": "nord"},
    {"points": {"P1": 3, "P2": 0}, "code": "AB12-CD34"},
    {"ranking": ["7", "12", "3"]},
])
def test_plain_bodies_take_the_fast_path(data, monkeypatch):
    expected = serializer_answer(data)
    assert expected[0] == "valid"
    monkeypatch.setattr(BallotSerializer, "is_valid", lambda self, **kw: pytest.fail("serializer built"))
    assert ballot_data(data) == expected[1]


@pytest.mark.parametrize("data", [
    {"projects": ["a" * 41]}, {"projects": [" P1"]}, {"projects": ["P1 "]}, {"projects": [""]},
    {"projects": ["P1"] * 501}, {"projects": "P1"}, {"projects": [1]}, {"points": {"P1": -1}},
    {"points": {"P1": True}}, {"points": {"P1": 1.0}}, {"points": {"P1": "3"}}, {"ranking": ["P\x00"]},
    {"code": "x" * 41}, {"code": " AB12"}, {"district": "nørd"}, {"district": "a b"}, {"other": 1},
])
def test_bodies_at_the_edge_get_the_serializers_answer(data):
    assert fast_answer(data) == serializer_answer(data)
