"""Renders an assessment for people: Markdown (reports, handouts), terminal text (rich), HTML.

Meaning never depends on colour: every verdict is written out in words. The renderer shows what
the assessment says and knows no rule by its id: each treatment's verdict, and apart from it,
in words that never read as a medical caution, how it fits the person's plans.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from .answers import Answers, display_value
from .assessment import Assessment, FitReason, Reason, TreatmentVerdict
from .questionnaire import Questionnaire
from .rules.catalogue import DERIVATIONS, RULES, RULESET_ID, RULESET_VERSION, TREATMENTS

if TYPE_CHECKING:
    from rich.console import Console

VERDICT_WORDS = {
    "worth_discussing": "Worth discussing",
    "discuss_with_caution": "Discuss with caution",
    "avoid_until_reviewed": "Not advisable until a practitioner reviews it",
    "not_relevant": "Not relevant to your goals",
}
VERDICT_STYLE = {
    "worth_discussing": "green",
    "discuss_with_caution": "yellow",
    "avoid_until_reviewed": "red",
    "not_relevant": "dim",
}
EFFECT_WORDS = {"relevant": "goal", "caution": "caution", "avoid": "review first"}
FIT_WORDS = {
    "fits": "Fits your plans",
    "ask_the_practitioner": "Ask the practitioner",
    "does_not_fit": "Does not fit what you said",
}

QUESTIONS_TO_ASK = (
    "What are your qualifications, and how often do you perform this treatment?",
    "Which of the points in this screening matter for me, and how would you plan around them?",
    "What exactly will be injected or applied, and what is in it?",
    "What side effects are common, how long do they last, and whom do I contact if something "
    "worries me?",
    "How many sessions are usual, how long do results last, and what does the whole course cost?",
    "What aftercare do you recommend?",
)
SOURCE_TAGS = (
    "Source tags: seed = the mesotherapy article this tool is built from; S-... = public "
    "clinical sources listed in the rule catalogue (`suitability rules`); GK = general "
    "knowledge; design = this tool's rule against false reassurance."
)
PRACTITIONER = "For the practitioner"
#: The line to write one's name on, at the top of a handout (a run of underscores is plain text
#: in Markdown; the HTML forms draw it as a rule to write on).
NAME_LINE = "Name: " + "_" * 40
#: The question whose date the handout names at the top, beside the day of answering.
EVENT_QUESTION = "event_date"
# Characters that would turn a person's own words into Markdown (or HTML) structure.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|#!~]|&(?=#?\w+;))")


def escape_markdown(text: str) -> str:
    """Free text as literal Markdown: it shows exactly as typed and cannot add markup."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _shown(q: Any, value: Any) -> str:
    # A date in full, as the questionnaire's locale writes it: 2026-11-30 reads as a code.
    shown = (q.kind.dated and _long_date(q.locale, value)) or display_value(q, value)
    return escape_markdown(shown) if q.kind.free_text else shown


def _answers_line(verdict_reason: Any, questionnaire: Questionnaire) -> str:
    parts = []
    for used in verdict_reason.answers:
        q = questionnaire.by_id.get(used.question)
        if q is None:
            continue
        value = _shown(q, used.answer) if used.answer is not None else "(no answer)"
        parts.append(f"{q.label} - {value}")
    return "; ".join(parts)


def _to_mention(assessment: Assessment, questionnaire: Questionnaire) -> list[str]:
    """The Markdown lines of "To mention to the practitioner" (none without a flag): each
    flag, and under the unknowns the questions left open with how they were answered."""
    if not assessment.flags:
        return []
    out = ["## To mention to the practitioner", ""]
    for flag in assessment.flags:
        out.append(f"- **{flag.title}.** {flag.mention}")
        if flag.kind == "unknown_answers":
            for used in flag.answers:
                q = questionnaire.by_id[used.question]
                shown = _shown(q, used.answer)  # "(no answer)" has its own brackets
                out.append(f"  - {q.label} {shown if used.answer is None else f'({shown})'}")
    return [*out, ""]


def _headline_order(assessment: Assessment) -> list[TreatmentVerdict]:
    rank = {
        "worth_discussing": 0,
        "discuss_with_caution": 1,
        "avoid_until_reviewed": 2,
        "not_relevant": 3,
    }
    return sorted(
        assessment.verdicts.values(), key=lambda v: (rank[v.verdict], TREATMENTS.index(v.treatment))
    )


