"""The interactive screening: one driver loop owns the flow (next, back, help, review, resume);
questionary only draws one prompt at a time.

Every change of answer is handed to ``on_change`` (the CLI autosaves it atomically), and an
interrupt (Ctrl-C, end of input, a closed terminal, an idle timeout) leaves the loop as
:class:`Interrupted` carrying every answer given so far.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Mapping
from typing import Any

from .answers import Answers, display_value, normalise_value, validate_answers, visible_answers
from .questionnaire import NOT_SURE, PREFER_NOT_TO_SAY, SPECIAL_LABELS, Question, Questionnaire

__all__ = ["BACK", "HELP", "IdleTimeout", "Interrupted", "Prompter", "Screening"]


class _Marker:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


BACK = _Marker("BACK")
HELP = _Marker("HELP")
SUBMIT = _Marker("SUBMIT")
SKIP = _Marker("SKIP")

BACK_LABEL = "<- Go back to the previous question"
HELP_LABEL = "?  Show help for this question"
TEXT_WORDS = {
    "not sure": NOT_SURE,
    "not_sure": NOT_SURE,
    "prefer not to say": PREFER_NOT_TO_SAY,
    "prefer_not_to_say": PREFER_NOT_TO_SAY,
}


class Interrupted(Exception):
    """The screening stopped before it was submitted; ``values`` holds every answer so far."""

    def __init__(self, values: Mapping[str, Any], reason: str) -> None:
        super().__init__(reason)
        self.values = dict(values)
        self.reason = reason


class IdleTimeout(Exception):
    """Nobody answered within the idle timeout."""


class Prompter:
    """Draws single prompts with questionary; ``input``/``output`` let tests inject a pipe."""

    def __init__(
        self, *, input: Any = None, output: Any = None, idle_timeout: float | None = None
    ) -> None:
        self.input = input
        self.output = output
        self.idle_timeout = idle_timeout

    def _io(self) -> dict[str, Any]:
        return {k: v for k, v in (("input", self.input), ("output", self.output)) if v is not None}

    def _ask(self, question: Any) -> Any:
        """Runs one prompt; Ctrl-C raises KeyboardInterrupt, end of input EOFError, and an idle
        timeout IdleTimeout."""
        timer: threading.Timer | None = None
        expired = threading.Event()
        if self.idle_timeout:
            app = question.application

            def expire() -> None:
                expired.set()
                loop = getattr(app, "loop", None)
                if app.is_running and loop is not None:
                    loop.call_soon_threadsafe(lambda: app.exit(exception=IdleTimeout()))

            timer = threading.Timer(self.idle_timeout, expire)
            timer.daemon = True
            timer.start()
        try:
            return question.unsafe_ask(patch_stdout=False)
        finally:
            if timer is not None:
                timer.cancel()

    def select(
        self,
        message: str,
        choices: list[tuple[str, Any]],
        default: Any = None,
        instruction: str | None = None,
    ) -> Any:
        import questionary

        options = [questionary.Choice(title=t, value=v) for t, v in choices]
        chosen = next((o for o in options if o.value == default), None)
        return self._ask(
            questionary.select(
                message,
                choices=options,
                default=chosen,
                instruction=instruction or "(use the arrow keys, then Enter)",
                qmark="",
                **self._io(),
            )
        )

    def checkbox(
        self,
        message: str,
        choices: list[tuple[str, Any]],
        checked: set[Any],
        validate: Callable[[list[Any]], bool | str],
    ) -> list[Any]:
        import questionary

        options = [questionary.Choice(title=t, value=v, checked=v in checked) for t, v in choices]
        result: list[Any] = self._ask(
            questionary.checkbox(
                message,
                choices=options,
                validate=validate,
                instruction="(Space to tick, Enter when done)",
                qmark="",
                **self._io(),
            )
        )
        return result

    def text(
        self, message: str, default: str, validate: Callable[[str], bool | str], instruction: str
    ) -> str:
        import questionary

        result: str = self._ask(
            questionary.text(
                message,
                default=default,
                validate=validate,
                instruction=instruction,
                qmark="",
                **self._io(),
            )
        )
        return result


class Screening:
    """Walks a person through a questionnaire and returns validated answers."""

    def __init__(
        self,
        questionnaire: Questionnaire,
        prompter: Prompter,
        say: Callable[[str], None],
        *,
        values: Mapping[str, Any] | None = None,
        answered_on: dt.date | None = None,
        on_change: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:
        self.q = questionnaire
        self.prompter = prompter
        self.say = say
        self.values: dict[str, Any] = visible_answers(questionnaire, values or {})
        self.answered_on = answered_on or dt.date.today()
        self.on_change = on_change or (lambda _values: None)
        self.history: list[str] = []
        self.skipped: set[str] = set()
        self._section: str | None = None

    # ------------------------------------------------------------------ flow

    def run(self) -> Answers:
        try:
            return self._loop()
        except (KeyboardInterrupt, EOFError):
            raise Interrupted(self.values, "interrupted") from None
        except IdleTimeout:
            raise Interrupted(self.values, "idle") from None

    def _loop(self) -> Answers:
        if self.q.intro and not self.values:
            self.say(self.q.intro)
        while True:
            question = self._next_unanswered()
            if question is None:
                choice = self._review()
                if choice is SUBMIT:
                    return self.answers()
                if choice is BACK:
                    continue
                question = self.q.by_id[str(choice)]
                self._ask_until_answered(question, editing=True)
                continue
            self._ask_until_answered(question)

    def answers(self) -> Answers:
        data = {"answered_on": self.answered_on.isoformat(), "answers": self.values}
        return validate_answers(data, self.q)

    def _next_unanswered(self) -> Question | None:
        for question in self.q.questions:
            if question.id in self.values or question.id in self.skipped:
                continue
            if self.q.visible(question, self.values):
                return question
        return None

    def _ask_until_answered(self, question: Question, *, editing: bool = False) -> None:
        while True:
            result = self._ask(question)
            if result is BACK:
                if editing or not self.history:
                    return
                question = self.q.by_id[self.history.pop()]
                editing = True  # re-asking the previous one; its answer is the default
                continue
            self._record(question, result)
            if not editing or question.id not in self.history:
                self.history.append(question.id)
            return

    def _record(self, question: Question, result: Any) -> None:
        if result is SKIP:
            self.values.pop(question.id, None)
            self.skipped.add(question.id)
        else:
            self.values[question.id] = result
            self.skipped.discard(question.id)
        # An earlier answer can hide later questions: their answers are dropped.
        self.values = visible_answers(self.q, self.values)
        self.history = [h for h in self.history if h in self.values or h in self.skipped]
        self.on_change(dict(self.values))

    # ------------------------------------------------------------------ prompts

    def _progress(self, question: Question) -> str:
        shown = [q for q in self.q.questions if self.q.visible(q, self.values)]
        position = shown.index(question) + 1 if question in shown else len(shown)
        section = self.q.section_of[question.id]
        return f"{section.title} - question {position} of about {len(shown)}"

    def _header(self, question: Question) -> None:
        section = self.q.section_of[question.id]
        if section.id != self._section:
            self._section = section.id
            self.say(f"\n== {section.title} ==")
            if section.intro:
                self.say(section.intro)

    def _ask(self, question: Question) -> Any:
        self._header(question)
        message = f"[{self._progress(question)}]\n{question.label}"
        while True:
            if question.type in ("yes_no", "single_choice"):
                result = self._ask_select(question, message)
            elif question.type == "multiple_choice":
                result = self._ask_checkbox(question, message)
            else:
                result = self._ask_text(question, message)
            if result is HELP:
                self.say(question.help or "There is no extra help for this question.")
                continue
            return result

    def _extras(self, question: Question) -> list[tuple[str, Any]]:
        extras: list[tuple[str, Any]] = [(SPECIAL_LABELS[s], s) for s in question.special_values]
        if question.help:
            extras.append((HELP_LABEL, HELP))
        if self.history:
            extras.append((BACK_LABEL, BACK))
        return extras

    def _ask_select(self, question: Question, message: str) -> Any:
        choices = [(question.choice_label(c), c) for c in question.choice_ids]
        choices += self._extras(question)
        return self.prompter.select(message, choices, default=self.values.get(question.id))

    def _ask_checkbox(self, question: Question, message: str) -> Any:
        choices = [(question.choice_label(c), c) for c in question.choice_ids]
        choices += self._extras(question)
        alone = {question.exclusive_choice, BACK, HELP, *question.special_values} - {None}
        current = self.values.get(question.id)
        checked = set(current) if isinstance(current, list) else {current} - {None}

        def validate(selected: list[Any]) -> bool | str:
            if not selected:
                if question.required:
                    return "Tick at least one option (or 'Not sure' / 'Prefer not to say')."
                return True
            lone = [s for s in selected if s in alone]
            if lone and len(selected) > 1:
                label = dict(choices).get(lone[0]) or str(lone[0])
                names = {v: t for t, v in choices}
                return f"'{names.get(lone[0], label)}' cannot be combined with other options."
            return True

        selected = self.prompter.checkbox(message, choices, checked, validate)
        if not selected:
            return SKIP
        if len(selected) == 1 and (
            selected[0] in (BACK, HELP) or selected[0] in question.special_values
        ):
            return selected[0]
        return list(selected)

    def _ask_text(self, question: Question, message: str) -> Any:
        specials = question.special_values
        hints = ["< to go back" if self.history else "", "? for help" if question.help else ""]
        if specials:
            hints.append(" or ".join(f"'{SPECIAL_LABELS[s].lower()}'" for s in specials))
        if question.type == "date":
            hints.insert(0, "YYYY-MM-DD")
        elif question.unit:
            hints.insert(0, question.unit)
        instruction = "(" + ", ".join(h for h in hints if h) + ")"
        current = self.values.get(question.id)
        default = (
            ""
            if current is None
            else (SPECIAL_LABELS[current].lower() if current in SPECIAL_LABELS else str(current))
        )

        def interpret(raw: str) -> tuple[Any, str | None]:
            text = raw.strip()
            if text == "<" and self.history:
                return BACK, None
            if text == "?":
                return HELP, None
            if not text:
                if question.required:
                    extra = " (or 'not sure' / 'prefer not to say')" if specials else ""
                    return None, f"This question needs an answer{extra}."
                return SKIP, None
            word = TEXT_WORDS.get(text.lower())
            if word is not None:
                text = word
            value, error = normalise_value(question, text)
            return value, error

        def validate(raw: str) -> bool | str:
            _value, error = interpret(raw)
            return True if error is None else error

        raw = self.prompter.text(message, default, validate, instruction)
        value, _error = interpret(raw)
        return value

    def _review(self) -> Any:
        choices: list[tuple[str, Any]] = [("Submit my answers", SUBMIT)]
        for question in self.q.questions:
            if question.id in self.values:
                shown = display_value(question, self.values[question.id])
                choices.append((f"Change: {question.label} -> {shown}", question.id))
        if self.history:
            choices.append((BACK_LABEL, BACK))
        self.say("\n== Review ==\nCheck your answers. Choose one to change it, or submit.")
        result = self.prompter.select(
            "Review your answers", choices, default=SUBMIT, instruction="(arrow keys, then Enter)"
        )
        if result is BACK:
            last = self.q.by_id[self.history[-1]]
            self._ask_until_answered(last, editing=True)
        return result
