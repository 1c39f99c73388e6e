"""The interactive screening: one driver loop owns the flow (next, back, help, review, resume);
questionary only draws one prompt at a time.

Every change of answer is handed to ``on_change`` (the CLI autosaves it atomically), and an
interrupt (Ctrl-C, end of input, a closed terminal, an idle timeout) leaves the loop as
:class:`Interrupted` carrying every answer given so far.
"""

from __future__ import annotations

import datetime as dt
import functools
import shutil
import sys
import textwrap
import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from ._values import SPECIAL_LABELS
from .answers import (
    Answers,
    date_bound_problem,
    display_value,
    parse_text_answer,
    validate_answers,
    visible_answers,
)
from .kinds import Prompt
from .questionnaire import Question, Questionnaire

if TYPE_CHECKING:
    from prompt_toolkit.key_binding import KeyBindings

__all__ = [
    "BACK",
    "HELP",
    "HangUp",
    "IdleTimeout",
    "Interrupted",
    "Prompter",
    "Screening",
    "resume_prompts",
    "stop_prompts",
]


class _Marker:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


BACK = _Marker("BACK")
HELP = _Marker("HELP")
SUBMIT = _Marker("SUBMIT")
SKIP = _Marker("SKIP")
STAY = _Marker("STAY")

BACK_LABEL = "<- Go back to the previous question"
HELP_LABEL = "?  Show help for this question"


class Interrupted(Exception):
    """The screening stopped before it was submitted; ``values`` holds every answer so far."""

    def __init__(self, values: Mapping[str, Any], reason: str) -> None:
        super().__init__(reason)
        self.values = dict(values)
        self.reason = reason


class IdleTimeout(Exception):
    """Nobody answered within the idle timeout."""


class HangUp(Exception):
    """The terminal was closed while a prompt was waiting."""


# The prompt on screen, so that a signal handler can end it on its own event loop: raising
# from the handler inside the loop would leave asyncio printing a traceback.
_active_app: Any = None
# Once the terminal is gone, every later prompt ends before it is drawn.
_stopped_by: type[BaseException] | None = None


def _exit_app(app: Any, exception: BaseException) -> None:
    # The prompt may have been answered meanwhile, and exiting twice raises inside the loop.
    future = getattr(app, "future", None)
    if app.is_running and future is not None and not future.done():
        app.exit(exception=exception)


def _call_in_loop(app: Any, exception: BaseException) -> bool:
    loop = getattr(app, "loop", None)
    if app is None or not app.is_running or loop is None or loop.is_closed():
        return False
    try:
        loop.call_soon_threadsafe(_exit_app, app, exception)
    except RuntimeError:  # the loop closed between the check and the call
        return False
    return True


def stop_prompts(exception: type[BaseException]) -> None:
    """Ends the prompt on screen, and every later one before it is drawn, by raising
    ``exception`` to its caller. Safe to call from a signal handler."""
    global _stopped_by
    _stopped_by = exception
    _call_in_loop(_active_app, exception())


def resume_prompts() -> None:
    """Undoes :func:`stop_prompts`."""
    global _stopped_by
    _stopped_by = None


def _stop_if_stopped(app: Any) -> None:
    if _stopped_by is not None:
        _exit_app(app, _stopped_by())


def _choice_keys(app: Any, act_on: tuple[Any, ...] = (), *, ctrl_d_ends: bool = True) -> None:
    """Ctrl-D ends the input as it does at a text prompt (or, on a shared terminal, does
    nothing); Enter on an entry in ``act_on`` (Back, Help in a tick list) acts on it alone, so
    nobody has to tick "Go back" to go back."""
    from prompt_toolkit.filters import Condition
    from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings
    from prompt_toolkit.keys import Keys

    keys = KeyBindings()

    if ctrl_d_ends:

        @keys.add(Keys.ControlD, eager=True)
        def _end(event: Any) -> None:
            event.app.exit(exception=EOFError, style="class:aborting")

    else:
        _ctrl_d_is_a_key(keys)

    if act_on:
        from questionary.prompts.common import InquirerControl

        control = next(
            w.content
            for w in app.layout.find_all_windows()
            if isinstance(w.content, InquirerControl)
        )

        @keys.add(Keys.ControlM, eager=True, filter=Condition(lambda: _pointed(control, act_on)))
        def _act(event: Any) -> None:
            value = control.get_pointed_at().value
            control.selected_options = [value]
            control.is_answered = True
            event.app.exit(result=[value])

    # Later bindings win: these take over Ctrl-D and, on Back or Help, Enter.
    app.key_bindings = merge_key_bindings([app.key_bindings, keys])


