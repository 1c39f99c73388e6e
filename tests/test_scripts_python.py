"""Every CPython from 3.10 that durable-rules 2.0.28 builds for (issue 14, section 1).

scripts/_env.sh picks the newest supported Python on the machine (or the one SUITABILITY_PYTHON
names), remakes an environment made with another interpreter, and on 3.13 builds durable-rules
with the define that version needs. Each case runs the script from a copy of the repository's
scripts and pyproject.toml, with a PATH holding only fake interpreters (shell scripts that answer
what the script asks) and the few tools it uses, so no real Python is looked at and nothing is
installed.

A durable-rules installed without the fix fails where its compiled module loads: a fake
`durable_rules_engine` first on sys.path fails there as the real one does, and the command and
the library say so in one line.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.conftest import ROOT

TOOLS = (
    "bash",
    "cat",
    "cp",
    "cut",
    "dirname",
    "grep",
    "head",
    "mkdir",
    "paste",
    "rm",
    "sed",
    "sha256sum",
)
TOOLS += ("sort", "tail", "touch", "tr")

FAKE_PYTHON = r"""#!/bin/sh
case "$*" in
    *sysconfig*) echo "gcc -pthread" ;;
    *"import durable"*) exit 1 ;;
    "-m venv "*) mkdir -p "$3/bin" && cp "$0" "$3/bin/python" ;;
    "-m pip "*) echo "CC=${CC-(unset)} $*" >>"$PIP_LOG" ;;
    *) printf '%s\t%s %s\t%s\n' "@VER@" "@FULL@" "/opt/python-@FULL@" "$0" ;;
