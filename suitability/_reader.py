"""The one strict reader of input documents: answers files, batch records (JSON Lines and CSV),
and later form posts and API bodies.

Every reader goes through here so that the same promises hold everywhere: a document larger
than its limit is refused before it is parsed; a key or column given twice is refused, never
resolved by keeping the last one (which would silently change a health answer); text that is not
text (a lone surrogate such as an escaped ``\\ud800``, or bytes that are not UTF-8) is refused at
the reader, in every string; and no document yields more than ``MAX_PROBLEMS`` messages.

The limits are far above any real answers document (one has about 40 keys and a few KB) and
far below what would cost more than a fraction of a second or a few tens of MB to refuse.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ._messages import problem
from ._problems import format_loc
from ._yaml import Positions
from .errors import Problem

__all__ = [
    "ANSWERS_LIMITS",
    "MAX_ANSWERS_BYTES",
    "MAX_ENTRIES",
    "MAX_PROBLEMS",
    "MAX_QUESTIONNAIRE_BYTES",
    "MAX_RECORD_CHARS",
    "MAX_STRING_LENGTH",
    "QUESTIONNAIRE_LIMITS",
    "RECORD_LIMITS",
    "Limits",
    "Lines",
    "Refused",
    "TooLong",
    "bad_text",
    "cap_problems",
    "check_data",
    "loads_json",
    "more_problems",
    "read_document",
    "too_large",
]

#: One answers document (a file, standard input, a request body): 1 MB.
MAX_ANSWERS_BYTES = 1_000_000
#: One batch record (a JSON Lines line, a CSV row), in characters: 256 KiB.
MAX_RECORD_CHARS = 256 * 1024
#: A questionnaire file: larger than any questionnaire a clinic writes (the shipped one is 30 KB).
MAX_QUESTIONNAIRE_BYTES = 4_000_000
#: One string (an id, a key, an answer, a note), in characters.
MAX_STRING_LENGTH = 10_000
#: Keys and list items, counted together, in one answers document or record (or CSV columns).
MAX_ENTRIES = 1_000
#: Problems reported for one document or record: the first ones, then a count of the rest.
MAX_PROBLEMS = 20


@dataclass(frozen=True)
class Limits:
    """What one kind of document may hold; ``None`` is no limit of that kind."""

    kind: str
    max_size: int
    unit: str = "bytes"
    max_string: int | None = MAX_STRING_LENGTH
    max_entries: int | None = MAX_ENTRIES


ANSWERS_LIMITS = Limits("an answers document", MAX_ANSWERS_BYTES)
RECORD_LIMITS = Limits("a batch record", MAX_RECORD_CHARS, unit="characters")
# A questionnaire is written by the clinic, not by whoever sends answers: only its size is
# bounded, so that parsing it stays within time and memory.
QUESTIONNAIRE_LIMITS = Limits(
    "a questionnaire", MAX_QUESTIONNAIRE_BYTES, max_string=None, max_entries=None
)


class Refused(Exception):
    """The document breaks a promise of the reader; ``problems`` says where and what."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def cap_problems(problems: Sequence[Problem], limit: int = MAX_PROBLEMS) -> list[Problem]:
    """The first ``limit`` problems, then one saying how many more there are."""
    if len(problems) <= limit:
        return list(problems)
    return [*problems[:limit], more_problems(len(problems) - limit, problems[0].source)]


def more_problems(count: int, source: str = "") -> Problem:
    """The line that stands for ``count`` problems left out."""
    return problem("more_problems", source=source, count=count, count_s="s" if count != 1 else "")


# --------------------------------------------------------------------------- sizes


def too_large(limits: Limits, source: str = "") -> Problem:
    return problem(
        "too_large", source=source, kind=limits.kind, limit=limits.max_size, unit=limits.unit
    )


