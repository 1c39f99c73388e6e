"""Reads YAML (1.2, so ``no`` stays the string "no") into plain Python data, remembering the line
of every key and item so that later problems can say where they are."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .errors import Problem

Path = tuple[str | int, ...]

#: Far deeper than any questionnaire or answers file needs, far shallower than Python's stack.
MAX_DEPTH = 100
TOO_DEEP = f"nested too deeply (more than {MAX_DEPTH} levels)"


class Positions:
    """Maps a path inside a YAML document to the 1-based line it starts on."""

    def __init__(self) -> None:
        self._lines: dict[Path, int] = {}

    def add(self, path: Path, line: int) -> None:
        self._lines[path] = line

    def items(self) -> list[tuple[Path, int]]:
        """Every path with its line (for a cache: :meth:`from_items` rebuilds them)."""
        return list(self._lines.items())

    @classmethod
    def from_items(cls, items: Iterable[tuple[Sequence[str | int], int]]) -> Positions:
        positions = cls()
        for path, line in items:
            positions.add(tuple(path), line)
        return positions

    def line(self, path: Sequence[str | int]) -> int | None:
        """The line of ``path``, or of its nearest ancestor that has one."""
        key = tuple(path)
        while key:
            if key in self._lines:
                return self._lines[key]
            key = key[:-1]
        return None


def too_deep(data: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether lists and mappings in ``data`` nest more than ``limit`` levels (no recursion, so
    data that would overflow the stack is measured safely)."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, (list, tuple)):
            children = node
        else:
            continue
        if depth >= limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def parse_yaml(
    text: str, source: str, *, max_entries: int | None = None, kind: str = "a document"
) -> tuple[Any, Positions, Problem | None]:
    """Parses ``text``; returns the data, its positions, and a problem if it is not valid YAML
    (or holds more than ``max_entries`` keys and list items, the limit for ``kind``)."""
    from ._yaml_io import parse_yaml as parse

    return parse(text, source, max_entries=max_entries, kind=kind)


def dump_yaml(data: Any) -> str:
    """``data`` (plain lists, mappings and scalars) as block-style YAML that reads back equal."""
    from ._yaml_io import dump_yaml as dump

    return dump(data)
