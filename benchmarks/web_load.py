"""Load on the web app: 50 screenings at once over loopback, each with its own marker.

Starts the real `suitability serve` (a child process, a free port, a temporary database) and
drives N concurrent screenings through it with httpx(2), each its own browser as far as the server
can tell (its own cookies, the CSRF token read from each page): the home page, start, every
section shown (random valid answers, seeded per screening, and the free-text notes holding a
marker of its own, a UUID), the review, finish, the result and the handout.

It prints the time per page (the client's round trip, request sent to response read; and the
server's own time from its access log) at p50 and p95 against the target, p95 under 300 ms on
a 2-core machine, then checks that no marker crossed between sessions: every review, result
and handout page shows its own marker and no other, and the database holds each marker in
exactly one record, which holds no other.

Bounded: N screenings (default 50), every request with a timeout, the whole run within
--time-limit seconds (default 300); the server is stopped at the end in every case.

Run: .venv/bin/python benchmarks/web_load.py [--sessions 50] [--think 0]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

try:  # httpx2 where it installs (Python 3.11+), httpx before: the same client
    import httpx2 as httpx
except ImportError:
    import httpx  # type: ignore[no-redef]

from suitability.questionnaire import Question, Questionnaire, default_questionnaire

TARGET_P95_MS = 300.0
FORM = "application/x-www-form-urlencoded"
ADDRESS = re.compile(r"Serving the .* at (http://127\.0\.0\.1:\d+)/")
ACCESS = re.compile(r"\b(GET|POST) (\S+) (\d{3}) (\d+)ms\b")
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
MARKERS = re.compile(r"MARK-[0-9a-f]{32}")


# --------------------------------------------------------------------------- one screening


def answers_for(q: Questionnaire, marker: str, rng: random.Random) -> dict[str, str | list[str]]:
    """Random valid answers as a person types them, for the questions shown given the answers
    before them; the notes hold the marker."""
    values: dict[str, Any] = {}
    typed: dict[str, str | list[str]] = {}
    for question in q.questions:
        if not q.visible(question, values):
            continue
        value, text = _answer(question, marker, rng)
        values[question.id] = value
        typed[question.id] = text
    return typed


def _answer(question: Question, marker: str, rng: random.Random) -> tuple[Any, Any]:
    kind = question.kind
    if kind.free_text:
        return marker, f"Please note: {marker}"
    if kind.prompt == "checkbox":
        plain = [c for c in question.choice_ids if c != question.exclusive_choice]
        chosen = sorted(rng.sample(plain, k=min(len(plain), rng.randint(1, 3))), key=plain.index)
        return chosen, chosen
    if kind.prompt == "select":
        chosen = rng.choice(list(question.choice_ids))
        return chosen, chosen
    if question.type == "date":
        day = dt.date.today() + dt.timedelta(days=rng.randint(20, 200))
        return day.isoformat(), f"{day.day:02d}/{day.month:02d}/{day.year}"
    low, high = int(question.min or 0), int(question.max or 100)
    number = rng.randint(low, high)
    return number, str(number)


@dataclass
class Screening:
    number: int
    marker: str
    answers: dict[str, str | list[str]]
    pages: dict[str, str] = field(default_factory=dict)  # review, result, handout
    timings: list[tuple[str, float]] = field(default_factory=list)
    error: str | None = None


class Failed(Exception):
    pass


async def _timed(
    screening: Screening, client: httpx.AsyncClient, page: str, method: str, url: str, **kw: Any
) -> httpx.Response:
    started = time.perf_counter()
    response = await client.request(method, url, **kw)
    await response.aread()
    screening.timings.append((page, (time.perf_counter() - started) * 1000))
    return response


def _csrf(html: str) -> str:
    found = CSRF.search(html)
    if found is None:
        raise Failed("a page without a CSRF token")
    return found.group(1)


async def run_screening(
    base: str, q: Questionnaire, screening: Screening, think: float, timeout: float
) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=timeout) as client:
        rng = random.Random(f"think {screening.number}")

        async def pause() -> None:
            # A person reads each page: between half and one and a half times the mean.
            if think:
                await asyncio.sleep(think * rng.uniform(0.5, 1.5))

        # People do not all arrive in the same millisecond: arrivals spread over one mean
        # think time.
        await asyncio.sleep(think * rng.random())

        home = await _timed(screening, client, "home", "GET", "/")
        started = await _timed(
            screening, client, "start", "POST", "/screening/start",
            content=urlencode({"csrf": _csrf(home.text)}), headers={"content-type": FORM},
        )  # fmt: skip
        where = started.headers.get("location", "")
        seen = 0
        while where.startswith("/screening/section/"):
            seen += 1
            if seen > 3 * len(q.sections):
                raise Failed("the sections never end")
            page = await _timed(screening, client, "section (GET)", "GET", where)
            if page.status_code != 200:
                raise Failed(f"GET {where}: {page.status_code}")
            await pause()
            n = int(where.rsplit("/", 1)[1])
            fields: list[tuple[str, str]] = [("csrf", _csrf(page.text)), ("_action", "next")]
            for question in q.sections[n - 1].questions:
                given = screening.answers.get(question.id)
                if isinstance(given, list):
                    fields += [(question.id, value) for value in given]
                elif given is not None:
                    fields.append((question.id, given))
            sent = await _timed(
                screening, client, "section (POST)", "POST", where,
                content=urlencode(fields), headers={"content-type": FORM},
            )  # fmt: skip
            if sent.status_code != 303:
                raise Failed(f"POST {where}: {sent.status_code}")
            where = sent.headers["location"]
        if where != "/screening/review":
            raise Failed(f"ended at {where!r}, not the review")
        review = await _timed(screening, client, "review", "GET", where)
        screening.pages["review"] = review.text
        await pause()
        done = await _timed(
            screening, client, "finish", "POST", "/screening/finish",
            content=urlencode({"csrf": _csrf(review.text)}), headers={"content-type": FORM},
        )  # fmt: skip
        if done.status_code != 303:
            raise Failed(f"finish: {done.status_code}")
        result = await _timed(screening, client, "result", "GET", done.headers["location"])
        screening.pages["result"] = result.text
        handout = await _timed(screening, client, "handout", "GET", "/screening/handout")
        screening.pages["handout"] = handout.text


async def _guarded(coro: Any, screening: Screening) -> None:
    try:
        await coro
    except (Failed, httpx.HTTPError) as exc:
        screening.error = f"{type(exc).__name__}: {exc}"


# --------------------------------------------------------------------------- the server


def start_server(folder: Path, wait: float) -> tuple[subprocess.Popen[str], str, Path]:
    log = folder / "server.log"
    with log.open("w") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "suitability", "serve", "--port", "0",
             "--db", str(folder / "records.db")],
            stdout=subprocess.PIPE, stderr=err, stdin=subprocess.DEVNULL, text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1", "XDG_STATE_HOME": str(folder)},
        )  # fmt: skip
    assert process.stdout is not None
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        found = ADDRESS.search(line)
        if found:
            return process, found.group(1), log
        if not line and process.poll() is not None:
            break
    stop_server(process)
    raise SystemExit(f"the server did not start: {log.read_text()[-2000:]}")


def stop_server(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --------------------------------------------------------------------------- checks and figures


def cpu_seconds(pid: int) -> float:
    """The CPU time a process has used so far (user and system), from /proc; 0 elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))] if ordered else float("nan")


