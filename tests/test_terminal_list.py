"""``intake --list`` shows text from files as text: a bracket in a record's id, a file name or
the folder's name is never read as rich markup (issue 9, section 2: ``x[/]y`` exited 70)."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from suitability.cli import main


@pytest.mark.parametrize("terminal", [False, True])
def test_list__markup_in_ids_file_and_folder_names_is_shown_as_it_is(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    terminal: bool,
) -> None:
    folder = tmp_path / "rec[bold]ords"  # a file name cannot hold "/"
    (folder / "partial").mkdir(parents=True)
    record = {
        "id": "x[/]y",
        "finished": "2026-11-30T10:00:00",
        "assessment": {
            "verdicts": {"mesotherapy": {"verdict": "worth_discussing"}},
            "flags": [{"title": "Bleeding [red]risk[/red]"}],
        },
    }
    (folder / "x.json").write_text(json.dumps(record), encoding="utf-8")
    (folder / "a[red]b.json").write_text("{not json", encoding="utf-8")
    partial = {"id": "p[/i]q", "reason": "[/]", "answers": {"answers": {"age": 40}}}
    (folder / "partial" / "p.json").write_text(json.dumps(partial), encoding="utf-8")
    if terminal:
        monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
        monkeypatch.setattr(shutil, "get_terminal_size", lambda: os.terminal_size((200, 24)))
    assert main(["intake", "--list", str(folder)]) == 0
    captured = capsys.readouterr()
    shown = captured.out
    assert "internal error" not in captured.err
    for text in ("x[/]y", "a[red]b.json", "p[/i]q", "PARTIAL ([/])"):
        assert text in shown, text
    assert f"Intakes in {folder}" in shown
    assert "3 intake(s): 1 complete, 1 partial." in captured.out