def read_document(path: str | Path | IO[Any], limits: Limits, source: str = "") -> str:
    """The text of a file or binary stream, read no further than its limit.

    Raises Refused when it is larger (so a 50 MB file costs one read of 1 MB), OSError when it
    cannot be read and UnicodeDecodeError when it is not UTF-8 (a byte-order mark is dropped).
    """
    if isinstance(path, (str, Path)):
        with Path(path).open("rb") as handle:
            data: bytes | str = handle.read(limits.max_size + 1)
    else:
        data = path.read(limits.max_size + 1)
    if len(data) > limits.max_size:
        raise Refused([too_large(limits, source)])
    if isinstance(data, str):  # a text stream (standard input replaced by an embedding app)
        return data.removeprefix("\ufeff")
    return data.decode("utf-8-sig")


# --------------------------------------------------------------------------- text

_SURROGATE = re.compile("[\ud800-\udfff]")


def bad_text(text: str) -> bool:
    """Whether ``text`` holds a surrogate: never a character, so never written or shown."""
    return not text.isascii() and _SURROGATE.search(text) is not None


def _as_text(text: str) -> str | None:
    """``text`` with any surrogate pairs joined (YAML's ``"\\ud83d\\ude00"`` gives two halves),
    or None when a lone surrogate remains."""
    try:
        return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
    except UnicodeDecodeError:
        return None


def _shown_key(key: str) -> str:
    return key.encode("utf-8", "backslashreplace").decode("utf-8") if bad_text(key) else key


# --------------------------------------------------------------------------- JSON


class _Repeated(dict[str, Any]):
    """A JSON object in which some key was given more than once."""

    repeated: list[str]


def _no_constant(name: str) -> Any:
    raise Refused([problem("json_constant", given=name)])


# Anything in the raw text that could make a string or key need a closer look: an escaped or
# raw surrogate. (A number that is not finite, such as 1e400, is judged where it is used.)
_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")


def _may_hold_surrogates(text: str) -> bool:
    # str.find and isascii run far faster than one regex over every record.
    if "\\u" in text and _ESCAPED_SURROGATE.search(text) is not None:
        return True
    return bad_text(text)


def loads_json(
    text: str,
    limits: Limits,
    *,
    source: str = "",
    parse_constant: Callable[[str], Any] | None = None,
) -> Any:
    """Parses strict JSON: a repeated key, text that is not text, a string or a document over
    its limits, or NaN and Infinity (not numbers in JSON) raise Refused.

    Syntax errors are json's own (JSONDecodeError, ValueError, RecursionError), so that each
    caller words them as before.
    """
    if len(text) > limits.max_size:
        raise Refused([too_large(limits, source)])
    repeated: list[_Repeated] = []

    def pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(pairs)
        if len(obj) == len(pairs):
            return obj
        flagged = _Repeated(obj)
        counts: dict[str, int] = {}
        for key, _value in pairs:
            counts[key] = counts.get(key, 0) + 1
        flagged.repeated = [key for key, times in counts.items() if times > 1]
        repeated.append(flagged)
        return flagged

    data = json.loads(
        text, object_pairs_hook=pairs_hook, parse_constant=parse_constant or _no_constant
    )
    # The common record is small and plain: these C-speed scans of its text prove that no
    # string, count or number in it can break a limit, so it is not walked in Python.
    if (
        repeated
        or (limits.max_string is not None and len(text) > limits.max_string)
        or (
            limits.max_entries is not None
            and text.count(",") + text.count("[") + text.count("{") >= limits.max_entries
        )
        or _may_hold_surrogates(text)
    ):
        problems = check_data(data, limits, source=source)
        if problems:
            raise Refused(problems)
    return data


# --------------------------------------------------------------------------- any parsed data


class _Found:
    """Problems as found: the first ones kept, the rest counted (200,000 of them cost nothing)."""

    def __init__(self, source: str, positions: Positions | None) -> None:
        self.source = source
        self.positions = positions
        self.kept: list[Problem] = []
        self.more = 0

    def add(self, code: str, path: tuple[str | int, ...], **params: Any) -> None:
        if len(self.kept) >= MAX_PROBLEMS:
            self.more += 1
            return
        line = self.positions.line(path) if self.positions is not None else None
        shown = [_shown_key(part) if isinstance(part, str) else part for part in path]
        self.kept.append(problem(code, format_loc(shown), source=self.source, line=line, **params))

    def result(self) -> list[Problem]:
        if not self.more:
            return self.kept
        return [*self.kept, more_problems(self.more, self.source)]


