"""The patient's terminal result at 80x24: a whole screening in a real pseudo-terminal, then the
24 rows left in view, as captured text; and for every example, the result's length and the
height of its summary (target: the summary, with the lines after it, within 24 rows).

Run: .venv/bin/python benchmarks/result_screen80.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

# The pty helper and the screened person are the tests' own: one person, one way of typing.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rich.console import Console
from rich.markdown import Markdown

from suitability import assess, default_questionnaire
from suitability.answers import read_answers_file
from suitability.render import _summary, print_assessment, to_markdown
from tests.screen_harness import ENTER
from tests.terminal80 import COLUMNS, ROWS, SUITABILITY, Terminal, answer
from tests.test_result_pty import PERSON

ROOT = Path(__file__).resolve().parent.parent


def height(renderable: object) -> int:
    console = Console(width=COLUMNS, height=ROWS, highlight=False, color_system=None)
    with console.capture() as captured:
        console.print(renderable)
    return len(captured.get().rstrip("\n").split("\n"))


def main() -> None:
    q = default_questionnaire()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        term = Terminal([*SUITABILITY, "screen", "--save", str(tmp / "handout.md")], tmp / "s")
        answer(term, q, PERSON)
        term.wait_for("Review your answers")
        term.send(ENTER)
        status = term.ended()
        print(f"the last screen of a screening at {COLUMNS}x{ROWS} (exit {status}):")
        print("+" + "-" * COLUMNS + "+")
        for row in term.screen.display:
            print(f"|{row}|")
        print("+" + "-" * COLUMNS + "+")
    print(f"\n{'example':<28} {'whole report':>12} {'patient result':>14} {'summary rows':>12}")
    for path in sorted((ROOT / "examples").glob("*.*")):
        assessment = assess(read_answers_file(path, q), q)
        console = Console(width=COLUMNS, highlight=False, color_system=None)
        with console.capture() as captured:
            print_assessment(assessment, q, console)
        shown = len(captured.get().rstrip("\n").split("\n"))
        whole = height(Markdown(to_markdown(assessment, q)))
        summary = height(_summary(assessment, q))
        print(f"{path.name:<28} {whole:>12} {shown:>14} {summary:>12}")
    print(f"target: summary rows + the lines after it (1-3) <= {ROWS}")


if __name__ == "__main__":
    main()
