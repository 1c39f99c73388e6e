"""Pages of the saved HTML handout of each example, printed by the system's Chromium at Letter
and A4 and counted with pypdf: the whole, and the patient's part (the pages before the
practitioner's section), next to the target of 1-2 pages for the patient's part.

    .venv/bin/python benchmarks/handout_pages.py [CHROMIUM]
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright
from pypdf import PdfReader

from suitability import assess
from suitability.answers import read_answers_file
from suitability.questionnaire import default_questionnaire
from suitability.render import to_html, to_markdown

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
TARGET = 2
# No network: a proxy where nothing listens (the handout asks for nothing anyway).
ARGS = ["--no-sandbox", "--disable-gpu", "--proxy-server=http://127.0.0.1:9"]


def main() -> None:
    chromium = sys.argv[1] if len(sys.argv) > 1 else "/usr/bin/chromium"
    q = default_questionnaire()
    print(f"{'example':<26} {'paper':<7} {'pages':>5} {'patient part':>13}  target")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=ARGS, headless=True)
        page = browser.new_page()
        for path in sorted(p for p in EXAMPLES.iterdir() if p.is_file()):
            answers = read_answers_file(path, q)
            markdown = to_markdown(assess(answers, q), q, answers, handout=True)
            page.set_content(to_html(markdown, "Notes for my consultation"))
            for paper in ("Letter", "A4"):
                pages = PdfReader(io.BytesIO(page.pdf(format=paper))).pages
                texts = [p.extract_text() or "" for p in pages]
                starts = [n for n, text in enumerate(texts) if "For the practitioner" in text]
                patient = starts[0] if starts else len(texts)
                mark = "ok" if patient <= TARGET else "over"
                print(
                    f"{path.name:<26} {paper:<7} {len(texts):>5} {patient:>13}  <= {TARGET} {mark}"
                )
        browser.close()


if __name__ == "__main__":
    main()