def to_markdown(
    assessment: Assessment,
    questionnaire: Questionnaire,
    answers: Answers | None = None,
    *,
    handout: bool = False,
) -> str:
    """The assessment as Markdown; with ``handout=True``, a document to bring to a consultation
    (the answers that mattered, the assessment, and questions to ask). Rule ids and sources are
    gathered at the end, for the practitioner."""
    out: list[str] = []
    add = out.append
    add("# Pre-consultation screening" + (": notes for my consultation" if handout else ""))
    add("")
    if handout:
        add(NAME_LINE)
        add("")
    dates = _dates_line(assessment, questionnaire, answers)
    if dates:
        add(dates)
        add("")
    # The summary and what to mention come first: on paper, they are what page 1 is for.
    add("## Summary")
    add("")
    add("| Treatment | Screening result | Fit with your plans |")
    add("| --- | --- | --- |")
    for v in _headline_order(assessment):
        fit = FIT_WORDS[v.fit] if v.verdict != "not_relevant" else "-"
        add(f"| {v.name} | {VERDICT_WORDS[v.verdict]} | {fit} |")
    add("")
    out.extend(_to_mention(assessment, questionnaire))
    add(f"> {assessment.disclaimer}")
    add("")
    if handout and answers is not None:
        # Before the long sections: what the practitioner should read first.
        add("## My answers that mattered")
        add("")
        for line in _mattering_answers(assessment, questionnaire, answers):
            add(f"- {line}")
        notes = answers.values.get("notes")
        if isinstance(notes, str) and notes.strip():
            add("")
            add(f"My notes for the practitioner: {escape_markdown(notes)}")
        add("")
    add("## Each treatment")
    add("")
    # On paper, the treatments that serve none of the goals share one line, after the others.
    aside = [v for v in assessment.verdicts.values() if handout and v.verdict == "not_relevant"]
    listed = [v for v in _headline_order(assessment) if v not in aside]
    groups = (
        ("Serves your goals", "relevant"),
        ("Review first", "avoid"),
        ("Discuss with caution", "caution"),
    )
    # On paper, a reason every treatment shares is said once, above them, not seven times.
    shared: dict[str, list[str]] = {}
    if handout and len(listed) > 1:
        for label, effect in groups[1:]:
            each = [{r.title for r in v.reasons if r.effect == effect} for v in listed]
            common = set.intersection(*each)
            titles = [r.title for r in listed[0].reasons if r.title in common]
            if titles:
                shared[effect] = list(dict.fromkeys(titles))
                common_titles = "; ".join(shared[effect])
                add(f"For every treatment below, {_lower_first(label)}: {common_titles}.")
                add("")
    for v in listed:
        add(f"### {v.name}: {VERDICT_WORDS[v.verdict]}")
        add("")
        if not handout:  # on paper the heading says it; the disclaimer names the practitioner
            add(v.summary)
            add("")
        for label, effect in groups:
            titles = list(dict.fromkeys(r.title for r in v.reasons if r.effect == effect))
            titles = [t for t in titles if t not in shared.get(effect, ())]
            if titles and not (effect == "relevant" and v.verdict == "not_relevant"):
                add(f"- {label}: {'; '.join(titles)}.")
        if v.verdict != "not_relevant":
            said = "; ".join(dict.fromkeys(_lower_first(r.title) for r in v.fit_reasons))
            add(
                f"- Fit with your plans: {_lower_first(FIT_WORDS[v.fit])}"
                + (f" ({said})." if said else ".")
            )
            add(f"- Typical recovery: {v.downtime}")
            add(f"- When results show: {v.results}")
            add(f"- Before an event: {v.event_gap}")
        asked = [f'"{escape_markdown(q.label)}"' for q in _to_clarify(v, questionnaire)]
        if len(asked) == 1:
            add(f"- Your answer to {asked[0]} decides this: the practitioner will ask.")
        elif asked:  # one line for them all: a handout on paper is short
            add(f"- Your answers to {'; '.join(asked)} decide this: the practitioner will ask.")
        add("")
    if aside:
        names = ", ".join(v.name for v in _headline_order(assessment) if v in aside)
        add(f"{VERDICT_WORDS['not_relevant']}: {names}.")
        add("")
    details = _distinct_reasons(assessment)
    why: list[str] = []
    if details:
        for reason, treatments in details:
            names = (
                "all seven treatments"
                if len(treatments) == len(TREATMENTS)
                else ", ".join(assessment.verdicts[t].name for t in treatments)
            )
            if isinstance(reason, FitReason):
                label = f"your plans, {_lower_first(FIT_WORDS[reason.fit])}"
            else:
                label = EFFECT_WORDS[reason.effect]
            why.append(f"- **{reason.title}** ({label}: {names}). {reason.text}")
            line = _answers_line(reason, questionnaire)
            if line:
                why.append(f"  Your answer: {line}.")
        why.append("")
    if why and not handout:
        add("## Why, in detail")
        add("")
        out.extend(why)
    meso = assessment.mesotherapy_expectations
    if assessment.verdicts["mesotherapy"].verdict != "not_relevant" or handout:
        add("## What to expect from mesotherapy")
        add("")
        add("Common side effects and how long they last:")
        add("")
        for side_effect in meso.side_effects:
            add(f"- {side_effect.name}: {side_effect.how_long}. {side_effect.note}")
        add("")
        add("Aftercare:")
        add("")
        for item in meso.aftercare:
            add(f"- {item}")
        add("")
        add("Results:")
        add("")
        for item in meso.results_timeline:
            add(f"- {item}")
        add("")
        add(meso.evidence_note)
        add("")
        add("Choosing a provider:")
        add("")
        for item in meso.choosing_a_provider:
            add(f"- {item}")
        add("")
    if handout:
        add("## Questions to ask the practitioner")
        add("")
        for question in QUESTIONS_TO_ASK:
            add(f"- {question}")
        add("")
    changes = _what_would_change(assessment, questionnaire)
    # Last, and always there: even without rules to name, the versions belong to it.
    add(f"## {PRACTITIONER}")
    add("")
    if why and handout:
        # On paper the patient's part stays short: each treatment already names its reasons,
        # and their full wording, one by one, is what the practitioner reads.
        add("### Why, in detail")
        add("")
        out.extend(why)
    if details:
        rules = dict.fromkeys(f"`{reason.rule}` ({reason.source})" for reason, _ in details)
        add("Rules behind the reasons above: " + "; ".join(rules) + ".")
        add("")
        add(SOURCE_TAGS)
        add("")
    if changes:
        add("### What would change each screening result (computed from the rules)")
        add("")
        out.extend(changes)
        add("")
    add(
        f"Questionnaire {assessment.questionnaire.id} {assessment.questionnaire.version} "
        f"({assessment.questionnaire.content_hash}); rules {assessment.rules.id} "
        f"{assessment.rules.version} ({assessment.rules.content_hash})."
    )
    return "\n".join(out) + "\n"


