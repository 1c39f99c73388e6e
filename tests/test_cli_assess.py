"""`suitability assess` and `suitability rules` from the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from suitability.cli import main

from .conftest import EXAMPLES, ROOT


def example(prefix: str) -> str:
    return str(next(p for p in EXAMPLES if p.name.startswith(prefix)))


def test_assess_json__is_the_assessment(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", example("beth"), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {v["verdict"] for v in data["verdicts"].values()} == {"avoid_until_reviewed"}
    assert data["questionnaire"]["id"] == "facial_mesotherapy"
    assert data["rules"]["content_hash"].startswith("sha256:")


def test_assess_markdown__reads_as_a_report(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", example("amira"), "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Pre-consultation screening")
    assert "| Mesotherapy | Worth discussing |" in out
    assert "## What to expect from mesotherapy" in out
    assert "fade within one to two weeks" in out


def test_assess_text__writes_verdicts_in_words_without_colour(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The cache folder is named, so that the command's cache is not written to the home folder.
    env = {"NO_COLOR": "1", "PATH": "", "XDG_CACHE_HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "suitability", "assess", example("eve")],
        capture_output=True, text=True, cwd=ROOT, check=False, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    # Eve's event in ten days is a plan: it never raises a verdict, it gives each fit.
    assert "Discuss with caution" in result.stdout
    assert "Not advisable" not in result.stdout
    assert "Does not fit what you said" in result.stdout
    assert "\x1b[" not in result.stdout


def test_assess_from_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io

    text = (ROOT / "examples" / "carlos-blood-thinner.json").read_text(encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    assert main(["assess", "-", "--format", "json"]) == 0
    assert (
        json.loads(capsys.readouterr().out)["verdicts"]["dermal_fillers"]["verdict"]
        == "avoid_until_reviewed"
    )


def test_assess_invalid_answers__exit_1_with_the_validation_messages() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "suitability", "assess", str(ROOT / "tests" / "data" / "one-wrong-value.yaml")],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "error: one-wrong-value.yaml: answers.pregnant: expected 'yes' or 'no' "
        "(or 'not_sure' or 'prefer_not_to_say'), got 'maybe'"
    )


def test_assess_missing_file__exit_1_without_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", "no-such-file.yaml"]) == 1
    err = capsys.readouterr().err
    assert "no-such-file.yaml: cannot read the file" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("fmt", "marker"),
    [("text", "c_pregnant"), ("markdown", "| `c_pregnant` |"), ("json", '"c_pregnant"')],
)
def test_rules__prints_the_catalogue(
    capsys: pytest.CaptureFixture[str], fmt: str, marker: str
) -> None:
    assert main(["rules", "--format", fmt]) == 0
    assert marker in capsys.readouterr().out


def test_internal_error__is_one_line_and_exit_70(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import suitability.assessment

    def explode(*_a: object, **_k: object) -> None:
        raise RuntimeError("unexpected")

    monkeypatch.setattr(suitability.assessment, "assess", explode)
    assert main(["assess", example("amira")]) == 70
    err = capsys.readouterr().err
    assert err.startswith("internal error: RuntimeError: unexpected") and "Traceback" not in err