def _ctrl_d_is_a_key(keys: KeyBindings) -> None:
    """Binds Ctrl-D as an ordinary editing key: it deletes the character under the cursor in
    typed text and does nothing else. On a shared terminal the end of input must never end the
    program, or the next person would be left at a shell."""
    from prompt_toolkit.keys import Keys

    @keys.add(Keys.ControlD, eager=True)
    def _delete(event: Any) -> None:
        buffer = event.current_buffer
        if buffer is not None and buffer.document.text_after_cursor:
            buffer.delete(1)


def _pointed(control: Any, values: tuple[Any, ...]) -> bool:
    pointed = control.get_pointed_at().value
    return any(pointed is v for v in values)


def _columns() -> int:
    return shutil.get_terminal_size((80, 24)).columns


# A prompt's rows start one column in, as questionary starts its first.
_MESSAGE_INDENT = 1
# The columns before an option's text: the pointer (" » "), and in a tick list the box ("○ ").
_SELECT_INDENT = 3
_CHECKBOX_INDENT = 5
# The rows kept in view below the pointed option, for the rest of an option wrapped over them.
_OPTION_ROWS = 3


def _wrap(text: str, width: int, indent: int = 0) -> str:
    """``text`` broken into lines at spaces (never inside a word, nor at a hyphen) to fit
    ``width`` columns, the lines after the first indented by ``indent``: the terminal itself
    would break a long line at its last column, mid-word."""
    room = max(width, indent + 20)
    pad = " " * indent
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines += textwrap.wrap(
            paragraph, room, initial_indent=pad, subsequent_indent=pad,
            break_long_words=False, break_on_hyphens=False,
        ) or [""]  # fmt: skip
    return "\n".join(lines)[indent:]


class _Wrapping(str):
    """Text wrapped to the screen's width as it is when drawn: questionary formats a prompt's
    message and options with ``str.format`` on every redraw, so after a resize they wrap
    again at the new width."""

    indent: int = 0
    #: Rows drawn right after the text while it returns some (a message about the answer).
    after: Callable[[], str | None] = staticmethod(lambda: None)

    def __new__(cls, text: str, indent: int = 0) -> _Wrapping:
        made = super().__new__(cls, text)
        made.indent = indent
        return made

    def __format__(self, spec: str) -> str:
        text = _wrap(str(self), _columns() - 2, self.indent)
        below = self.after()
        return format(text + below + "\n" if below else text, spec)


def _fit_to_screen(app: Any) -> None:
    """Lays a prompt out for a small screen: nothing stretches to the bottom rows, so that a
    message about the answer is drawn just below the prompt rather than ~20 rows down, and the
    message may take as many rows as its wrapped text needs (prompt_toolkit gives it one)."""
    from prompt_toolkit.filters import to_filter
    from prompt_toolkit.layout.containers import ScrollOffsets
    from prompt_toolkit.layout.controls import FormattedTextControl
    from prompt_toolkit.layout.dimension import Dimension
    from questionary.prompts.common import InquirerControl

    for window in app.layout.find_all_windows():
        window.dont_extend_height = to_filter(True)
        control = window.content
        if isinstance(control, InquirerControl):
            # A list scrolled to its pointer keeps the rows below it in view: the rest of a
            # wrapped option would otherwise be hidden under the screen's last row.
            window.scroll_offsets = ScrollOffsets(bottom=_OPTION_ROWS)
        made_by = getattr(getattr(control, "text", None), "__qualname__", "")
        if isinstance(control, FormattedTextControl) and made_by.startswith("ValidationToolbar"):
            window.height = Dimension(min=1)

    def redraw_whole() -> None:
        # A terminal that changed size may have moved or re-flowed the rows already drawn,
        # so erasing from where the prompt began (prompt_toolkit's way) misses some and they
        # are drawn twice: the screen is cleared and the prompt drawn again from the top.
        app.renderer.clear()
        app._redraw()

    app._on_resize = redraw_whole