def _long_date(locale: str, value: Any) -> str | None:
    """An ISO date as the locale writes it in full (30 November 2026 in en-GB), or None when
    the value is not a date."""
    import datetime as dt

    from babel import Locale, UnknownLocaleError
    from babel.dates import format_date

    if not isinstance(value, str):
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return None
    try:
        where = Locale.parse(locale, sep="-")
    except (ValueError, UnknownLocaleError):
        where = Locale.parse("en_GB")  # a locale Babel does not know still gets a readable date
    return format_date(day, format="long", locale=where)


def _dates_line(
    assessment: Assessment, questionnaire: Questionnaire, answers: Answers | None
) -> str:
    """The day of answering and the event's date, in the questionnaire's locale."""
    q = questionnaire.by_id.get(EVENT_QUESTION)
    locale = q.locale if q is not None else questionnaire.locale or questionnaire.language
    parts = []
    if assessment.as_of:
        parts.append(f"Answers given on {_long_date(locale, assessment.as_of.isoformat())}.")
    event = None
    if q is not None and answers is not None:
        event = _long_date(locale, answers.values.get(q.id))
    elif q is not None:
        # Without the answers, the reasons that used the event's date still carry it.
        used = [
            a.answer
            for v in assessment.verdicts.values()
            for answers_used in (
                *(r.answers for r in v.reasons),
                *(f.answers for f in v.fit_reasons),
            )
            for a in answers_used
            if a.question == q.id
        ]
        event = _long_date(locale, used[0]) if used else None
    if event:
        parts.append(f"Your event: {event}.")
    return " ".join(parts)