def check_data(
    data: Any, limits: Limits, *, source: str = "", positions: Positions | None = None
) -> list[Problem]:
    """Checks parsed data (from JSON or YAML) against ``limits``: repeated keys, text that is
    not text (surrogate pairs from YAML escapes are joined in place), strings too long, too
    many keys and list items. Returns the problems in document order, capped."""
    found = _Found(source, positions)
    max_string = limits.max_string
    max_entries = limits.max_entries
    entries = 0
    # Depth first with a stack of iterators rather than recursion: nesting as deep as the
    # parser allows cannot overflow Python's stack here.
    stack: list[tuple[tuple[str | int, ...], Any, Iterator[tuple[Any, Any]]]] = []

    def enter(node: Any, path: tuple[str | int, ...]) -> None:
        nonlocal entries
        entries += len(node)
        if isinstance(node, dict):
            for key in getattr(node, "repeated", ()):
                found.add("duplicate_key", (*path, key))
            if any(isinstance(k, str) and bad_text(k) for k in node):
                _join_pairs_in_keys(node)
            stack.append((path, node, iter(list(node.items()))))
        else:
            stack.append((path, node, enumerate(node)))

    if isinstance(data, (dict, list)):
        enter(data, ())
    while stack:
        if max_entries is not None and entries > max_entries:
            found.add("too_many_entries", (), kind=limits.kind, limit=max_entries)
            break
        path, node, children = stack[-1]
        for key, value in children:
            where = (*path, key)
            if isinstance(key, str):
                if max_string is not None and len(key) > max_string:
                    found.add("string_too_long", where, limit=max_string)
                if bad_text(key):
                    found.add("not_text", where)
            if isinstance(value, str):
                if max_string is not None and len(value) > max_string:
                    found.add("string_too_long", where, limit=max_string)
                if bad_text(value):
                    fixed = _as_text(value)
                    if fixed is None:
                        found.add("not_text", where)
                    else:
                        node[key] = fixed
            elif isinstance(value, (dict, list)):
                enter(value, where)
                break
        else:
            stack.pop()
    return found.result()


def _join_pairs_in_keys(node: dict[Any, Any]) -> None:
    """Joins surrogate pairs in keys, in place and in order; a lone one is left for the walk to
    report at its place."""
    items = list(node.items())
    node.clear()
    for key, value in items:
        joined = _as_text(key) if isinstance(key, str) else None
        node[joined if joined is not None else key] = value


# --------------------------------------------------------------------------- lines


class TooLong(Exception):
    """A line or record over its limit; the rest of its line was skipped."""

    def __init__(self, number: int) -> None:
        super().__init__(f"line {number} is too long")
        self.number = number


class Lines:
    """The lines of a text stream, each read no further than ``limit`` characters, so that one
    huge line costs one limit's worth of memory. A byte-order mark at the start is dropped.

    Used as csv.reader's input, a record (several lines when a quoted cell holds line breaks)
    over the limit raises TooLong; csv starts afresh on the next call, so reading goes on.
    """

    def __init__(self, handle: IO[str], limit: int = MAX_RECORD_CHARS) -> None:
        self._handle = handle
        self._limit = limit
        self.number = 0
        self._record = 0

    def __iter__(self) -> Iterator[str]:
        return self

    def start_record(self) -> None:
        self._record = 0

    def __next__(self) -> str:
        line = self._handle.readline(self._limit + 1)
        if not line:
            raise StopIteration
        self.number += 1
        if self.number == 1 and line.startswith("\ufeff"):
            line = line[1:]
        self._record += len(line)
        if len(line) > self._limit:
            while line and not line.endswith(("\n", "\r")):
                line = self._handle.readline(self._limit)
            self._record = 0
            raise TooLong(self.number)
        if self._record > self._limit:
            self._record = 0
            raise TooLong(self.number)
        return line
