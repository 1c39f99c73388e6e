"""scripts/_env.sh's `browser_for_tests`, which the README's test command runs before the tests:
the system's Chromium, or one SUITABILITY_CHROMIUM names; installed through apt-get when missing
and run as root; otherwise one line naming what to install.

Each case sources the script in bash and replaces what it asks the machine (is Chromium there,
who am I, apt-get) with shell functions, so nothing is installed and no network is used."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.conftest import ROOT

NEEDS_CHROMIUM = (
    "The browser tests need Chromium: install the 'chromium' package (sudo apt-get install "
    "chromium), or set SUITABILITY_CHROMIUM to a Chromium executable.\n"
)


def run(script: str, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {
        k: v for k, v in os.environ.items() if k not in ("SUITABILITY_CHROMIUM", "DEBIAN_FRONTEND")
    }
    full_env.update(env)
    return subprocess.run(
        [
            "bash",
            "-c",
            f'source scripts/_env.sh\n{script}\nbrowser_for_tests\necho "using $SUITABILITY_CHROMIUM"',
        ],
        cwd=ROOT,
        env=full_env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )


def fake_chromium(tmp_path: Path) -> Path:
    chromium = tmp_path / "my-chromium"
    chromium.write_text("#!/bin/sh\n", encoding="utf-8")
    chromium.chmod(0o755)
    return chromium


def test_the_system_chromium_is_used_and_exported(tmp_path: Path) -> None:
    chromium = fake_chromium(tmp_path)
    done = run(f'_system_chromium() {{ echo "{chromium}"; }}\napt-get() {{ echo called; }}')
    assert (done.returncode, done.stdout, done.stderr) == (0, f"using {chromium}\n", "")


def test_a_named_chromium_wins(tmp_path: Path) -> None:
    chromium = fake_chromium(tmp_path)
    done = run("_system_chromium() { :; }", SUITABILITY_CHROMIUM=str(chromium))
    assert (done.returncode, done.stdout, done.stderr) == (0, f"using {chromium}\n", "")


def test_a_named_chromium_that_is_not_there_stops(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "chromium"
    done = run("", SUITABILITY_CHROMIUM=str(missing))
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == (
        f"SUITABILITY_CHROMIUM names {missing}, which is not an executable; point it at a "
        "Chromium, or unset it to use the system's.\n"
    )


def test_without_chromium_and_root_one_line_names_what_to_install() -> None:
    done = run("_system_chromium() { :; }\nid() { echo 1000; }\napt-get() { echo called; }")
    assert (done.returncode, done.stdout, done.stderr) == (1, "", NEEDS_CHROMIUM)


def test_as_root_without_apt_get_one_line_names_what_to_install() -> None:
    done = run("_system_chromium() { :; }\nid() { echo 0; }\ncommand() { return 1; }")
    assert (done.returncode, done.stdout, done.stderr) == (1, "", NEEDS_CHROMIUM)


def test_as_root_chromium_is_installed_quietly_through_apt_get(tmp_path: Path) -> None:
    chromium = fake_chromium(tmp_path)
    calls = tmp_path / "calls"
    done = run(
        f"""
id() {{ echo 0; }}
_system_chromium() {{ if [ -f "{calls}" ]; then echo "{chromium}"; fi; }}
apt-get() {{ echo "DEBIAN_FRONTEND=${{DEBIAN_FRONTEND:-}} $*" >>"{calls}"; echo "apt chatter"; }}
"""
    )
    assert (done.returncode, done.stdout) == (0, f"using {chromium}\n")
    assert (
        done.stderr == "Installing Chromium for the browser tests (apt-get install chromium)...\n"
    )
    assert calls.read_text(encoding="utf-8").splitlines() == [
        "DEBIAN_FRONTEND= update -qq",
        "DEBIAN_FRONTEND=noninteractive install -y -qq chromium",
    ]


def test_a_failed_install_stops_with_apt_gets_last_line() -> None:
    done = run(
        "id() { echo 0; }\n_system_chromium() { :; }\n"
        'apt-get() { echo "Reading package lists..."; echo "E: Unable to locate package chromium"; return 100; }'
    )
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == (
        "Installing Chromium for the browser tests (apt-get install chromium)...\n"
        "Installing Chromium with apt-get failed (E: Unable to locate package chromium); "
        "install the 'chromium' package, or set SUITABILITY_CHROMIUM to a Chromium executable.\n"
    )