def _is_medicine(questionnaire: Questionnaire, question_id: str) -> bool:
    """Whether a question is about medicines: its answers are for the practitioner only, so
    that nothing reads as advice to start or stop one."""
    section = questionnaire.section_of.get(question_id)
    return section is not None and "medic" in f"{section.id} {section.title}".lower()


def _to_clarify(v: TreatmentVerdict, questionnaire: Questionnaire) -> list[Any]:
    """The unknown answers that decide this verdict, as the patient sees them: what the
    practitioner will ask about, never a change to make; medicine answers are left out."""
    return [
        questionnaire.by_id[d.question]
        for d in v.decisive
        if d.question in questionnaire.by_id and not _is_medicine(questionnaire, d.question)
    ]


def _what_would_change(assessment: Assessment, questionnaire: Questionnaire) -> list[str]:
    """The decisive answers per treatment, in the practitioner's words."""

    def label(qid: str) -> str:
        q = questionnaire.by_id.get(qid)
        return escape_markdown(q.label if q is not None else qid)

    def shown(qid: str, answer: str) -> str:
        q = questionnaire.by_id.get(qid)
        if q is not None and (q.choices or q.type == "yes_no"):
            return escape_markdown(q.choice_label(answer))
        return escape_markdown(answer)

    lines: list[str] = []
    for v in _headline_order(assessment):
        parts: list[str] = []
        for d in v.decisive:
            options = ", ".join(
                f"'{shown(d.question, o.answer)}' gives {_lower_first(VERDICT_WORDS[o.verdict])}"
                for o in d.options
            )
            status = d.status.replace("_", " ")
            parts.append(f'decided by "{label(d.question)}" ({status}): {options}')
        for change in v.would_improve:
            answers = "; ".join(
                f"\"{label(a.question)}\" = '{shown(a.question, a.answer)}'" for a in change.answers
            )
            parts.append(
                f"a different or clarified answer ({answers}) gives "
                f"{_lower_first(VERDICT_WORDS[change.verdict])}"
            )
        # Grouped by the verdict they would give: the same words once, not once per answer.
        worse_by_verdict: dict[str, list[str]] = {}
        for worse in v.would_worsen:
            answers = ", ".join(f"'{shown(worse.question, a)}'" for a in worse.answers)
            worse_by_verdict.setdefault(worse.verdict, []).append(
                f'{answers} to "{label(worse.question)}"'
            )
        for verdict, answered in worse_by_verdict.items():
            parts.append(
                f"any of these answers would give {_lower_first(VERDICT_WORDS[verdict])}: "
                + "; ".join(answered)
            )
        if parts:
            lines.append(f"- {v.name}:")
            lines.extend(f"  - {part}." for part in parts)
    return lines


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _distinct_reasons(assessment: Assessment) -> list[tuple[Reason | FitReason, list[str]]]:
    """Each non-goal reason once, with the treatments it applies to: health reasons first, then
    the plans ones, each in catalogue order."""
    found: dict[tuple[str, str, str], tuple[Reason | FitReason, list[str]]] = {}
    for treatment, verdict in assessment.verdicts.items():
        for reason in verdict.reasons:
            if reason.effect == "relevant":
                continue
            found.setdefault((reason.rule, reason.effect, reason.text), (reason, []))[1].append(
                treatment
            )
    for treatment, verdict in assessment.verdicts.items():
        for fit_reason in verdict.fit_reasons:
            key = (fit_reason.rule, fit_reason.fit, fit_reason.text)
            found.setdefault(key, (fit_reason, []))[1].append(treatment)
    return list(found.values())


def _mattering_answers(
    assessment: Assessment, questionnaire: Questionnaire, answers: Answers
) -> Iterable[str]:
    """Goals, plus every answer a reason or flag used, in questionnaire order."""
    used: set[str] = {"goals"}
    for v in assessment.verdicts.values():
        for r in v.reasons:
            used.update(a.question for a in r.answers)
        for fr in v.fit_reasons:
            used.update(a.question for a in fr.answers)
    for flag in assessment.flags:
        used.update(a.question for a in flag.answers)
    for q in questionnaire.questions:
        if q.id in used and not q.kind.free_text:
            yield f"{q.label} **{_shown(q, answers.values.get(q.id))}**"