def page_leaks(screenings: list[Screening]) -> list[str]:
    """Pages that show another screening's marker, or not their own where they should."""
    leaks = []
    for screening in screenings:
        for name, html in screening.pages.items():
            others = set(MARKERS.findall(html)) - {screening.marker}
            if others:
                leaks.append(f"screening {screening.number} {name}: {len(others)} other marker(s)")
        if screening.marker not in screening.pages.get("review", ""):
            leaks.append(f"screening {screening.number} review: its own marker is missing")
    return leaks


def database_leaks(db: Path, screenings: list[Screening]) -> tuple[list[str], int]:
    """Records holding a marker not their own, or markers held by other than one record."""
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = connection.execute("SELECT id, answers, assessment FROM screenings").fetchall()
    finally:
        connection.close()
    holders: dict[str, list[str]] = defaultdict(list)
    leaks = []
    for record_id, answers, assessment in rows:
        found = set(MARKERS.findall(f"{answers} {assessment or ''}"))
        if len(found) > 1:
            leaks.append(f"record {record_id[:6]}...: {len(found)} markers")
        notes = json.loads(answers).get("notes", "")
        for marker in found:
            holders[marker].append(record_id)
            if marker not in notes:
                leaks.append(f"record {record_id[:6]}...: a marker outside its notes")
    for screening in screenings:
        if screening.error is None and len(holders.get(screening.marker, [])) != 1:
            count = len(holders.get(screening.marker, []))
            leaks.append(f"screening {screening.number}: its marker in {count} records")
    return leaks, len(rows)


