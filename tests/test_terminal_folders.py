"""Every folder the product creates is private (0700) at each level it creates, and a state
folder that is a symbolic link or another user's is refused, never written through
(issue 9, section 4)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from suitability import StorageError
from suitability.storage import make_private_folders, state_dir, write_private

from .screen_harness import EOF
from .terminal_steps import Runner, runner


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """The common umask, under which a plain mkdir gives 0755."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Runner:
    return runner(tmp_path, monkeypatch)


def mode(path: Path) -> str:
    return oct(path.stat().st_mode & 0o777)


def test_write_private__creates_every_missing_folder_0700(tmp_path: Path) -> None:
    write_private(tmp_path / "a" / "b" / "c" / "x.json", "{}")
    for folder in (tmp_path / "a", tmp_path / "a" / "b", tmp_path / "a" / "b" / "c"):
        assert mode(folder) == "0o700", folder


def test_make_private_folders__leaves_an_existing_folder_as_it_is(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o750)
    shared.chmod(0o750)
    make_private_folders(shared / "new")
    assert mode(shared) == "0o750" and mode(shared / "new") == "0o700"


def test_intake__creates_every_missing_parent_0700(run: Runner, tmp_path: Path) -> None:
    out = tmp_path / "clinic" / "2026" / "records"
    code, _prompter = run(["intake", "--out", str(out)], [EOF])  # a closed input closes it
    assert code == 0
    for folder in (tmp_path / "clinic", out.parent, out, out / "partial"):
        assert mode(folder) == "0o700", folder


def test_state_dir__missing_levels_are_created_0700(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "home" / "state"))
    folder = state_dir()
    for level in (tmp_path / "home", tmp_path / "home" / "state", folder):
        assert mode(level) == "0o700", level


def test_state_dir__a_symbolic_link_is_refused_and_its_target_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "elsewhere"
    target.mkdir()
    target.chmod(0o755)
    (tmp_path / "state").mkdir()
    (tmp_path / "state" / "suitability").symlink_to(target)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    with pytest.raises(StorageError, match="is a symbolic link; it is not used"):
        state_dir()
    assert mode(target) == "0o755"  # not chmodded through the link
    assert list(target.iterdir()) == []


def test_state_dir__another_users_folder_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "suitability").mkdir()
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    owner = tmp_path.stat().st_uid
    monkeypatch.setattr(os, "getuid", lambda: owner + 1)
    with pytest.raises(StorageError, match="belongs to another user; it is not used"):
        state_dir()


def test_screen__symlinked_state_folder_is_refused_before_the_first_question(
    run: Runner, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "elsewhere"
    target.mkdir()
    (tmp_path / "state").mkdir()
    (tmp_path / "state" / "suitability").symlink_to(target)
    code, prompter = run(["screen"], [])
    assert code == 1
    assert prompter.messages == []  # nothing was asked
    err = capsys.readouterr().err
    assert "state folder" in err and "is a symbolic link" in err and "XDG_STATE_HOME" in err
    assert list(target.iterdir()) == []