def to_html(markdown_text: str, title: str = "Pre-consultation screening") -> str:
    """A self-contained HTML page (no external assets) from the Markdown form, laid out for
    print as the web app's handout is: the same parts and the same stylesheet."""
    from html import escape

    front, middle, practitioner = handout_parts(markdown_text)
    body = '<div class="handout-page first">\n'
    body += "".join(f'<div class="md">{part}</div>\n' for part in front) + "</div>\n"
    body += '<div class="handout-details">\n'
    body += "".join(f'<div class="md">{part}</div>\n' for part in middle) + "</div>\n"
    if practitioner is not None:
        body += f'<div class="md practitioner">{practitioner}</div>\n'
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n"
        "<style>body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;"
        "padding:0 1rem;line-height:1.5}table{border-collapse:collapse}"
        "td,th{border:1px solid #999;padding:.3rem .6rem;text-align:left}"
        ".visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;"
        "clip-path:inset(50%);white-space:nowrap}\n"
        f"{_handout_css()}</style>\n</head>\n"
        f'<body class="handout">\n<main>\n{body}</main>\n</body>\n</html>\n'
    )


def _handout_css() -> str:
    from importlib.resources import files

    # The web app serves the same file: the saved handout prints as the web one does.
    return files("suitability").joinpath("web/static/handout.css").read_text("utf-8")


#: The name line as the handout pages draw it: a rule to write on, and words for a screen reader.
NAME_LINE_HTML = (
    '<p class="name-line">Name: <span class="write-here" aria-hidden="true"></span>'
    '<span class="visually-hidden">(write your name here on the printed copy)</span></p>\n'
)
_FRONT = ("Summary", "To mention to the practitioner")


def handout_parts(markdown_text: str) -> tuple[list[str], list[str], str | None]:
    """A handout's Markdown (from :func:`to_markdown`) as HTML in three parts, for print: the
    front page (what comes before the first level-2 heading, the summary and what to mention),
    the other sections, and the practitioner's section, if any. Each heading is kept with the
    block after it, and HTML in the text (a person's own notes included) is shown as text,
    never run."""
    sections: list[tuple[str, list[str]]] = [("", [])]
    for line in markdown_text.splitlines():
        if line.startswith("## "):
            sections.append((line[3:].strip(), []))
        sections[-1][1].append(line)
    front: list[str] = []
    middle: list[str] = []
    practitioner: str | None = None
    for key, lines in sections:
        html = _render_keeping_headings("\n".join(lines) + "\n")
        if key == PRACTITIONER:
            practitioner = html
        elif key in ("", *_FRONT) and not middle:
            front.append(html)
        else:
            middle.append(html)
    return front, middle, practitioner


def _render_keeping_headings(text: str) -> str:
    """Markdown to HTML with each heading and the paragraph, table or quote after it wrapped
    together, so that print never leaves a heading alone at the foot of a page (a list after a
    heading is held by the heading's own break-after: avoid, since a long list may break)."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    tokens = md.parse(text)

    def render(start: int, stop: int) -> str:
        return str(md.renderer.render(tokens[start:stop], md.options, {}))

    def block_end(start: int) -> int:
        """The index after the top-level block that starts at ``start``."""
        depth = 0
        for index in range(start, len(tokens)):
            depth += tokens[index].nesting
            if depth == 0:
                return index + 1
        return len(tokens)

    def name_line(index: int) -> bool:
        return tokens[index].type == "paragraph_open" and tokens[index + 1].content == NAME_LINE

    out: list[str] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        stop = block_end(index)
        if name_line(index):
            out.append(NAME_LINE_HTML)
        elif (
            token.type == "heading_open"
            and stop < len(tokens)
            and tokens[stop].type in ("paragraph_open", "table_open", "blockquote_open")
            and not name_line(stop)
        ):
            after = block_end(stop)
            out.append(f'<div class="keep">\n{render(index, after)}</div>\n')
            stop = after
        else:
            out.append(render(index, stop))
        index = stop
    return "".join(out)


def print_assessment(
    assessment: Assessment,
    questionnaire: Questionnaire,
    console: Console,
    *,
    details: bool = False,
) -> None:
    """The assessment in the terminal: verdicts in words (colour only repeats them).

    By default the patient's screen: each treatment and what to mention, ending on a short
    summary, so that the last screenful (what stays in view at 80x24) holds every verdict, its
    fit, the answers that decide it (which the practitioner will ask about) and what to
    mention. Rule ids, hashes and the decisive answers are not on it: they are
    in the handout and the record. ``details=True`` prints the whole report with the
    practitioner's part, as ``suitability assess`` does."""
    if details:
        console.print(draw_markdown(to_markdown(assessment, questionnaire)))
        return
    console.print(draw_markdown(_patient_markdown(assessment, questionnaire)))
    summary = _summary(assessment, questionnaire)
    # Room for the lines printed after it (where the handout went) and the shell's prompt.
    if len(console.render_lines(summary, pad=False)) > console.height - SUMMARY_MARGIN:
        summary = _summary(assessment, questionnaire, brief=True)
    console.print(summary)


