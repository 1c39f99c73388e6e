"""The cache of the checked shipped questionnaire and rule set (issue 14, cold start): a hit
gives exactly what the full load gives, and anything wrong with the cache means the full load,
silently; the cache is private and holds no answer."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from suitability import _shipped
from suitability.questionnaire import Questionnaire, default_questionnaire_path, load_questionnaire
from suitability.rules.model import RuleSet, default_rules_path, load_rules

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "amira-hydration.yaml"


@pytest.fixture
def fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A process that has not looked at the cache yet, with an empty cache folder."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(_shipped, "_STATE", {})
    yield tmp_path / "cache" / "suitability"


@pytest.fixture(scope="module")
def full() -> tuple[Questionnaire, RuleSet]:
    return load_questionnaire(default_questionnaire_path()), load_rules(default_rules_path())


def _fill(full: tuple[Questionnaire, RuleSet], monkeypatch: pytest.MonkeyPatch) -> Path:
    """Misses, writes the cache as a full load does, and forgets that it looked."""
    assert _shipped.cached() is None
    _shipped.remember(*full)
    monkeypatch.setattr(_shipped, "_STATE", {})
    return _shipped.cache_path()


def test_a_hit_is_the_full_load(
    fresh: Path, full: tuple[Questionnaire, RuleSet], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _fill(full, monkeypatch)
    assert path.parent == fresh
    hit = _shipped.cached()
    assert hit is not None
    questionnaire, rules = hit
    assert questionnaire == full[0]
    assert questionnaire.content_hash == full[0].content_hash
    assert questionnaire.model_dump() == full[0].model_dump()
    assert [q._locale for q in questionnaire.questions] == [q._locale for q in full[0].questions]
    assert rules == full[1]
    assert [r._via for r in rules.rules] == [r._via for r in full[1].rules]
    assert rules.source == full[1].source == "facial.yaml"
    # A misfit in the rule file is still located by line.
    assert rules.positions is not None and full[1].positions is not None
    assert rules.positions.items() == full[1].positions.items()
    assert rules.evaluate({"pregnant": "yes", "goals": ["fine_lines"]}) == full[1].evaluate(
        {"pregnant": "yes", "goals": ["fine_lines"]}
    )


def test_the_cache_is_private_and_replaced_whole(
    fresh: Path, full: tuple[Questionnaire, RuleSet], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _fill(full, monkeypatch)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in fresh.iterdir()) == [path.name]  # no temporary file left


def _corrupt(path: Path, how: str) -> None:
    text = path.read_text(encoding="utf-8")
    data = json.loads(text)
    if how == "garbage":
        path.write_bytes(b"\x00\xffnot json at all")
    elif how == "truncated":
        path.write_text(text[: len(text) // 2], encoding="utf-8")
    elif how == "empty":
        path.write_text("", encoding="utf-8")
    elif how == "a list":
        path.write_text("[1, 2, 3]", encoding="utf-8")
    elif how == "another package version":
        data["key"]["package"] = "0.0.1"
        path.write_text(json.dumps(data), encoding="utf-8")
    elif how == "another yaml":
        data["key"]["yaml"] = "0" * 64
        path.write_text(json.dumps(data), encoding="utf-8")
    elif how == "older code":
        data["key"]["code"] = "0" * 64
        path.write_text(json.dumps(data), encoding="utf-8")
    elif how == "another python":
        data["key"]["python"] = "2.7.18"
        path.write_text(json.dumps(data), encoding="utf-8")
    elif how == "no questionnaire":
        del data["questionnaire"]
        path.write_text(json.dumps(data), encoding="utf-8")
    elif how == "a questionnaire of another shape":
        data["questionnaire"]["sections"] = "none"
        path.write_text(json.dumps(data), encoding="utf-8")
    elif how == "an edited questionnaire":
        data["questionnaire"]["title"] = "Something else"
        path.write_text(json.dumps(data), encoding="utf-8")
    elif how == "rules of another shape":
        data["rules"]["rules"][0]["effects"]["mesotherapy"] = "Z"
        path.write_text(json.dumps(data), encoding="utf-8")
    elif how == "positions of another shape":
        data["rule_positions"] = [["rules", 3]]
        path.write_text(json.dumps(data), encoding="utf-8")
    elif how == "readable by others":
        path.chmod(0o644)
    elif how == "unreadable":
        path.unlink()
        path.mkdir()
    else:  # pragma: no cover - a typo in a parameter
        raise AssertionError(how)


@pytest.mark.parametrize(
    "how",
    [
        "garbage",
        "truncated",
        "empty",
        "a list",
        "another package version",
        "another yaml",
        "older code",
        "another python",
        "no questionnaire",
        "a questionnaire of another shape",
        "an edited questionnaire",
        "rules of another shape",
        "positions of another shape",
        "readable by others",
        "unreadable",
    ],
)
def test_anything_wrong_with_the_cache_means_the_full_load(
    how: str,
    fresh: Path,
    full: tuple[Questionnaire, RuleSet],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = _fill(full, monkeypatch)
    _corrupt(path, how)
    assert _shipped.cached() is None


def test_a_cache_folder_that_is_a_link_is_neither_read_nor_written(
    tmp_path: Path, full: tuple[Questionnaire, RuleSet], monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    monkeypatch.setenv("XDG_CACHE_HOME", str(elsewhere))
    monkeypatch.setattr(_shipped, "_STATE", {})
    path = _fill(full, monkeypatch)
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "suitability").symlink_to(path.parent)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert _shipped.cached() is None
    path.unlink()
    _shipped.remember(*full)
    assert not path.exists()


def test_an_unwritable_cache_folder_changes_nothing(
    tmp_path: Path, full: tuple[Questionnaire, RuleSet], monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    monkeypatch.setattr(_shipped, "_STATE", {})
    assert _shipped.cached() is None
    _shipped.remember(*full)  # no exception: the cache is simply not written
    assert blocker.read_text(encoding="utf-8") == "not a folder"


def test_a_cache_that_cannot_be_encoded_is_not_written(
    fresh: Path, full: tuple[Questionnaire, RuleSet]
) -> None:
    # A lone surrogate has no UTF-8 form: the write fails, and only the cache is missed.
    odd = full[0].model_copy(update={"title": "Screening \ud800"})
    assert _shipped.cached() is None
    _shipped.remember(odd, full[1])
    assert not fresh.exists() or list(fresh.iterdir()) == []


def _command(cache: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    return subprocess.run(
        [sys.executable, "-m", "suitability", *args],
        capture_output=True,
        text=True,
        env=env,
        input=stdin,
        cwd=ROOT,
        check=False,
    )


def test_the_command_says_the_same_from_the_cache_and_without_it(tmp_path: Path) -> None:
    args = ("assess", str(EXAMPLE), "--format", "json")
    blocked = tmp_path / "blocked"
    blocked.write_text("", encoding="utf-8")
    without = _command(blocked, *args)  # the cache cannot be written: a full load each time
    miss = _command(tmp_path / "cache", *args)
    cache_file = next((tmp_path / "cache" / "suitability").glob("shipped-*.json"))
    hit = _command(tmp_path / "cache", *args)
    cache_file.write_text('{"key": {"format": 1}', encoding="utf-8")  # torn
    torn = _command(tmp_path / "cache", *args)
    assert without.returncode == miss.returncode == hit.returncode == torn.returncode == 0
    assert without.stdout == miss.stdout == hit.stdout == torn.stdout
    assert without.stderr == miss.stderr == hit.stderr == torn.stderr == ""
    assert json.loads(cache_file.read_text(encoding="utf-8"))["key"]["format"] == 1  # rewritten


def test_no_answer_is_ever_in_the_cache(tmp_path: Path) -> None:
    secret = "Zebra-quartz 4711 private note"
    answers = {"answers": {"age": 41, "goals": ["fine_lines"], "notes": secret}}
    result = _command(
        tmp_path / "cache", "assess", "-", "--format", "json", stdin=json.dumps(answers)
    )
    assert result.returncode == 0, result.stderr
    files = [p for p in (tmp_path / "cache").rglob("*") if p.is_file()]
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert secret not in text
        assert '"answers"' not in text


def test_a_questionnaire_file_keeps_its_located_problems_once_the_cache_is_there(
    tmp_path: Path,
) -> None:
    cache = tmp_path / "cache"
    assert _command(cache, "assess", str(EXAMPLE), "--format", "json").returncode == 0
    broken = tmp_path / "form.yaml"
    broken.write_text(
        default_questionnaire_path().read_text(encoding="utf-8").replace("id: ", "idd: ", 1),
        encoding="utf-8",
    )
    result = _command(cache, "validate", str(broken))
    assert result.returncode == 1
    assert "form.yaml" in result.stderr and "line " in result.stderr
