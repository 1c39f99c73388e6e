"""Reads YAML (1.2, so ``no`` stays the string "no") into plain Python data, remembering the line
of every key and item so that later problems can say where they are."""

from __future__ import annotations

import datetime as _dt
import io
from collections.abc import Sequence
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from .errors import Problem

Path = tuple[str | int, ...]


class Positions:
    """Maps a path inside a YAML document to the 1-based line it starts on."""

    def __init__(self) -> None:
        self._lines: dict[Path, int] = {}

    def add(self, path: Path, line: int) -> None:
        self._lines[path] = line

    def line(self, path: Sequence[str | int]) -> int | None:
        """The line of ``path``, or of its nearest ancestor that has one."""
        key = tuple(path)
        while key:
            if key in self._lines:
                return self._lines[key]
            key = key[:-1]
        return None


def _plain(node: Any, path: Path, positions: Positions) -> Any:
    if isinstance(node, CommentedMap):
        out: dict[str, Any] = {}
        for key, value in node.items():
            child = (*path, str(key))
            try:
                line, _col = node.lc.key(key)
                positions.add(child, line + 1)
            except (KeyError, TypeError):  # keys from merges have no position
                pass
            out[str(key)] = _plain(value, child, positions)
        return out
    if isinstance(node, CommentedSeq):
        items: list[Any] = []
        for index, value in enumerate(node):
            child = (*path, index)
            try:
                line, _col = node.lc.item(index)
                positions.add(child, line + 1)
            except (KeyError, TypeError):
                pass
            items.append(_plain(value, child, positions))
        return items
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, _dt.datetime):
        return node.isoformat()
    if isinstance(node, _dt.date):
        return node.isoformat()
    if isinstance(node, str):
        return str(node)
    return node


def _mark_problem(exc: MarkedYAMLError, source: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    what = exc.problem or exc.context or "unreadable YAML"
    if "duplicate key" in str(what):
        what = str(what).split(" with value")[0]
    if mark is not None:
        return Problem(
            location=f"line {mark.line + 1}, column {mark.column + 1}",
            message=f"malformed YAML: {what}",
            code="yaml_syntax",
            source=source,
        )
    return Problem(
        location="", message=f"malformed YAML: {what}", code="yaml_syntax", source=source
    )


def parse_yaml(text: str, source: str) -> tuple[Any, Positions, Problem | None]:
    """Parses ``text``; returns the data, its positions, and a problem if it is not valid YAML."""
    positions = Positions()
    yaml = YAML(typ="rt", pure=True)
    try:
        raw = yaml.load(io.StringIO(text))
    except MarkedYAMLError as exc:
        return None, positions, _mark_problem(exc, source)
    except YAMLError as exc:  # unmarked errors are rare; still never a traceback
        return None, positions, Problem("", f"malformed YAML: {exc}", "yaml_syntax", source)
    return _plain(raw, (), positions), positions, None
