"""The fast JSON writer gives exactly what ``json.dumps`` gave, on every shape the product
writes and on odd input (small floats, surrogates, keys that are not text, other types)."""

from __future__ import annotations

import datetime as dt
import enum
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from suitability._json import dumps, dumps_compact, plain_json

# Every character, lone surrogates included: a JSON file read earlier may hold "\ud800".
TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=12)
FLOATS = st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from(
    [1e-5, -9.99e-5, 1e-4, 1e-7, 5e-324, 1e16, 1e22, -0.0, 0.0, 2.0, 0.1]
)
SCALARS = st.none() | st.booleans() | st.integers() | FLOATS | TEXT
JSON_DATA = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(TEXT, inner, max_size=4)
    ),
    max_leaves=30,
)


def _outcome(call: Any, data: Any) -> tuple[str, str]:
    try:
        return "text", call(data)
    except Exception as exc:  # the same failure, for data json.dumps refuses
        return "error", type(exc).__name__


def _indented(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)


def _compact(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


@settings(max_examples=400, deadline=None)
@given(JSON_DATA)
def test_dumps__byte_identical_to_json_dumps(data: Any) -> None:
    assert _outcome(dumps, data) == _outcome(_indented, data)
    assert _outcome(dumps_compact, data) == _outcome(_compact, data)


class Colour(enum.Enum):
    RED = "red"


class Level(enum.IntEnum):
    HIGH = 3


class Name(str):
    pass


@pytest.mark.parametrize(
    "data",
    [
        {"small": 1e-5, "list": [9.99e-5, {"x": -1e-7}]},
        {1: "int key", None: "none key", 2.5: "float key"},
        {True: "bool key"},
        {"level": Level.HIGH, "name": Name("x")},
        {"text": "a\ud800b"},
        {"nested": [[[]], {}, ()]},
        float("nan"),
        [float("inf"), -float("inf")],
        2**80,
    ],
)
def test_dumps__odd_data_written_as_json_dumps_writes_it(data: Any) -> None:
    assert dumps(data) == _indented(data)
    assert dumps_compact(data) == _compact(data)


@pytest.mark.parametrize("data", [{"day": dt.date(2026, 1, 2)}, {1, 2}, Colour.RED, b"bytes"])
def test_dumps__data_json_dumps_refuses_is_still_refused(data: Any) -> None:
    with pytest.raises(TypeError):
        dumps(data)
    with pytest.raises(TypeError):
        dumps_compact(data)


def test_dumps__circular_data_refused_as_json_dumps_refuses_it() -> None:
    data: list[Any] = []
    data.append(data)
    with pytest.raises(ValueError, match="Circular reference"):
        dumps(data)


def test_plain_json__tells_what_pydantic_writes_differently() -> None:
    assert plain_json({"a": [1, 2.5, "é", None, True, 1e-4, 0.0]})
    assert not plain_json({"a": [1e-5]})
    assert not plain_json({1: "x"})
    assert not plain_json({"a": Name("x")})
