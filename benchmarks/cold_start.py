"""Cold start of `suitability assess`: CPU time against `python -c pass`, in the same run.

Issue 14 targets, as the child's CPU time (user + system, from getrusage(RUSAGE_CHILDREN) deltas,
the median of --repeat runs) divided by that of `python -c pass` run alternately with it:
`suitability assess EXAMPLE --format json` at most 20x, the default text format at most 25x.
CPU time rather than wall-clock, so that other load on a shared machine does not move the
figures much; the load is printed beside them all the same.

The commands run with a cache folder of their own (XDG_CACHE_HOME in a temporary folder): one
run first fills the cache of the shipped questionnaire and rules, as any earlier command would
have, and its CPU time is printed as well, without a target (a cache miss). They run without
PYTHONDONTWRITEBYTECODE, as an installed package does (its bytecode written once).

Run: .venv/bin/python benchmarks/cold_start.py [--repeat N] [--example FILE]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_EXAMPLE = ROOT / "examples" / "amira-hydration.yaml"
TARGETS = {"json": 20.0, "text": 25.0}


def _command() -> list[str]:
    # The console script people run, when the interpreter's environment has it.
    script = Path(sys.executable).parent / "suitability"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "suitability"]


def _cpu(command: Sequence[str], env: dict[str, str]) -> float:
    """The CPU seconds (user + system) of one run of ``command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, stdout=subprocess.DEVNULL, check=True, cwd=ROOT, env=env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def measure(repeat: int = 15, example: Path = DEFAULT_EXAMPLE) -> dict[str, float]:
    """Median CPU seconds of each command: ``pass``, ``json``, ``text`` and ``miss`` (json with
    an empty cache, once)."""
    base = _command()
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "XDG_CACHE_HOME": cache, "COLUMNS": "80", "TERM": "dumb"}
        # As an installation runs: with its modules' bytecode written once (pip compiles it
        # at install), not compiled again from source at every start.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        commands = {
            "pass": [sys.executable, "-c", "pass"],
            "json": [*base, "assess", str(example), "--format", "json"],
            "text": [*base, "assess", str(example)],
        }
        figures = {"miss": _cpu(commands["json"], env)}
        runs: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(repeat):
            for name, command in commands.items():
                runs[name].append(_cpu(command, env))
    figures.update({name: statistics.median(times) for name, times in runs.items()})
    return figures


def report(repeat: int = 15, example: Path = DEFAULT_EXAMPLE) -> bool:
    """Prints each figure next to its target; True when every one is met."""
    load_before = _load()
    figures = measure(repeat, example)
    base = figures["pass"]
    print(f"\ncold start of suitability assess {example.name}: CPU time, median of {repeat} runs")
    print(f"  python -c pass            {base * 1000:7.1f} ms")
    ok_all = True
    for name in ("json", "text"):
        ratio = figures[name] / base
        ok = ratio <= TARGETS[name]
        ok_all &= ok
        label = "--format json" if name == "json" else "text (default)"
        print(
            f"  {label:<25} {figures[name] * 1000:7.1f} ms  {ratio:5.1f}x  "
            f"target <= {TARGETS[name]:.0f}x  {'ok' if ok else 'over'}"
        )
    miss = figures["miss"]
    print(f"  --format json, cache miss {miss * 1000:7.1f} ms  {miss / base:5.1f}x  (no target)")
    print(f"  {load_before} before, {_load()} after")
    return ok_all


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=15, help="runs of each command")
    parser.add_argument("--example", type=Path, default=DEFAULT_EXAMPLE)
    args = parser.parse_args()
    report(args.repeat, args.example)


if __name__ == "__main__":
    main()
