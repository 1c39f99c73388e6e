"""The handout: a person's own notes shown as typed and never run as HTML, the answers that
mattered before the long sections, and rule ids with their sources kept for the practitioner."""

from __future__ import annotations

from suitability import Questionnaire, assess, validate_answers
from suitability.render import escape_markdown, to_html, to_markdown

from .helpers import person

NOTES = "<script>alert(1)</script> *bold* [link](http://example.org) & more"


def handout(q: Questionnaire, **changes: object) -> str:
    answers = validate_answers(person(**changes), q)
    return to_markdown(assess(answers, q), q, answers, handout=True)


def test_notes__are_shown_as_typed_and_never_become_markup(questionnaire: Questionnaire) -> None:
    text = handout(questionnaire, notes=NOTES)
    assert f"My notes for the practitioner: {escape_markdown(NOTES)}" in text
    page = to_html(text)
    assert "<script>" not in page
    assert "<p>My notes for the practitioner: &lt;script&gt;alert(1)&lt;/script&gt; *bold* " in page
    assert "[link](http://example.org) &amp; more</p>" in page


def test_html__drops_raw_html_anywhere_in_the_markdown() -> None:
    page = to_html("# Title\n\n<img src=x onerror=alert(1)>\n\n<b>x</b>\n")
    assert "<img" not in page and "<b>" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_escape_markdown__keeps_plain_words_and_folds_lines() -> None:
    assert escape_markdown("first visit, 2 weeks.") == "first visit, 2 weeks."
    assert escape_markdown("a\n# not a heading\n- nor a list") == "a \\# not a heading - nor a list"
    assert (
        escape_markdown("x_y *z* `c` <b> a|b &amp;")
        == "x\\_y \\*z\\* \\`c\\` \\<b\\> a\\|b \\&amp;"
    )


def test_sections__answers_that_mattered_first_and_rule_ids_only_for_the_practitioner(
    questionnaire: Questionnaire,
) -> None:
    text = handout(questionnaire, otc_thinners="yes")
    order = [
        "## Summary",
        "## My answers that mattered",
        "## Each treatment",
        "## Questions to ask the practitioner",
        "## For the practitioner",
        "### Why, in detail",
    ]
    assert [text.index(h) for h in order] == sorted(text.index(h) for h in order)
    assert "Rule `" not in text and "source:" not in text
    practitioner = text[text.index("## For the practitioner") :]
    assert "`c_otc_thinners` (" in practitioner
    assert "S-... = public clinical sources listed in the rule catalogue" in practitioner
    assert "GK = general knowledge" in practitioner


def test_report_without_reasons__names_no_rules_for_the_practitioner(
    questionnaire: Questionnaire,
) -> None:
    answers = validate_answers(person(), questionnaire)
    text = to_markdown(assess(answers, questionnaire), questionnaire, answers)
    assert "Rules behind the reasons" not in text
    # Only what would change a result is left for the practitioner (computed from the rules).
    assert "What would change each screening result" in text


def test_unanswered_safety_questions__are_listed_with_how_they_were_answered(
    questionnaire: Questionnaire,
) -> None:
    text = handout(questionnaire, keloids=None, epilepsy="not_sure")
    assert (
        "  - Have you ever had raised, thick scars that grew larger than the original wound (keloid scars)? (no answer)\n"
        in text
    )
    assert "  - Do you have epilepsy? (Not sure)\n" in text
    assert "((" not in text