SUMMARY_MARGIN = 4

# The Markdown this module writes, read back a line at a time for the terminal: headings,
# paragraphs, one- or two-level lists (a line indented under an item continues it), quotes and
# tables, with **bold**, `code` and backslash escapes inline. Nothing else is ever written, so
# rich's own Markdown renderer (and markdown-it, which it parses with) is not needed here: it
# took longer to load and run than the rest of `suitability assess` did.
_INLINE = re.compile(r"\\(.)|\*\*(.+?)\*\*|`([^`]*)`")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_HEADING_STYLE = {1: "bold", 2: "bold underline", 3: "bold"}


def _inline(text: str, style: str = "") -> Any:
    from rich.text import Text

    out = Text(style=style)
    at = 0
    for match in _INLINE.finditer(text):
        out.append(text[at : match.start()])
        escaped, bold, code = match.groups()
        if escaped is not None:
            out.append(escaped)
        elif bold is not None:
            out.append_text(_inline(bold, "bold"))
        else:
            out.append(code, style="bold cyan")
        at = match.end()
    out.append(text[at:])
    return out


def draw_markdown(text: str) -> Any:
    """This module's Markdown as rich renderables, in its words and order (see above)."""
    from rich.box import SIMPLE
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    blocks: list[Any] = []
    items: list[list[Any]] = []  # [depth, text] of the list being read
    paragraph: list[str] = []
    quote: list[str] = []
    rows: list[list[str]] = []

    def flush() -> None:
        if paragraph:
            blocks.append(_inline(" ".join(paragraph)))
        if quote:
            quoted = _inline(" ".join(quote), "italic")
            blocks.append(_Hanging("\u258c ", quoted, repeat=True, style="magenta"))
        if items:
            bullets = [(" " * (1 + 3 * depth) + "\u2022 ", words) for depth, words in items]
            blocks.append(Group(*(_Hanging(bullet, _inline(words)) for bullet, words in bullets)))
        if rows:
            table = Table(box=SIMPLE, show_edge=False, expand=False)
            for name in rows[0]:
                table.add_column(name, overflow="fold")
            for row in rows[2:]:  # the second row only marks the columns
                table.add_row(*(_inline(cell) for cell in row))
            blocks.append(table)
        paragraph.clear()
        quote.clear()
        items.clear()
        rows.clear()

    for line in text.splitlines():
        if not line.strip():
            flush()
        elif line.startswith("#"):
            flush()
            level, _, words = line.partition(" ")
            heading = _inline(words, _HEADING_STYLE.get(len(level), "bold"))
            heading.justify = "center" if len(level) == 1 else "left"
            blocks.append(heading)
        elif line.startswith("> "):
            quote.append(line[2:])
        elif line.startswith("| "):
            cells = _CELL_SPLIT.split(line.strip())[1:-1]
            rows.append([cell.strip() for cell in cells])
        elif line.lstrip().startswith("- "):
            depth = (len(line) - len(line.lstrip())) // 2
            items.append([depth, line.lstrip()[2:]])
        elif items and line.startswith("  "):
            items[-1][1] += " " + line.strip()  # continues the item above
        else:
            paragraph.append(line.strip())
    flush()
    spaced: list[Any] = []
    for block in blocks:
        spaced += [block, Text("")]
    return Group(*spaced[:-1])


class _Hanging:
    """Text after a prefix (a bullet, a quote's bar), its later lines under its first word, or
    with the prefix again when ``repeat``: as wide as the screen allows."""

    def __init__(self, prefix: str, text: Any, *, repeat: bool = False, style: str = "") -> None:
        self.prefix, self.text, self.repeat, self.style = prefix, text, repeat, style

    def __rich_console__(self, console: Any, options: Any) -> Iterator[Any]:
        from rich.segment import Segment

        first = Segment(self.prefix, console.get_style(self.style) if self.style else None)
        later = first if self.repeat else Segment(" " * len(self.prefix))
        width = options.max_width - len(self.prefix)
        lines = console.render_lines(self.text, options.update_width(width), pad=False)
        for index, line in enumerate(lines):
            yield later if index else first
            yield from line
            yield Segment.line()