async def drive(args: argparse.Namespace, base: str, q: Questionnaire) -> list[Screening]:
    # One screening first, not measured: a server that has run for a while has its templates
    # compiled and its code loaded. Its marker is checked with the others'.
    warm = Screening(-1, f"MARK-{uuid.uuid4().hex}", {})
    warm.answers = answers_for(q, warm.marker, random.Random("warm-up"))
    await _guarded(run_screening(base, q, warm, 0.0, args.request_timeout), warm)
    if warm.error is not None:
        raise SystemExit(f"the warm-up screening failed: {warm.error}")
    screenings = []
    for number in range(args.sessions):
        marker = f"MARK-{uuid.uuid4().hex}"
        rng = random.Random(number)
        screenings.append(Screening(number, marker, answers_for(q, marker, rng)))
    jobs = [
        _guarded(run_screening(base, q, s, args.think, args.request_timeout), s) for s in screenings
    ]
    try:
        await asyncio.wait_for(asyncio.gather(*jobs), timeout=args.time_limit)
    except asyncio.TimeoutError:
        for screening in screenings:
            if screening.error is None and "handout" not in screening.pages:
                screening.error = f"not done within --time-limit {args.time_limit:g} s"
    return [warm, *screenings]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=50, help="concurrent screenings")
    parser.add_argument(
        "--think",
        type=float,
        default=1.0,
        help="mean seconds a person spends on a page (0: none, every request at once)",
    )
    parser.add_argument("--time-limit", type=float, default=300.0, help="the whole run, seconds")
    parser.add_argument("--request-timeout", type=float, default=60.0)
    args = parser.parse_args()
    if not 1 <= args.sessions <= 500:
        parser.error("--sessions: from 1 to 500")

    q = default_questionnaire()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="web-load-") as tmp:
        folder = Path(tmp)
        process, base, log = start_server(folder, wait=90)
        wall = time.perf_counter()
        client_cpu = time.process_time()
        try:
            screenings = asyncio.run(drive(args, base, q))
        finally:
            wall = time.perf_counter() - wall
            client_cpu = time.process_time() - client_cpu
            server_cpu = cpu_seconds(process.pid)
            stop_server(process)
        logged = log.read_text(errors="replace")
        db_leaks, records = database_leaks(folder / "records.db", screenings)

    done = [s for s in screenings if s.error is None]
    measured = [s for s in screenings if s.number >= 0]
    timings = [ms for s in measured for _page, ms in s.timings]
    by_page: dict[str, list[float]] = defaultdict(list)
    for screening in measured:
        for page, ms in screening.timings:
            by_page[page].append(ms)
    # The warm-up's requests come first in the log, alone.
    warm_up = len(screenings[0].timings)
    server_ms = [float(m.group(4)) for m in ACCESS.finditer(logged)][warm_up:]
    leaks = page_leaks(done) + db_leaks
    in_log = sum(1 for s in screenings if s.marker in logged)

    p50, p95 = percentile(timings, 0.50), percentile(timings, 0.95)
    print(f"web load: {args.sessions} concurrent screenings over loopback, mean think time "
          f"{args.think:g} s, {os.cpu_count()} CPUs, load average before "
          f"{load_before:.2f}, {wall:.1f} s in all")  # fmt: skip
    print(f"  screenings completed      {len(done) - 1}/{args.sessions}   (target: all; "
          "after one warm-up screening, not measured)")  # fmt: skip
    print(f"  requests                  {len(timings)}   ({len(timings) / wall:.0f}/s)")
    print(f"  page time p50 (client)    {p50:7.1f} ms")
    print(f"  page time p95 (client)    {p95:7.1f} ms   (target: < {TARGET_P95_MS:.0f} ms)"
          f"  {'OK' if p95 < TARGET_P95_MS else 'OVER'}")  # fmt: skip
    print(f"  page time p50/p95 (server's access log)  "
          f"{percentile(server_ms, 0.5):.0f} / {percentile(server_ms, 0.95):.0f} ms")  # fmt: skip
    for page in ("home", "start", "section (GET)", "section (POST)", "review", "finish",
                 "result", "handout"):  # fmt: skip
        samples = by_page.get(page, [])
        print(f"    {page:<16} n={len(samples):<5} p50 {percentile(samples, 0.5):7.1f}  "
              f"p95 {percentile(samples, 0.95):7.1f} ms")  # fmt: skip
    print(f"  CPU per request           server {server_cpu / max(1, len(timings)) * 1000:.1f} ms, "
          f"this client {client_cpu / max(1, len(timings)) * 1000:.1f} ms "
          f"(server start-up included)")  # fmt: skip
    print(f"  cross-session leaks       {len(leaks)}   (target: 0; {records} records checked)")
    print(f"  markers in the server log {in_log}   (target: 0)")
    for line in [*(f"{s.number}: {s.error}" for s in screenings if s.error), *leaks][:20]:
        print(f"    {line}")
    ok = len(done) == args.sessions + 1 and not leaks and not in_log
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
