"""The terminal result drawn with rich directly (issue 14, cold start): the same words in the
same order as the Markdown report it is drawn from, without loading a Markdown parser."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from suitability import Questionnaire, assess
from suitability.answers import read_answers_file
from suitability.render import _patient_markdown, draw_markdown, print_assessment, to_markdown

from .conftest import EXAMPLES

ROOT = Path(__file__).resolve().parent.parent
# Markup our Markdown writer uses, none of which is a word.
_BLOCK_MARKUP = re.compile(r"^\s*(#+|>|-)\s|^\|?\s*---.*$|(?<!\\)\|", re.M)
_INLINE_MARKUP = re.compile(r"\*\*|`")


def _words(text: str) -> list[str]:
    return re.findall(r"[\w'\"();:.,%/+-]+", text)


def _markdown_words(markdown: str) -> list[str]:
    plain = _INLINE_MARKUP.sub("", _BLOCK_MARKUP.sub(" ", markdown))
    return _words(re.sub(r"\\(.)", r"\1", plain))


def _shown(renderable: object, width: int = 200) -> str:
    # Wide enough that no table cell wraps, so that reading order is word order.
    console = Console(width=width, color_system=None, highlight=False)
    with console.capture() as captured:
        console.print(renderable)
    return captured.get()


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: Path(p).name)
def test_the_report_on_the_terminal_says_what_the_markdown_says(
    path: Path, questionnaire: Questionnaire
) -> None:
    answers = read_answers_file(path, questionnaire)
    assessment = assess(answers, questionnaire)
    report = to_markdown(assessment, questionnaire)
    console = Console(width=200, color_system=None, highlight=False)
    with console.capture() as captured:
        print_assessment(assessment, questionnaire, console, details=True)
    assert _words(captured.get()) == _markdown_words(report)
    patient = _patient_markdown(assessment, questionnaire)
    with console.capture() as captured:
        print_assessment(assessment, questionnaire, console)
    before_summary = captured.get().split("Your summary")[0]
    assert _words(before_summary.rstrip(" \n\u2500")) == _markdown_words(patient)


def test_inline_markup_and_escapes_show_as_plain_words() -> None:
    shown = _shown(
        draw_markdown(
            "# Title\n\n> Quoted *as typed*\n\n- **Bold.** A \\*starred\\* \\_name\\_ "
            "and `rule_id`.\n  Continued here.\n  - Nested \\| item\n\n"
            "| A | B |\n| --- | --- |\n| one | two \\| three |\n\nLast line.\n"
        )
    )
    lines = [line.rstrip() for line in shown.splitlines()]
    assert lines[0].strip() == "Title"
    assert "\u258c Quoted *as typed*" in lines
    assert " \u2022 Bold. A *starred* _name_ and rule_id. Continued here." in lines
    assert "    \u2022 Nested | item" in lines
    assert any(line.split() == ["one", "two", "|", "three"] for line in lines)
    assert lines[-1] == "Last line."
    assert "**" not in shown and "`" not in shown and "\\" not in shown


def test_a_long_quote_keeps_its_bar_on_every_line() -> None:
    shown = _shown(draw_markdown("> " + "word " * 60 + "\n"), width=40)
    lines = shown.rstrip("\n").splitlines()
    assert len(lines) > 3
    assert all(line.startswith("\u258c ") for line in lines)


def test_the_text_result_loads_no_markdown_parser(tmp_path: Path) -> None:
    out = tmp_path / "modules.txt"
    audit = (
        "import atexit, sys\n"
        f"atexit.register(lambda: open({str(out)!r}, 'w').write('\\n'.join(sys.modules)))\n"
        "sys.argv = ['suitability', 'assess', sys.argv[1]]\n"
        "from suitability._entry import main\n"
        "raise SystemExit(main())\n"
    )
    env = {**os.environ, "COLUMNS": "80"}
    result = subprocess.run(
        [sys.executable, "-c", audit, str(EXAMPLES[0])],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    modules = set(out.read_text(encoding="utf-8").split())
    assert "rich.console" in modules
    assert not {"rich.markdown", "markdown_it"} & modules
    packages = {name.split(".")[0] for name in modules}
    web_fhir_prompts = {"fastapi", "starlette", "uvicorn", "jinja2", "fhir", "questionary"}
    assert not (web_fhir_prompts | {"prompt_toolkit", "httpx", "multipart"}) & packages
    assert "Your answers" in result.stdout or "Summary" in result.stdout
