"""What a command loads (issue 14, cold start): `suitability assess FILE --format json` loads no
web framework, FHIR models, terminal libraries, babel, httpx, and, with the shipped
questionnaire cached and a JSON answers file, not even the YAML reader; the public API works
from the cache as it did from the YAML."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
JSON_EXAMPLE = ROOT / "examples" / "carlos-blood-thinner.json"

#: Top-level packages `assess --format json` must not load.
NOT_FOR_JSON = {
    "fastapi",
    "starlette",
    "uvicorn",
    "jinja2",
    "multipart",
    "python_multipart",
    "fhir",
    "fhir_core",
    "questionary",
    "prompt_toolkit",
    "rich",
    "markdown_it",
    "babel",
    "httpx",
    "ruamel",
}

# Runs the command's entry point in this interpreter and writes the top-level packages it
# loaded to the file named first, once it has finished.
AUDIT = """
import atexit, sys
out = sys.argv[1]
def report():
    with open(out, "w", encoding="utf-8") as handle:
        handle.write("\\n".join(sorted(sys.modules)))
atexit.register(report)
sys.argv = ["suitability", *sys.argv[2:]]
from suitability._entry import main
raise SystemExit(main())
"""


def _loaded(tmp_path: Path, *args: str) -> tuple[set[str], str]:
    out = tmp_path / "modules.txt"
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    result = subprocess.run(
        [sys.executable, "-c", AUDIT, str(out), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return set(out.read_text(encoding="utf-8").split()), result.stdout


def _packages(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


def test_assess_as_json_loads_only_what_it_needs(tmp_path: Path) -> None:
    args = ("assess", str(JSON_EXAMPLE), "--format", "json")
    _first, first_out = _loaded(tmp_path, *args)  # fills the cache
    loaded, out = _loaded(tmp_path, *args)
    assert _packages(loaded) & NOT_FOR_JSON == set()
    assert {"pydantic", "durable"} <= _packages(loaded)
    # Nor the other commands' modules: `assess` is parsed without building their parsers.
    others = {"_cli_screen", "_cli_records", "_cli_batch", "_cli_web", "_cli_fhir", "storage"}
    assert {f"suitability.{name}" for name in others} & loaded == set()
    assert out == first_out
    assert json.loads(out)["verdicts"]


EMBED = """
import json, sys
from suitability import __all__, assess, default_questionnaire, validate_answers
import suitability
result = assess({"age": 34, "goals": ["fine_lines"], "pregnant": "no"})
print(json.dumps({
    "all": sorted(__all__),
    "verdict": result.verdicts["mesotherapy"].verdict,
    "questionnaire": default_questionnaire().content_hash,
    "json": result.to_json(),
    "yaml_reader": "ruamel" in {name.split(".")[0] for name in sys.modules},
}))
"""


def test_the_public_api_from_the_cache_needs_no_yaml_reader(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}

    def embed() -> dict[str, object]:
        run = subprocess.run(
            [sys.executable, "-c", EMBED], capture_output=True, text=True, env=env, check=True
        )
        data: dict[str, object] = json.loads(run.stdout)
        return data

    first, cached = embed(), embed()
    import suitability

    assert first["all"] == cached["all"] == sorted(suitability.__all__)
    assert first["yaml_reader"] is True  # the full load reads the YAML
    assert cached["yaml_reader"] is False
    for key in ("verdict", "questionnaire", "json"):
        assert first[key] == cached[key]


@pytest.mark.parametrize(
    "argv",
    [["assess", "--help"], ["validate", "--help"], ["rules", "--help"], ["schema", "--help"],
     ["assess"], ["assess", "x", "--bogus"], ["assess", "x", "--format", "nope"]],
)  # fmt: skip
def test_a_command_alone_parses_and_words_its_errors_as_the_whole_parser(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    from suitability.cli import build_parser

    said = []
    for parser in (build_parser(), build_parser(argv[0])):
        with pytest.raises(SystemExit) as stopped:
            parser.parse_args(argv)
        said.append((stopped.value.code, capsys.readouterr()))
    assert said[0] == said[1]
