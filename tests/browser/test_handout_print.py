"""The saved HTML handout (`suitability screen --save handout.html`) printed by a real Chromium
at Letter and A4, read back with pypdf: every page numbered "Page N of M", the name line, the
summary, what to mention and the event's date on page 1, the patient's part short, and no
heading left alone at the foot of a page."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page
from pypdf import PdfReader

from suitability import assess
from suitability.answers import read_answers_file
from suitability.questionnaire import default_questionnaire
from suitability.render import to_html, to_markdown

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
Q = default_questionnaire()
PAPERS = ("Letter", "A4")


def saved_handout(name: str) -> tuple[str, list[str]]:
    """The HTML `screen --save` writes for an example, and the titles of what to mention."""
    answers = read_answers_file(EXAMPLES / name, Q)
    result = assess(answers, Q)
    page = to_html(to_markdown(result, Q, answers, handout=True), "Notes for my consultation")
    return page, [flag.title for flag in result.flags]


def printed(page: Page, document: str, paper: str) -> list[list[str]]:
    """Each printed page as its lines of text."""
    page.set_content(document)
    reader = PdfReader(io.BytesIO(page.pdf(format=paper)))
    return [
        [" ".join(line.split()) for line in (p.extract_text() or "").splitlines() if line.strip()]
        for p in reader.pages
    ]


@pytest.mark.parametrize("paper", PAPERS)
def test_eves_printed_handout__numbered_pages_with_her_summary_first_and_a_short_patient_part(
    page: Page, paper: str
) -> None:
    document, mention = saved_handout("eve-unsure.yaml")
    pages = printed(page, document, paper)
    total = len(pages)
    for number, lines in enumerate(pages, 1):
        assert f"Page {number} of {total}" in lines, (paper, number, lines[-3:])
    first = " ".join(pages[0])
    assert "Name:" in first
    assert first.index("Summary") < first.index("To mention to the practitioner")
    assert "Answers given on 20 November 2026. Your event: 30 November 2026." in first
    for title in mention:
        assert title in first, (paper, title)
    # The patient's part takes 3 pages (7 before), the practitioner's starts a page of its own.
    starts = [n for n, lines in enumerate(pages, 1) if "For the practitioner" in lines]
    assert starts and starts[0] <= 4, (paper, starts)
    assert pages[starts[0] - 1].index("For the practitioner") <= 1
    assert total <= 6, (paper, total)  # 13 Letter pages before


@pytest.mark.parametrize("paper", PAPERS)
@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.iterdir() if p.is_file()))
def test_printed_handout__never_ends_a_page_on_a_heading(page: Page, name: str, paper: str) -> None:
    document, _ = saved_handout(name)
    headings = [
        " ".join(html.unescape(re.sub(r"<[^>]+>", "", h)).split())
        for h in re.findall(r"<h[1-3]>(.+?)</h[1-3]>", document)
    ]
    pages = printed(page, document, paper)
    for number, lines in enumerate(pages[:-1], 1):
        text = [line for line in lines if not re.fullmatch(r"Page \d+ of \d+", line)]
        # A heading may wrap: its last one, two or three lines are what would be left alone.
        endings = {" ".join(text[-k:]) for k in (1, 2, 3)}
        assert not endings & set(headings), (name, paper, number, text[-3:])