def _message_under_label(app: Any, message: _Wrapping) -> None:
    """Moves a tick list's message about the answer from under its options, up to 20 rows
    below the question, to the rows just under the question. Only when the layout is the one
    questionary 2 builds: otherwise the message stays where it was, never lost."""
    from prompt_toolkit.filters import to_filter
    from prompt_toolkit.layout.containers import ConditionalContainer
    from prompt_toolkit.layout.layout import walk
    from questionary.prompts.common import InquirerControl

    control = next(
        (
            w.content
            for w in app.layout.find_all_windows()
            if isinstance(w.content, InquirerControl)
        ),
        None,
    )
    children = getattr(app.layout.container, "children", [])
    if control is None or not children or not isinstance(children[-1], ConditionalContainer):
        return
    bottom = children[-1]
    if not any(getattr(part, "style", None) == "class:bottom-toolbar" for part in walk(bottom)):
        return

    def text() -> str | None:
        found = control.error_message
        return None if found is None else "".join(part[1] for part in found)

    message.after = text
    bottom.filter = to_filter(False)


def _wrapped_check(check: Callable[[Any], bool | str]) -> Callable[[Any], bool | str]:
    def wrapped(value: Any) -> bool | str:
        verdict = check(value)
        if verdict is True or verdict is False:
            return verdict
        return " " + _wrap(verdict, _columns() - 2, _MESSAGE_INDENT)

    return wrapped


