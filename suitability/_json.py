"""The JSON text every writer of the product produces, through pydantic's serialiser.

``json.dumps(data, indent=2, ensure_ascii=False)`` runs Python's pure-Python encoder (its C
encoder is used only without ``indent``); pydantic-core writes the same text several times
faster. The two agree byte for byte on plain JSON data except in three places, where this
module hands the data to ``json.dumps`` so that nothing a writer produces changes:

- a float whose magnitude is below 1e-4 (not zero): Python writes ``1e-05``, pydantic
  ``0.00001``;
- anything that is not plain JSON data (a key that is not text, a date, a set, a subclass of
  ``str`` or ``int``...): ``json.dumps`` converts some and refuses others, in its own way;
- text with a lone surrogate (from a ``\\ud800`` escape in JSON read earlier): pydantic refuses
  it, ``json.dumps`` writes it (the file's encoder then decides).
"""

from __future__ import annotations

import json
from typing import Any

from pydantic_core import PydanticSerializationError, to_json

__all__ = ["SMALLEST_SAME_FLOAT", "dumps", "dumps_compact", "plain_json"]

#: Below this magnitude (and above zero) Python and pydantic write a float differently.
SMALLEST_SAME_FLOAT = 1e-4


def plain_json(data: Any) -> bool:
    """Whether ``data`` is plain JSON data (dicts with text keys, lists, text, whole numbers,
    booleans, None, floats) on which pydantic writes what ``json.dumps`` writes."""
    kind = type(data)
    if kind is str or kind is int or kind is bool or data is None:
        return True
    if kind is float:
        # NaN compares false here, and both write it alike.
        return not (0 < abs(data) < SMALLEST_SAME_FLOAT)
    if kind is dict:
        return all(type(k) is str for k in data) and all(map(plain_json, data.values()))
    if kind is list or kind is tuple:
        return all(map(plain_json, data))
    return False


def _pydantic(data: Any, indent: int | None) -> str | None:
    try:
        if not plain_json(data):
            return None
        return to_json(data, indent=indent).decode()
    except (PydanticSerializationError, RecursionError):
        # A lone surrogate, or data nested deeper than Python recurses (json.dumps then says
        # what it always said).
        return None


def dumps(data: Any) -> str:
    """``json.dumps(data, indent=2, ensure_ascii=False)``, byte for byte (no final newline)."""
    text = _pydantic(data, 2)
    if text is None:
        return json.dumps(data, indent=2, ensure_ascii=False)
    return text


def dumps_compact(data: Any) -> str:
    """``json.dumps(data, ensure_ascii=False, separators=(",", ":"))``, byte for byte."""
    text = _pydantic(data, None)
    if text is None:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text
