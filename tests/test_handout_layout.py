"""The handout's layout, in Markdown and in HTML: the summary and what to mention first, the
practitioner's section last, the day of answering and the event's date written out in the
questionnaire's locale, and a line for the person's name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from suitability import Questionnaire, assess, load_questionnaire
from suitability.answers import Answers, read_answers_file
from suitability.questionnaire import default_questionnaire
from suitability.render import to_html, to_markdown

ROOT = Path(__file__).resolve().parents[1]
EVE = ROOT / "examples" / "eve-unsure.yaml"


def eve_handout(questionnaire: Questionnaire) -> tuple[str, Answers]:
    answers = read_answers_file(EVE, questionnaire)
    return to_markdown(
        assess(answers, questionnaire), questionnaire, answers, handout=True
    ), answers


def blocks(markdown: str) -> list[str]:
    return [b.strip() for b in markdown.split("\n\n") if b.strip()]


def test_markdown_handout__starts_with_the_summary_and_ends_with_the_practitioner() -> None:
    text, _ = eve_handout(default_questionnaire())
    parts = blocks(text)
    # Before the summary: only the title, the name line and the dates.
    assert parts[0] == "# Pre-consultation screening: notes for my consultation"
    assert parts[1].startswith("Name: ____")
    assert parts[2].startswith("Answers given on ")
    assert parts[3] == "## Summary"
    headings = re.findall(r"^## (.+)$", text, flags=re.MULTILINE)
    assert headings[:2] == ["Summary", "To mention to the practitioner"]
    assert headings[-1] == "For the practitioner"
    practitioner = text[text.index("## For the practitioner") :]
    # Rule ids, the reasons in full and the versions are all in the practitioner's section.
    assert "### Why, in detail" in practitioner
    assert "`c_possible_pregnancy` (" in practitioner
    assert (
        practitioner.rstrip().endswith(").") and "Questionnaire facial_mesotherapy" in practitioner
    )
    # The disclaimer stays on the first page, right after what to mention.
    mention = text.index("## To mention to the practitioner")
    assert mention < text.index("> This is a screening aid") < text.index("## My answers")


def test_html_handout__has_the_same_order_with_the_practitioner_in_its_own_part_last() -> None:
    text, _ = eve_handout(default_questionnaire())
    page = to_html(text, "Notes for my consultation")
    headings = re.findall(r"<h2>(.+?)</h2>", page)
    assert headings[:2] == ["Summary", "To mention to the practitioner"]
    assert headings[-1] == "For the practitioner"
    first = page[
        page.index('<div class="handout-page first">') : page.index('<div class="handout-details">')
    ]
    assert "<h2>Summary</h2>" in first and "<h2>To mention to the practitioner</h2>" in first
    assert "<h2>Each treatment</h2>" not in first
    assert page.index('<div class="md practitioner">') > page.index("<h2>Questions to ask")
    # Page numbers and kept headings come with the file: it prints alone, nothing fetched.
    assert 'counter(page) " of " counter(pages)' in page
    assert "<link" not in page and "<script" not in page
    assert '<div class="keep">\n<h2>Summary</h2>\n<table>' in page


def test_handout__writes_the_day_and_the_event_in_full_in_the_questionnaire_locale() -> None:
    text, _ = eve_handout(default_questionnaire())
    assert "Answers given on 20 November 2026. Your event: 30 November 2026.\n" in text
    assert "- When is it? **30 November 2026**" in text
    assert "2026-11-30" not in text
    assert "Your event: 30 November 2026." in to_html(text)


def test_handout__month_first_locale_writes_the_month_first(tmp_path: Path) -> None:
    source = (ROOT / "questionnaires" / "facial.yaml").read_text(encoding="utf-8")
    assert "\nlanguage: en-GB\n" in source and "\nlocale: en-GB\n" in source
    us = tmp_path / "facial-us.yaml"
    us.write_text(source.replace("\nlocale: en-GB\n", "\nlocale: en-US\n"), encoding="utf-8")
    text, _ = eve_handout(load_questionnaire(us))
    assert "Answers given on November 20, 2026. Your event: November 30, 2026." in text


def test_report_without_answers__still_names_the_event_from_the_reasons() -> None:
    q = default_questionnaire()
    answers = read_answers_file(EVE, q)
    text = to_markdown(assess(answers, q), q)
    assert "Your event: 30 November 2026." in text
    assert "Name: " not in text  # the name line is the handout's, not the report's


@pytest.mark.parametrize("html", [False, True], ids=["markdown", "html"])
def test_handout__has_one_name_line_at_the_top(html: bool) -> None:
    text, _ = eve_handout(default_questionnaire())
    if not html:
        assert text.count("Name: ") == 1
        assert text.index("Name: ") < text.index("## Summary")
        return
    page = to_html(text)
    assert page.count('class="name-line"') == 1
    assert page.index('class="name-line"') < page.index("<h2>Summary</h2>")
    assert "(write your name here on the printed copy)" in page
    assert "____" not in page  # drawn as a line to write on, not as underscores


def test_handout__a_reason_every_treatment_shares_is_said_once() -> None:
    text, _ = eve_handout(default_questionnaire())
    shared = "Trying to conceive, or pregnancy not ruled out; A safety question not answered"
    assert f"For every treatment below, discuss with caution: {shared}.\n" in text
    treatments = text[text.index("## Each treatment") : text.index("## What to expect")]
    assert treatments.count("Trying to conceive, or pregnancy not ruled out") == 1
    # What only some treatments share is still said under each of them.
    assert treatments.count("- Discuss with caution: Skin that tans easily") == 3