class Prompter:
    """Draws single prompts with questionary; ``input``/``output`` let tests inject a pipe.

    With ``ctrl_d_ends=False`` (a shared terminal) Ctrl-D is a key, never the end of input;
    only a closed input (or terminal) raises EOFError."""

    # An end of input read from a terminal that is still there is a stray Ctrl-D typed while
    # no prompt was drawn; the prompt is drawn again, a bounded number of times in a row so
    # that a terminal which keeps signalling the end cannot spin.
    STRAY_EOF_LIMIT = 20

    def __init__(
        self,
        *,
        input: Any = None,
        output: Any = None,
        idle_timeout: float | None = None,
        ctrl_d_ends: bool = True,
    ) -> None:
        self.input = input
        self.output = output
        self.idle_timeout = idle_timeout
        self.ctrl_d_ends = ctrl_d_ends

    def _io(self) -> dict[str, Any]:
        return {k: v for k, v in (("input", self.input), ("output", self.output)) if v is not None}

    def _on_a_terminal(self) -> bool:
        if self.input is not None:
            return False
        try:
            return sys.stdin is not None and sys.stdin.isatty()
        except (OSError, ValueError):
            return False

    def _ask(self, make: Callable[[], Any]) -> Any:
        """Runs one prompt made by ``make``; Ctrl-C raises KeyboardInterrupt, end of input
        EOFError, an idle timeout IdleTimeout, and a closed terminal HangUp (or the OSError
        it caused)."""
        stray = 0
        while True:
            try:
                return self._run(make())
            except EOFError:
                stray += 1
                if self.ctrl_d_ends or stray > self.STRAY_EOF_LIMIT or not self._on_a_terminal():
                    raise

    def _run(self, question: Any) -> Any:
        global _active_app
        if _stopped_by is not None:
            raise _stopped_by()
        timer: threading.Timer | None = None
        app = question.application
        if self.idle_timeout:
            timer = threading.Timer(self.idle_timeout, _call_in_loop, (app, IdleTimeout()))
            timer.daemon = True
            timer.start()
        _active_app = app
        # A stop that came after the check above but before the prompt ran ends it at once.
        app.pre_run_callables.append(lambda: _stop_if_stopped(app))
        try:
            return question.unsafe_ask(patch_stdout=False)
        finally:
            _active_app = None
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

        def make() -> Any:
            width = _columns() - 2
            options = [
                questionary.Choice(title=_Wrapping(t, _SELECT_INDENT), value=v) for t, v in choices
            ]
            chosen = next((o for o in options if o.value == default), None)
            question = questionary.select(
                _Wrapping(message + "\n", _MESSAGE_INDENT),
                choices=options,
                default=chosen,
                # Shown only until answered, so not wrapped again on a resize: kept short.
                instruction=_wrap(instruction or "(use the arrow keys, then Enter)", width),
                qmark="",
                **self._io(),
            )
            _choice_keys(question.application, ctrl_d_ends=self.ctrl_d_ends)
            _fit_to_screen(question.application)
            return question

        return self._ask(make)

    def checkbox(
        self,
        message: str,
        choices: list[tuple[str, Any]],
        checked: set[Any],
        validate: Callable[[list[Any]], bool | str],
    ) -> list[Any]:
        import questionary

        def make() -> Any:
            options = [
                questionary.Choice(
                    title=_Wrapping(t, _CHECKBOX_INDENT), value=v, checked=v in checked
                )
                for t, v in choices
            ]
            shown = _Wrapping(message + "\n", _MESSAGE_INDENT)
            question = questionary.checkbox(
                shown,
                choices=options,
                validate=_wrapped_check(validate),
                instruction="(Space to tick, Enter when done)",
                qmark="",
                **self._io(),
            )
            _choice_keys(question.application, act_on=(BACK, HELP), ctrl_d_ends=self.ctrl_d_ends)
            _fit_to_screen(question.application)
            _message_under_label(question.application, shown)
            return question

        result: list[Any] = self._ask(make)
        return result

    def text(
        self, message: str, default: str, validate: Callable[[str], bool | str], instruction: str
    ) -> str:
        import questionary

        def make() -> Any:
            # The instruction on its own rows and the answer typed on the row below: typed
            # after a long instruction, it would start near the edge and break mid-word.
            shown = message + ("\n" + instruction if instruction else "")
            question = questionary.text(
                _Wrapping(shown + "\n", _MESSAGE_INDENT),
                default=default,
                validate=_wrapped_check(validate),
                qmark="",
                **self._io(),
            )
            _fit_to_screen(question.application)
            if not self.ctrl_d_ends:
                from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings

                keys = KeyBindings()
                _ctrl_d_is_a_key(keys)
                app: Any = question.application
                app.key_bindings = merge_key_bindings([app.key_bindings, keys])
            return question

        result: str = self._ask(make)
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
        intro: bool = True,
        confirm_leave: Callable[[], bool] | None = None,
    ) -> None:
        self.q = questionnaire
        self.prompter = prompter
        self.say = say
        self.values: dict[str, Any] = visible_answers(questionnaire, values or {})
        self.answered_on = answered_on or dt.date.today()
        self.on_change = on_change or (lambda _values: None)
        self.intro = intro
        # Asked on Ctrl-C: True leaves (Interrupted), False asks the same question again.
        self.confirm_leave = confirm_leave
        self.skipped: set[str] = set()
        self._section: str | None = None
        # One prompt for each way a kind of question is asked (Kind.prompt names it).
        self._prompts: dict[Prompt, Callable[[Question, str], Any]] = {
            "select": self._ask_select,
            "checkbox": self._ask_checkbox,
            "text": self._ask_text,
        }

    # ------------------------------------------------------------------ flow

    def run(self) -> Answers:
        try:
            return self._loop()
        except (KeyboardInterrupt, EOFError):
            raise Interrupted(self.values, "interrupted") from None
        except IdleTimeout:
            raise Interrupted(self.values, "idle") from None
        except (HangUp, OSError):
            # A closed terminal fails the next read or write with EIO: nothing more can be
            # asked, and every answer so far is kept.
            raise Interrupted(self.values, "hung up") from None

    def _loop(self) -> Answers:
        if self.intro and self.q.intro and not self.values:
            self.say(self.q.intro)
        question = self._next_unanswered()
        while True:
            if question is None:
                choice = self._unless_staying(self._review)
                if choice is STAY:
                    continue
                if choice is SUBMIT:
                    return self.answers()
                question = self._previous(None) if choice is BACK else self.q.by_id[str(choice)]
                continue
            result = self._unless_staying(functools.partial(self._ask, question))
            if result is STAY:
                continue
            if result is BACK:
                # Each Back steps one shown question further back; answering one then goes on
                # to the first question still unanswered (or the review).
                question = self._previous(question) or question
                continue
            self._record(question, result)
            question = self._next_unanswered()

    def _unless_staying(self, prompt: Callable[[], Any]) -> Any:
        """``prompt()``, or STAY when Ctrl-C was pressed and the person chose to stay."""
        try:
            return prompt()
        except KeyboardInterrupt:
            if self.confirm_leave is None or self.confirm_leave():
                raise
            return STAY

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

    def _previous(self, question: Question | None) -> Question | None:
        """The shown question before ``question`` (before the review when None), or None."""
        questions = self.q.questions
        before = questions if question is None else questions[: questions.index(question)]
        for earlier in reversed(before):
            if (earlier.id in self.values or earlier.id in self.skipped) and self.q.visible(
                earlier, self.values
            ):
                return earlier
        return None

    def _record(self, question: Question, result: Any) -> None:
        if result is SKIP:
            self.values.pop(question.id, None)
            self.skipped.add(question.id)
        else:
            self.values[question.id] = result
            self.skipped.discard(question.id)
        # An earlier answer can hide later questions: their answers are dropped.
        self.values = visible_answers(self.q, self.values)
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
            result = self._prompts[question.kind.prompt](question, message)
            if result is HELP:
                self.say(question.help or "There is no extra help for this question.")
                continue
            return result

    def _extras(self, question: Question) -> list[tuple[str, Any]]:
        extras: list[tuple[str, Any]] = [(SPECIAL_LABELS[s], s) for s in question.special_values]
        if question.help:
            extras.append((HELP_LABEL, HELP))
        if self._previous(question) is not None:
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

        specials = " / ".join(f"'{SPECIAL_LABELS[s]}'" for s in question.special_values)
        needed = "Press Space to tick at least one option, then Enter" + (
            f" (or tick {specials})." if specials else "."
        )

        def validate(selected: list[Any]) -> bool | str:
            if not selected:
                return needed if question.required else True
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
        first = self._previous(question) is None
        hints = ["type ? for help" if question.help else "", "" if first else "< to go back"]
        if specials:
            hints.append(" or ".join(f"'{SPECIAL_LABELS[s].lower()}'" for s in specials))
        shape = question.kind.hint(question)
        if shape:
            hints.insert(0, shape)
        instruction = "(" + ", ".join(h for h in hints if h) + ")"
        current = self.values.get(question.id)
        default = (
            ""
            if current is None
            else (SPECIAL_LABELS[current].lower() if current in SPECIAL_LABELS else str(current))
        )

        def interpret(raw: str) -> tuple[Any, str | None]:
            text = raw.strip()
            if default and text == default + "<":
                text = "<"  # typed after the answer already shown, which stays as it was
            if text == "<":
                return (None, "This is the first question.") if first else (BACK, None)
            if text == "?":
                return HELP, None
            if not text:
                if question.required:
                    extra = " (or 'not sure' / 'prefer not to say')" if specials else ""
                    return None, f"This question needs an answer{extra}."
                return SKIP, None
            value, error = parse_text_answer(question, text)
            if error is None and value is not None:
                error = date_bound_problem(question, value, self.answered_on)
            # The patient's wording: the words on screen rather than the file format's ids.
            return value, (None if error is None else error.text(plain=True))

        def validate(raw: str) -> bool | str:
            _value, error = interpret(raw)
            return True if error is None else error

        raw = self.prompter.text(message, default, validate, instruction)
        value, _error = interpret(raw)
        return value

    def _review(self) -> Any:
        choices: list[tuple[str, Any]] = [("Submit my answers", SUBMIT)]
        for question in self.q.questions:
            # Skipped optional questions are listed too, so they can still be answered.
            if self.q.visible(question, self.values):
                shown = display_value(question, self.values.get(question.id))
                # Whole, however long: the prompter wraps it, and a cut answer would hide
                # what is about to be submitted.
                choices.append((f"{question.label} -> {shown}", question.id))
        if self._previous(None) is not None:
            choices.append((BACK_LABEL, BACK))
        self.say("\n== Review ==")
        # The instructions are part of the prompt, which stays at the top of its rows while
        # the list scrolls under it: printed above, they would scroll away at 24 rows.
        return self.prompter.select(
            "Review your answers",
            choices,
            default=SUBMIT,
            instruction="(choose an answer to change it, or submit; arrows, then Enter)",
        )