esac
"""


class Machine:
    """A copy of the scripts and a PATH of fake interpreters and the tools the script needs."""

    def __init__(self, tmp_path: Path) -> None:
        self.repo = tmp_path / "repo"
        (self.repo / "scripts").mkdir(parents=True)
        shutil.copy(ROOT / "scripts" / "_env.sh", self.repo / "scripts" / "_env.sh")
        shutil.copy(ROOT / "pyproject.toml", self.repo / "pyproject.toml")
        self.bin = tmp_path / "bin"
        self.bin.mkdir()
        for tool in TOOLS:
            found = shutil.which(tool)
            assert found, tool
            (self.bin / tool).symlink_to(found)
        self.pyenv = tmp_path / "pyenv"
        self.pip_log = tmp_path / "pip.log"

    def python(self, name: str, full: str, where: Path | None = None) -> Path:
        """A fake interpreter reporting Python ``full`` (such as 3.13.0), named ``name``."""
        path = (where or self.bin) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        ver = ".".join(full.split(".")[:2])
        path.write_text(FAKE_PYTHON.replace("@VER@", ver).replace("@FULL@", full), encoding="utf-8")
        path.chmod(0o755)
        return path

    def pyenv_python(self, full: str) -> Path:
        ver = ".".join(full.split(".")[:2])
        return self.python(f"python{ver}", full, self.pyenv / "versions" / full / "bin")

    def run(self, script: str, **env: str) -> subprocess.CompletedProcess[str]:
        full_env = {
            "PATH": str(self.bin),
            "HOME": str(self.repo.parent),
            "PYENV_ROOT": str(self.pyenv),
            "PIP_LOG": str(self.pip_log),
            **env,
        }
        return subprocess.run(
            [str(self.bin / "bash"), "-c", f"source scripts/_env.sh\n{script}"],
            cwd=self.repo,
            env=full_env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
        )

    def pip_calls(self) -> list[str]:
        return self.pip_log.read_text(encoding="utf-8").splitlines()


CHOSEN = 'echo "newest=$newest second=$second python=${pythons[$newest]}"'


@pytest.fixture
def machine(tmp_path: Path) -> Machine:
    return Machine(tmp_path)


def test_the_supported_range_is_stated_alike_in_the_script_pyproject_and_the_package() -> None:
    script = (ROOT / "scripts" / "_env.sh").read_text(encoding="utf-8")
    low = re.search(r"^min_minor=(\d+)$", script, re.M)
    high = re.search(r"^max_minor=(\d+)$", script, re.M)
    assert low and high
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'requires-python = ">=3.{low[1]},<3.{int(high[1]) + 1}"' in pyproject
    package = (ROOT / "suitability" / "__init__.py").read_text(encoding="utf-8")
    assert f"(3, {low[1]}) <= _sys.version_info[:2] <= (3, {high[1]})" in package
    assert (low[1], high[1]) == ("10", "13")


def test_the_newest_supported_python_is_chosen_and_python3_is_tested_too(
    machine: Machine,
) -> None:
    machine.python("python3.9", "3.9.18")
    machine.python("python3.10", "3.10.13")
    machine.python("python3.11", "3.11.7")
    own = machine.python("python3", "3.11.2")
    newest = machine.python("python3.13", "3.13.0")
    machine.python("python3.14", "3.14.1")
    machine.pyenv_python("3.12.1")
    done = machine.run(CHOSEN + '\necho "second python=${pythons[$second]}"')
    assert (done.returncode, done.stdout, done.stderr) == (
        0,
        f"newest=3.13 second=3.11 python={newest}\nsecond python={own}\n",
        "",
    )


def test_a_python_found_only_under_pyenv_counts(machine: Machine) -> None:
    machine.python("python3", "3.11.7")
    newest = machine.pyenv_python("3.13.0")
    machine.pyenv_python("3.12.1")
    done = machine.run(CHOSEN)
    assert (done.returncode, done.stdout) == (0, f"newest=3.13 second=3.11 python={newest}\n")


def test_pyenv_shims_are_not_run_but_the_interpreters_behind_them_are_found(
    machine: Machine,
) -> None:
    # A shim runs pyenv, which takes a while, and fails for a version that is not selected.
    shims = machine.pyenv / "shims"
    shims.mkdir(parents=True)
    ran = machine.repo.parent / "shim-ran"
    shim = shims / "python3.13"
    shim.write_text(f'#!/bin/sh\necho "$0" >>"{ran}"\nexit 127\n', encoding="utf-8")
    shim.chmod(0o755)
    machine.python("python3", "3.11.2")
    newest = machine.pyenv_python("3.13.0")
    done = machine.run(CHOSEN, PATH=f"{shims}:{machine.bin}")
    assert (done.returncode, done.stdout) == (0, f"newest=3.13 second=3.11 python={newest}\n")
    assert not ran.exists()


def test_when_python3_is_the_newest_the_oldest_is_tested_too(machine: Machine) -> None:
    machine.python("python3.10", "3.10.13")
    newest = machine.python("python3", "3.13.1")
    done = machine.run(CHOSEN)
    assert (done.returncode, done.stdout) == (0, f"newest=3.13 second=3.10 python={newest}\n")


def test_only_newer_pythons_found_names_them_and_the_verified_range(machine: Machine) -> None:
    machine.python("python3", "3.14.0")
    machine.python("python3.14", "3.14.0")
    machine.python("python3.9", "3.9.18")
    machine.pyenv_python("3.15.0")
    done = machine.run(CHOSEN)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        "suitability is verified on Python 3.10-3.13, and only newer ones were found: "
        f"3.14 ({machine.bin}/python3.14), 3.15 ({machine.pyenv}/versions/3.15.0/bin/python3.15); "
        "install a Python 3.10-3.13 (or name one with SUITABILITY_PYTHON).\n"
    )


def test_suitability_python_chooses_one_explicitly(machine: Machine) -> None:
    chosen = machine.python("python3.10", "3.10.13")
    machine.python("python3.13", "3.13.0")
    done = machine.run(CHOSEN, SUITABILITY_PYTHON="python3.10")
    assert (done.returncode, done.stdout, done.stderr) == (
        0,
        f"newest=3.10 second= python={chosen}\n",
        "",
    )


def test_suitability_python_naming_an_unsupported_python_is_refused(machine: Machine) -> None:
    machine.python("python3.13", "3.13.0")
    machine.python("python3.14", "3.14.0")
    done = machine.run(CHOSEN, SUITABILITY_PYTHON="python3.14")
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        "SUITABILITY_PYTHON names python3.14, which is Python 3.14; suitability supports "
        "Python 3.10-3.13 (durable-rules 2.0.28 is verified on those).\n"
    )


def test_suitability_python_naming_nothing_that_runs_is_refused(machine: Machine) -> None:
    machine.python("python3.13", "3.13.0")
    done = machine.run(CHOSEN, SUITABILITY_PYTHON="/nowhere/python")
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        "SUITABILITY_PYTHON names /nowhere/python, which does not run; name a Python "
        "3.10-3.13, or unset it to use the newest one found.\n"
    )


def test_a_venv_made_with_another_interpreter_is_rebuilt_once(machine: Machine) -> None:
    newest = machine.python("python3.13", "3.13.0")
    machine.python("python3.12", "3.12.1", machine.repo / ".venv" / "bin").rename(
        machine.repo / ".venv" / "bin" / "python"
    )
    done = machine.run("main_venv")
    assert (done.returncode, done.stdout) == (0, ".venv\n")
    assert done.stderr.splitlines() == [
        f"Rebuilding .venv with Python 3.13.0 ({newest}): it was made with Python 3.12.1 "
        "(/opt/python-3.12.1).",
        "Setting up .venv with Python 3.13 (first run only)...",
    ]
    made = subprocess.run(
        [str(machine.repo / ".venv" / "bin" / "python"), "-c", "import sys"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert made.stdout.split("\t")[1] == "3.13.0 /opt/python-3.13.0"
    again = machine.run("main_venv")
    assert (again.returncode, again.stdout, again.stderr) == (0, ".venv\n", "")


def test_a_venv_that_no_longer_runs_is_rebuilt(machine: Machine) -> None:
    newest = machine.python("python3.11", "3.11.7")
    (machine.repo / ".venv" / "bin").mkdir(parents=True)
    done = machine.run("main_venv")
    assert (done.returncode, done.stdout) == (0, ".venv\n")
    assert done.stderr.splitlines()[0] == (
        f"Rebuilding .venv with Python 3.11.7 ({newest}): it was made with an interpreter "
        "that no longer runs."
    )


def test_the_second_python_gets_its_own_venv(machine: Machine) -> None:
    machine.python("python3.13", "3.13.0")
    machine.python("python3", "3.11.2")
    done = machine.run('venv_for "$second"')
    assert (done.returncode, done.stdout) == (0, ".venv-3.11\n")
    assert not (machine.repo / ".venv").exists()


DURABLE = (
    "-m pip install --quiet --disable-pip-version-check --no-cache-dir --no-binary "
    "durable-rules --force-reinstall --no-deps durable-rules==2.0.28"
)
PIP = "-m pip install --quiet --disable-pip-version-check"


def test_on_3_13_durable_rules_is_built_first_with_the_define_bypassing_pips_cache(
    machine: Machine,
) -> None:
    machine.python("python3.13", "3.13.0")
    done = machine.run("main_venv")
    assert done.returncode == 0, done.stderr
    assert machine.pip_calls() == [
        f"CC=(unset) {PIP} --upgrade pip",
        f"CC=gcc -pthread -DPyEval_CallObject=PyObject_CallObject {DURABLE}",
        f"CC=(unset) {PIP} -e .[dev]",
    ]


def test_on_3_13_the_compiler_the_person_set_is_kept(machine: Machine) -> None:
    machine.python("python3.13", "3.13.0")
    done = machine.run("main_venv", CC="clang")
    assert done.returncode == 0, done.stderr
    assert machine.pip_calls()[1] == f"CC=clang -DPyEval_CallObject=PyObject_CallObject {DURABLE}"


def test_durable_rules_is_built_as_usual_before_3_13(machine: Machine) -> None:
    machine.python("python3.12", "3.12.1")
    done = machine.run("main_venv")
    assert done.returncode == 0, done.stderr
    assert machine.pip_calls() == [f"CC=(unset) {PIP} --upgrade pip", f"CC=(unset) {PIP} -e .[dev]"]


# --------------------------------------------------------------------------- a durable-rules
# built without the fix

LINKER = (
    "/x/durable_rules_engine.cpython-313-x86_64-linux-gnu.so: undefined symbol: PyEval_CallObject"
)


def broken_durable(tmp_path: Path) -> dict[str, str]:
    """An environment whose durable-rules fails to import as an unfixed build does on 3.13:
    its compiled module, which `durable.engine` imports first, cannot be loaded."""
    fake = tmp_path / "fake"
    fake.mkdir()
    (fake / "durable_rules_engine.py").write_text(f"raise ImportError({LINKER!r})\n", "utf-8")
    env = {k: v for k, v in os.environ.items() if k != "CC"}
    env["PYTHONPATH"] = str(fake)
    return env


def expected_message(compiler: str) -> str:
    cc = shlex.quote(f"{compiler} -DPyEval_CallObject=PyObject_CallObject")
    return (
        "durable-rules: built without the fix this Python needs (it calls PyEval_CallObject, "
        "which Python 3.13 removed); rebuild it with: "
        f"CC={cc} {shlex.quote(sys.executable)} -m pip install --no-cache-dir --no-binary "
        "durable-rules --force-reinstall --no-deps durable-rules==2.0.28"
    )


def test_the_command_says_in_one_line_how_to_rebuild_durable_rules(tmp_path: Path) -> None:
    env = broken_durable(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "suitability", "assess", "examples/carlos-blood-thinner.json"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    compiler = sysconfig.get_config_var("CC") or "cc"
    assert (done.returncode, done.stdout, done.stderr) == (
        1,
        "",
        expected_message(compiler) + "\n",
    )


def test_the_library_raises_import_error_with_that_line_and_the_set_compiler(
    tmp_path: Path,
) -> None:
    env = broken_durable(tmp_path)
    env["CC"] = "my-cc --flag"
    code = (
        "from suitability import assess\n"
        "try:\n"
        "    assess({'age': 30})\n"
        "except ImportError as exc:\n"
        "    print(exc.__cause__ is None and exc.__suppress_context__)\n"
        "    print(exc)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == f"True\n{expected_message('my-cc --flag')}\n"


@pytest.mark.parametrize(
    "command",
    [
        ["screen"],
        ["intake", "--out", "{tmp}/intakes"],
        ["serve", "--port", "0", "--db", "{tmp}/records.db"],
        ["batch", "examples/carlos-blood-thinner.json", "--out", "{tmp}/out.jsonl"],
    ],
    ids=["screen", "intake", "serve", "batch"],
)
def test_commands_that_assess_later_say_it_before_asking_or_writing_anything(
    tmp_path: Path, command: list[str]
) -> None:
    env = broken_durable(tmp_path)
    env["XDG_STATE_HOME"] = str(tmp_path / "state")
    done = subprocess.run(
        [sys.executable, "-m", "suitability", *(a.format(tmp=tmp_path) for a in command)],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    compiler = sysconfig.get_config_var("CC") or "cc"
    assert (done.returncode, done.stdout, done.stderr) == (
        1,
        "",
        expected_message(compiler) + "\n",
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fake"]
