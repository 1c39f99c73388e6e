"""The YAML reader and writer behind :mod:`suitability._yaml`, on ruamel.yaml: imported only when
a document is actually read or written as YAML, since ruamel.yaml takes longer to import than a
command that reads only JSON (and the cached shipped questionnaire) takes to run."""

from __future__ import annotations

import io
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.composer import Composer, ComposerError, MaxDepthExceededError
from ruamel.yaml.constructor import ConstructorError, RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.nodes import MappingNode, SequenceNode
from ruamel.yaml.reader import ReaderError
from ruamel.yaml.representer import SafeRepresenter

from ._messages import problem
from ._yaml import MAX_DEPTH, TOO_DEEP, Path, Positions
from .errors import Problem


class _TooMany(ComposerError):
    pass


class _Composer(Composer):
    """Refuses anchors and aliases: no questionnaire or answers file needs them, and an alias
    can multiply a few lines into billions of items ("billion laughs")."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.parser.peek_event()
        # Keys and list items are counted as they are read, so that a document with far too
        # many stops here instead of after building all of them (seconds and 100s of MB).
        limit = getattr(self.loader, "max_entries", None)
        if limit is not None and (
            isinstance(parent, SequenceNode) or (index is None and isinstance(parent, MappingNode))
        ):
            self.entries = getattr(self, "entries", 0) + 1
            if self.entries > limit:
                raise _TooMany(None, None, "", event.start_mark)
        if isinstance(event, AliasEvent) or getattr(event, "anchor", None) is not None:
            raise ComposerError(
                None,
                None,
                "anchors and aliases (&name, *name) are not allowed here",
                event.start_mark,
            )
        return super().compose_node(parent, index)


class _Constructor(RoundTripConstructor):
    """Keeps dates and times as the text they were written as (so that validation, not the YAML
    reader, judges "2027-02-30"), and turns an over-long number into a located problem."""

    def construct_yaml_int(self, node: Any) -> Any:
        try:
            return super().construct_yaml_int(node)
        except ValueError:  # Python refuses to convert more than 4300 digits
            raise ConstructorError(
                None, None, "a number with too many digits to read", node.start_mark
            ) from None


_Constructor.add_constructor("tag:yaml.org,2002:int", _Constructor.construct_yaml_int)
_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_str)


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
    if isinstance(node, str):
        return str(node)
    return node


def _where(line: int, column: int) -> str:
    return f"line {line}, column {column}"


def _mark_problem(exc: MarkedYAMLError, source: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    what = exc.problem or exc.context or "unreadable YAML"
    if isinstance(exc, MaxDepthExceededError):
        what = TOO_DEEP
    if "duplicate key" in str(what):
        what = str(what).split(" with value")[0]
    location = _where(mark.line + 1, mark.column + 1) if mark is not None else ""
    return problem("yaml_syntax", location, source=source, reason=what)


def _reader_problem(exc: ReaderError, text: str, source: str) -> Problem:
    position = exc.position if isinstance(exc.position, int) else 0
    line = text.count("\n", 0, position) + 1
    column = position - text.rfind("\n", 0, position)
    character = exc.character
    what = f"#x{character:04x}" if isinstance(character, int) else repr(character)
    return problem("yaml_character", _where(line, column), source=source, character=what)


def parse_yaml(
    text: str, source: str, *, max_entries: int | None = None, kind: str = "a document"
) -> tuple[Any, Positions, Problem | None]:
    """Parses ``text``; returns the data, its positions, and a problem if it is not valid YAML
    (or holds more than ``max_entries`` keys and list items, the limit for ``kind``)."""
    positions = Positions()
    yaml = YAML(typ="rt", pure=True)
    yaml.Composer = _Composer
    yaml.Constructor = _Constructor
    yaml.max_depth = MAX_DEPTH
    yaml.max_entries = max_entries  # type: ignore[attr-defined]
    try:
        raw = yaml.load(io.StringIO(text))
    except _TooMany:
        return (
            None,
            positions,
            problem("too_many_entries", source=source, kind=kind, limit=max_entries),
        )
    except MarkedYAMLError as exc:
        return None, positions, _mark_problem(exc, source)
    except ReaderError as exc:
        return None, positions, _reader_problem(exc, text, source)
    except YAMLError as exc:  # unmarked errors are rare; still never a traceback
        first = str(exc).splitlines()[0] if str(exc) else "unreadable YAML"
        return None, positions, problem("yaml_syntax", source=source, reason=first)
    except RecursionError:  # a last guard: max_depth stops nesting long before this
        return None, positions, problem("yaml_syntax", source=source, reason=TOO_DEEP)
    return _plain(raw, (), positions), positions, None


class _Representer(SafeRepresenter):
    """Writes text holding a character that YAML readers take as a line break (NEL, LS, PS) in
    double quotes, where it is escaped: plain or single-quoted, it would come back changed."""

    def represent_str(self, data: str) -> Any:
        if any(c in data for c in "\x85\u2028\u2029"):
            return self.represent_scalar("tag:yaml.org,2002:str", data, style='"')
        return super().represent_str(data)


_Representer.add_representer(str, _Representer.represent_str)


def dump_yaml(data: Any) -> str:
    """``data`` (plain lists, mappings and scalars) as block-style YAML that reads back equal."""
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.Representer = _Representer
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    return buffer.getvalue()