def short_name(name: str) -> str:
    """A treatment's name without its bracketed example, for one line of a table."""
    return name.split(" (", 1)[0]


def _patient_markdown(assessment: Assessment, questionnaire: Questionnaire) -> str:
    """What scrolls by above the summary: the details a patient may scroll back to."""
    out: list[str] = ["# Your screening result", "", f"> {assessment.disclaimer}", ""]
    add = out.append
    relevant = [v for v in _headline_order(assessment) if v.verdict != "not_relevant"]
    if relevant:
        add("## Each treatment")
        add("")
    for v in relevant:
        add(f"### {v.name}: {VERDICT_WORDS[v.verdict]}")
        add("")
        add(v.summary)
        add("")
        for label, effect in (("Review first", "avoid"), ("Discuss with caution", "caution")):
            titles = list(dict.fromkeys(r.title for r in v.reasons if r.effect == effect))
            if titles:
                add(f"- {label}: {'; '.join(titles)}.")
        said = "; ".join(dict.fromkeys(_lower_first(r.title) for r in v.fit_reasons))
        add(
            f"- Fit with your plans: {_lower_first(FIT_WORDS[v.fit])}"
            + (f" ({said})." if said else ".")
        )
        add(f"- Typical recovery: {v.downtime}")
        add(f"- Before an event: {v.event_gap}")
        for question in _to_clarify(v, questionnaire):
            add(f"- Your answer to \"{escape_markdown(question.label)}\" decides this: the "
                "practitioner will ask.")  # fmt: skip
        add("")
    if assessment.verdicts["mesotherapy"].verdict != "not_relevant":
        meso = assessment.mesotherapy_expectations
        add("## What to expect from mesotherapy")
        add("")
        for side_effect in meso.side_effects:
            add(f"- {side_effect.name}: {side_effect.how_long}.")
        add("")
        add(meso.evidence_note)
        add("")
    out.extend(_to_mention(assessment, questionnaire))
    return "\n".join(out) + "\n"


def _summary(assessment: Assessment, questionnaire: Questionnaire, *, brief: bool = False) -> Any:
    """The last screenful: what to mention and what will be asked, then the table of verdicts
    last of all, so that even a long list of things to mention never pushes it out of view.
    ``brief``: the things to mention only counted (they are listed just above), for a summary
    that would not fit the screen."""
    from rich.console import Group
    from rich.rule import Rule
    from rich.table import Table
    from rich.text import Text

    parts: list[Any] = [Rule("Your summary")]
    if assessment.flags and brief:
        count = len(assessment.flags)
        mention = Text("To mention to the practitioner: ", style="bold")
        parts.append(mention.append(f"the {count} points listed above.", style="not bold"))
    elif assessment.flags:
        titles = "; ".join(f.title for f in assessment.flags)
        mention = Text("To mention to the practitioner: ", style="bold")
        parts.append(mention.append(f"{titles}.", style="not bold"))
    # Each answer the practitioner will ask about is numbered once; a treatment's row names
    # the numbers of those that decide its result.
    asked: dict[str, int] = {}
    for v in _headline_order(assessment):
        for q in _to_clarify(v, questionnaire):
            asked.setdefault(q.id, len(asked) + 1)
    if asked:
        clarify = Text("The practitioner will ask about your answers to: ", style="bold")
        quoted = "; ".join(f'({n}) "{questionnaire.by_id[qid].label}"' for qid, n in asked.items())
        parts.append(clarify.append(f"{quoted}.", style="not bold"))
    table = Table(box=None, pad_edge=False, show_edge=False, expand=False)
    columns = ["Treatment", "Screening result", "Fit with your plans"]
    for name in columns + (["To clarify"] if asked else []):
        table.add_column(name, overflow="fold")
    not_relevant = []
    for v in _headline_order(assessment):
        if v.verdict == "not_relevant":
            not_relevant.append(short_name(v.name))
            continue
        cells: list[Any] = [
            short_name(v.name),
            Text(VERDICT_WORDS[v.verdict], style=VERDICT_STYLE[v.verdict]),
            FIT_WORDS[v.fit],
        ]
        if asked:
            numbers = sorted(asked[q.id] for q in _to_clarify(v, questionnaire))
            cells.append(", ".join(map(str, numbers)) or "-")
        table.add_row(*cells)
    parts.append(Text(""))
    if table.row_count:
        parts.append(table)
    if not_relevant:
        parts.append(Text(f"{VERDICT_WORDS['not_relevant']}: {', '.join(not_relevant)}."))
    return Group(*parts)


