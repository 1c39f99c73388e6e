"""Files are written atomically, private to their owner, and never over an existing file."""

from __future__ import annotations

from pathlib import Path

import pytest

from suitability import StorageError
from suitability.storage import state_dir, unique_path, write_private


def test_write_private__creates_a_0600_file(tmp_path: Path) -> None:
    path = write_private(tmp_path / "deep" / "a.json", "{}\n")
    assert path.read_text(encoding="utf-8") == "{}\n"
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert [p.name for p in path.parent.iterdir()] == ["a.json"]  # no temporary file left


def test_write_private__never_overwrites_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "handout.md"
    target.write_text("mine", encoding="utf-8")
    with pytest.raises(StorageError, match="already exists; it was left unchanged"):
        write_private(target, "new")
    assert target.read_text(encoding="utf-8") == "mine"
    assert [p.name for p in tmp_path.iterdir()] == ["handout.md"]


def test_write_private__replace_is_atomic_for_owned_files(tmp_path: Path) -> None:
    target = write_private(tmp_path / "autosave.json", "1")
    write_private(target, "2", replace=True)
    assert target.read_text(encoding="utf-8") == "2"
    assert oct(target.stat().st_mode & 0o777) == "0o600"


def test_write_private__unwritable_folder_is_a_storage_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(StorageError, match="cannot create the folder"):
        write_private(blocker / "x.json", "{}")


def test_unique_path__picks_the_first_free_name(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("", encoding="utf-8")
    (tmp_path / "a-2.md").write_text("", encoding="utf-8")
    assert unique_path(tmp_path / "a.md") == tmp_path / "a-3.md"
    assert unique_path(tmp_path / "b.md") == tmp_path / "b.md"


def test_state_dir__is_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    folder = state_dir()
    assert folder == tmp_path / "suitability"
    assert oct(folder.stat().st_mode & 0o777) == "0o700"