# --------------------------------------------------------------------------- rule catalogue


_GROUPS = (
    ("goal", "Goals: what each treatment is offered for"),
    ("condition", "Health and safety"),
    ("preference", "Plans and preferences"),
)


def _fires(rule: Any) -> str:
    from .rules.words import describe

    when = describe(rule.when)
    if rule.when.derived is not None:
        d = next(d for d in DERIVATIONS if d.fact == rule.when.derived)
        when = describe(d.when) + f" (derivation {d.id})"
    return when


def _row_effect(rule: Any) -> str:
    """The strongest effect of a row in words; a plans row speaks of the fit, not the verdict."""
    if rule.kind != "preference":
        return str(rule.effect)
    cells = set(rule.cells.values())
    if "A" in cells:
        return "does not fit (plans)"
    if "C" in cells:
        return "ask the practitioner (plans)"
    return "no effect on verdicts (recorded only)"


def rules_catalogue(fmt: str) -> str:
    """The rule set for a clinician to review: text, markdown or json. Each rule says when it
    fires in plain words, grouped as the clinical reference is."""
    from .rules.catalogue import RULESET
    from .rules.words import describe

    if fmt == "json":
        data: dict[str, Any] = {
            "id": RULESET_ID,
            "version": RULESET_VERSION,
            "treatments": list(TREATMENTS),
            "derivations": [
                {
                    **d.model_dump(mode="json", by_alias=True, exclude_none=True),
                    "reads": list(d.reads),
                    "fires_when": describe(d.when),
                }
                for d in RULESET.derivations
            ],
            "rules": [
                {
                    **r.model_dump(mode="json", by_alias=True, exclude_none=True),
                    "effect": _row_effect(r),
                    "reads": list(r.reads),
                    "fires_when": _fires(r),
                }
                for r in RULES
            ],
        }  # fmt: skip
        from ._json import dumps

        return dumps(data) + "\n"
    short = ["MESO", "BTX", "FILL", "PEEL", "LASER", "MN", "ULT"]
    if fmt == "markdown":
        lines = [
            f"# Rule set {RULESET_ID} {RULESET_VERSION}",
            "",
            "Cells: I goal served, C discuss with caution, A avoid until reviewed, N no bearing. "
            "Plans rows (p_) never change a verdict: C ask the practitioner, A does not fit what "
            "the person said.",
        ]
        for kind, heading in _GROUPS:
            lines += [
                "",
                f"## {heading}",
                "",
                "| id | title | fires when | " + " | ".join(short) + " | why | source |",
                "| --- | --- | --- | " + " | ".join("---" for _ in short) + " | --- | --- |",
            ]
            for r in RULES:
                if r.kind != kind:
                    continue
                cells = " | ".join(r.cells[t] for t in TREATMENTS)
                lines.append(
                    f"| `{r.id}` | {r.title} | {_fires(r)} | {cells} | {r.rationale} | {r.source} |"
                )
        lines += ["", "## Derived facts", ""]
        for d in DERIVATIONS:
            lines.append(f"- `{d.id}` asserts `{d.fact}` when {describe(d.when)}: {d.note}")
        return "\n".join(lines) + "\n"
    lines = [f"Rule set {RULESET_ID} {RULESET_VERSION}", "columns: " + " ".join(short)]
    for kind, heading in _GROUPS:
        lines += ["", heading.upper(), ""]
        for r in RULES:
            if r.kind != kind:
                continue
            cells = " ".join(f"{r.cells[t]:<5}" for t in TREATMENTS)
            lines.append(f"{r.id:<34} {cells} {r.title}")
            lines.append(f"{'':<34} fires when: {_fires(r)}")
            lines.append(f"{'':<34} why: {r.rationale}")
            lines.append(f"{'':<34} source: {r.source}")
    lines += ["", "DERIVED FACTS", ""]
    for d in DERIVATIONS:
        lines.append(f"{d.id:<34} {d.fact} when {describe(d.when)}")
        lines.append(f"{'':<34} {d.note}")
    return "\n".join(lines) + "\n"
