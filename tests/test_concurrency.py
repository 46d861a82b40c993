"""The workbench under load while an ingest writes: SQLite in WAL mode must let both go on.

A first `incidentwatch ingest` seeds a SQLite file with reports (so that there are pages to read) while a
real `incidentwatch serve` starts on a free loopback port; then, while a further `incidentwatch ingest` writes
a few hundred new reports into the same file (and more runs follow if it finishes early), 50 concurrent
readers (asyncio tasks sharing one httpx.AsyncClient) browse the workbench for 30 seconds
(INCIDENTWATCH_CONCURRENCY_SECONDS changes that): list pages sorted and filtered, word searches, paging,
dossiers of incidents found in those lists, group and article pages, and downloads in all three formats.
Reading begins once the concurrent ingest has written its first articles.

What must hold: every request answered 200 with the right content type and a whole, well-formed body (no
5xx, no "database is locked" in any answer nor in the server's stderr), latency bounded (p99 under 5 s,
generous for a 2-core machine), the ingest runs finishing with exit status 0 and the article count grown
during the read phase.  The figures (requests served, failures, p50/p95/p99) are printed (`pytest -s`) and
repeated in the assertion messages.

Every report below is generated from sentence templates written for this test: the towns are real, the
attacks are invented.  The seed's attacks fall in 2015-2017 and those of the concurrent batches in
2018-2024, so new reports never fuse with (and so never rename) the seed's incidents.
"""
from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import json
import os
import random
import re
import socket
import sqlite3
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

import httpx
import pytest

from incidentwatch.store import Store

from conftest import incidentwatch_command

SECONDS = float(os.environ.get("INCIDENTWATCH_CONCURRENCY_SECONDS", "30"))
READERS = 50
P99_LIMIT = 5.0  # seconds: generous for a 2-core machine that also runs the ingest and the 50 clients
MAX_LIMIT = 30.0  # no single request may take this long (SQLAlchemy's pool gives up after 30 s, as does SQLite's
#                   busy timeout: a request this slow was stuck waiting for a connection or a lock)
SEED_ARTICLES = 120
BATCH_ARTICLES = 600  # per concurrent ingest run; runs follow one another until the read phase ends
BATCHES = 12  # at most (more than a slow machine gets through in the phase; a fast one stops early)
MODEL_LOAD = 15.0  # seconds: no new ingest run starts this close to the end of the read phase (it would only
#                    load its model by then, and the test would wait for it to finish)

# --- the reports ----------------------------------------------------------------------------------------------

# (town, first-level region, country): real places the gazetteer knows
TOWNS = [
    ("Derbent", "Dagestan", "Russia"), ("Makhachkala", "Dagestan", "Russia"), ("Khasavyurt", "Dagestan", "Russia"),
    ("Nazran", "Ingushetia", "Russia"), ("Grozny", "Chechnya", "Russia"), ("Nalchik", "Kabardino-Balkaria", "Russia"),
    ("Quetta", "Balochistan", "Pakistan"), ("Peshawar", "Khyber Pakhtunkhwa", "Pakistan"),
    ("Kabul", "Kabul", "Afghanistan"), ("Jalalabad", "Nangarhar", "Afghanistan"),
    ("Kandahar", "Kandahar", "Afghanistan"), ("Mogadishu", "Banadir", "Somalia"), ("Kismayo", "Jubaland", "Somalia"),
    ("Maiduguri", "Borno", "Nigeria"), ("Kano", "Kano", "Nigeria"), ("Gao", "Gao", "Mali"),
    ("Kidal", "Kidal", "Mali"), ("Ouagadougou", "Centre", "Burkina Faso"), ("Baghdad", "Baghdad", "Iraq"),
    ("Mosul", "Nineveh", "Iraq"), ("Kirkuk", "Kirkuk", "Iraq"), ("Aden", "Aden", "Yemen"),
    ("Niamey", "Niamey", "Niger"),
]
FIGURES = ["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "11", "12", "14", "17", "23"]
ATTACKS = [
    ("Gunmen kill {k} officers at {town} checkpoint",
     "Gunmen opened fire on a police checkpoint in {town}, {region}, {country}, on {weekday}, {date}, killing {k} "
     "officers and wounding {w} others, the regional interior ministry said."),
    ("Car bomb kills {k} near {town} market",
     "A car bomb exploded near a crowded market in {town}, {country}, on {weekday}, {date}, killing {k} people and "
     "injuring {w}, police said."),
    ("Suicide bomber kills {k} at {town} mosque",
     "A suicide bomber blew himself up at a mosque in {town}, {country}, during prayers on {weekday}, {date}, "
     "killing {k} worshippers and wounding {w}, emergency officials said."),
    ("Roadside bomb hits army convoy near {town}",
     "A roadside bomb struck an army convoy outside {town}, {country}, on {weekday}, {date}, killing {k} soldiers "
     "and wounding {w}, the army said."),
    ("Militants storm police station in {town}",
     "Militants attacked a police station in {town}, {region}, {country}, on {weekday}, {date}, killing {k} police "
     "officers, the interior ministry said."),
    ("Grenade attack on {town} bus station",
     "An attacker threw a grenade into a bus station in {town}, {country}, on {weekday}, {date}, killing {k} "
     "passengers and injuring {w}, officials said."),
]
AFTERMATH = [
    "The attackers fled in a car after the shooting, and security forces sealed off the area.",
    "No group has claimed responsibility for the attack.",
    "Investigators found the remains of an explosive device at the scene.",
    "Witnesses said the blast shattered shop windows along the street.",
    "Al-Shabaab claimed responsibility for the attack in a statement broadcast on its radio station.",
    "Islamic State claimed the attack through its Amaq news agency.",
    "Hospitals in the city appealed for blood donors as the wounded were brought in.",
]
OTHER_NEWS = [
    ("{town} council approves road budget",
     "The city council of {town} approved a new budget for road repairs on {weekday}, {date}, the mayor said.",
     "Residents have complained for years about potholes on the main avenue."),
    ("Record wheat harvest expected near {town}",
     "Farmers near {town}, {country}, expect a record wheat harvest this year after heavy spring rains, officials "
     "said on {weekday}, {date}.", "Grain prices in the regional markets fell on the news."),
    ("{town} club wins regional football cup",
     "A football club from {town} won the regional cup on {weekday}, {date}, beating its rival three goals to one.",
     "Thousands of fans celebrated in the streets late into the night."),
    ("New hospital wing opens in {town}",
     "A new hospital wing opened in {town}, {country}, on {weekday}, {date}, with 120 beds for children.",
     "Doctors said the ward would cut waiting times across the province."),
]
# words the readers search for: in the attack reports, the other news, or both
WORDS = ["checkpoint", "market", "mosque", "convoy", "grenade", "police", "officers", "bomb", "Amaq",
         "Derbent", "Quetta", "Mogadishu", "Kabul", "Maiduguri", "shattered windows", "hospital", "harvest"]
COUNTRIES = sorted({c for _, _, c in TOWNS})


def report(batch: int, n: int, first_day: dt.date, days: int) -> dict:
    """One JSON Lines record: an attack report three times in four, other news otherwise."""
    r = random.Random(f"{batch}/{n}")
    town, region, country = r.choice(TOWNS)
    day = first_day + dt.timedelta(days=r.randrange(days))
    slots = dict(town=town, region=region, country=country, weekday=day.strftime("%A"),
                 date=f"{day:%B} {day.day}, {day.year}", k=r.choice(FIGURES), w=r.choice(FIGURES))
    if r.random() < 0.75:
        title, lead = r.choice(ATTACKS)
        rest = " ".join(r.sample(AFTERMATH, 2))
    else:
        title, lead, rest = r.choice(OTHER_NEWS)
    title, lead = title.format(**slots), lead.format(**slots)
    aid = f"load-b{batch:02d}-{n:04d}"
    text = f"{title}\n\n{town.upper()}, {slots['date']} — {lead}\n\n{rest} (Wire report {aid}.)"
    return {"id": aid, "url": f"https://wire.example.org/{day:%Y/%m/%d}/{aid}", "published": day.isoformat(),
            "title": title, "text": text}


def write_batch(path: Path, batch: int, count: int, first_day: dt.date, days: int) -> list[str]:
    records = [report(batch, n, first_day, days) for n in range(count)]
    path.write_text("".join(json.dumps(rec) + "\n" for rec in records), encoding="utf-8")
    return [rec["id"] for rec in records]


# --- the processes -----------------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def incident_exists(path: Path, incident_id: str) -> bool:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        return conn.execute("SELECT 1 FROM incidents WHERE id = ?", (incident_id,)).fetchone() is not None
    finally:
        conn.close()


def article_count(path: Path) -> int:
    """Articles stored, read beside the server and the ingest (a reader of its own, read-only)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    finally:
        conn.close()


@dataclass
class IngestRun:
    batch: int
    started: float
    ended: float = 0.0
    returncode: int | None = None
    stderr: str = ""


@dataclass
class IngestLoop:
    """`incidentwatch ingest` runs, one after another, each on a batch of its own, until the read phase is
    nearly over or the test says stop (a run under way is finished, never killed)."""

    db: str
    batches: list[Path]
    workdir: Path
    stop: threading.Event = field(default_factory=threading.Event)
    phase_ends: float | None = None  # time.monotonic() of the read phase's end, once it has begun
    runs: list[IngestRun] = field(default_factory=list)
    proc: subprocess.Popen | None = None
    error: BaseException | None = None

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self._run, name="ingest-loop", daemon=True)
        thread.start()
        return thread

    def _run(self) -> None:
        try:
            for i, path in enumerate(self.batches):
                if self.stop.is_set() or (self.phase_ends and time.monotonic() > self.phase_ends - MODEL_LOAD):
                    return
                err = self.workdir / f"ingest-{i}.stderr"
                run = IngestRun(batch=i, started=time.monotonic())
                self.runs.append(run)
                with open(err, "wb") as ef:
                    self.proc = subprocess.Popen([*incidentwatch_command(), "ingest", str(path), "--db", self.db],
                                                 stdout=subprocess.DEVNULL, stderr=ef, cwd=self.workdir)
                    run.returncode = self.proc.wait(timeout=300)
                run.ended = time.monotonic()
                run.stderr = err.read_text(encoding="utf-8", errors="replace")
                if run.returncode != 0:
                    return
        except BaseException as e:  # reported by the test
            self.error = e


# --- the readers ---------------------------------------------------------------------------------------------------

@dataclass
class Result:
    kind: str
    url: str
    status: int | None
    seconds: float
    problem: str | None = None  # why the answer is a failure, None when it is a good one
    at: float = 0.0  # when it was sent (time.monotonic())


@dataclass
class Seen:
    """What the readers found in the pages they read, for the next requests to follow."""

    incidents: list[str] = field(default_factory=list)
    groups: set[str] = field(default_factory=set)
    articles: list[str] = field(default_factory=list)


HTML = "text/html"
MEDIA = {"csv": "text/csv", "jsonl": "application/x-ndjson", "geojson": "application/geo+json"}
INCIDENT_LINK = re.compile(r'href="/incidents/(inc-[0-9a-f]+)"')
GROUP_LINK = re.compile(r'href="/groups/([^"?#]+)"')
ARTICLE_LINK = re.compile(r'href="/articles/([^"?#]+)"')
COUNT = re.compile(r'<strong id="count">(\d+)</strong>')


def check_body(kind: str, fmt: str | None, text: str) -> str | None:
    """What is wrong with a 200 answer's body, if anything."""
    if "database is locked" in text.lower():
        return "'database is locked' in the answer"
    if fmt is None:
        if not text.rstrip().endswith("</html>"):
            return "page cut short (no </html>)"
        if kind in ("list", "filter", "search", "page2") and not COUNT.search(text):
            return "incident list without its count"
        return None
    try:
        if fmt == "csv":
            rows = list(csv.reader(io.StringIO(text)))
            if not rows or rows[0][0] != "eventid" or any(len(r) != len(rows[0]) for r in rows):
                return "malformed CSV"
        elif fmt == "jsonl":
            for line in text.splitlines():
                json.loads(line)
        else:
            doc = json.loads(text)
            if doc.get("type") != "FeatureCollection":
                return "GeoJSON without a FeatureCollection"
    except (ValueError, IndexError) as e:
        return f"malformed {fmt}: {e}"
    return None


def next_request(r: random.Random, seen: Seen, seed_articles: list[str]) -> tuple[str, str, str | None]:
    """(kind, path, download format or None): the mix of what an analyst does on the workbench."""
    roll = r.random()
    if roll < 0.16:
        sort = r.choice(["date", "killed", "country", "city", "injured", "group"])
        return "list", f"/incidents?{urlencode({'sort': sort, 'dir': r.choice(['asc', 'desc'])})}", None
    if roll < 0.32:
        f = r.choice([{"country": r.choice(COUNTRIES)}, {"min_killed": r.choice([3, 5, 10])},
                      {"date_from": "2016-01-01", "date_to": "2017-06-30"}, {"attack_type": "Bombing/Explosion"},
                      {"country": r.choice(COUNTRIES), "claimed": r.choice(["yes", "no"])},
                      {"date_to": "2017-12-31"}])
        return "filter", f"/incidents?{urlencode(f)}", None
    if roll < 0.46:
        f = {"q": r.choice(WORDS)}
        if r.random() < 0.3:
            f["country"] = r.choice(COUNTRIES)
        return "search", f"/incidents?{urlencode(f)}", None
    if roll < 0.52:
        return "page2", f"/incidents?{urlencode({'page': r.choice([2, 3, 4])})}", None
    if roll < 0.72 and seen.incidents:
        return "dossier", f"/incidents/{r.choice(seen.incidents[-400:])}", None
    if roll < 0.77 and seen.groups:
        return "group", f"/groups/{quote(r.choice(sorted(seen.groups)))}", None
    if roll < 0.82:
        aid = r.choice(seen.articles[-200:]) if seen.articles and r.random() < 0.5 else r.choice(seed_articles)
        return "article", f"/articles/{quote(aid)}", None
    fmt = r.choice(list(MEDIA))
    f = r.choice([{}, {"country": r.choice(COUNTRIES)}, {"country": r.choice(COUNTRIES)}, {"q": r.choice(WORDS)},
                  {"min_killed": 10}])
    return "download", f"/incidents.{fmt}" + (f"?{urlencode(f)}" if f else ""), fmt


async def reader(n: int, client: httpx.AsyncClient, until: float, seen: Seen, seed_articles: list[str],
                 results: list[Result], db_path: Path) -> None:
    r = random.Random(n)
    while time.monotonic() < until:
        kind, path, fmt = next_request(r, seen, seed_articles)
        t0 = time.monotonic()
        status, problem, text, answered = None, None, "", None
        try:
            resp = await client.get(path)
            # the latency is the server's: checking the body (parsing a download of megabytes) is the client's
            # work, and is done in a thread so that the other readers' answers are timed as they arrive
            answered = time.monotonic()
            text = resp.text
            status = resp.status_code
            ctype = resp.headers.get("content-type", "")
            if status == 404 and kind == "dossier" and not await asyncio.to_thread(
                    incident_exists, db_path, path.rsplit("/", 1)[1]):
                # re-fused since the list showed it: merged into another incident, under that one's id (fusion
                # names an incident after its first mention); counted apart, not a failure of the server
                kind = "gone"
            elif status != 200:
                problem = f"status {status}: {text[:300]!r}"
            elif not ctype.startswith(MEDIA[fmt] if fmt else HTML):
                problem = f"content type {ctype!r}"
            else:
                problem = await asyncio.to_thread(check_body, kind, fmt, text)
        except httpx.HTTPError as e:
            chain, cause = [], e.__cause__ or e.__context__
            while cause is not None and len(chain) < 5:  # what the transport saw (a reset, an EOF, ...)
                chain.append(repr(cause))
                cause = cause.__cause__ or cause.__context__
            problem = f"{type(e).__name__}: {e}" + (f" ({' <- '.join(chain)})" if chain else "")
        seconds = (answered or time.monotonic()) - t0
        results.append(Result(kind, path, status, seconds, problem, t0))
        if problem is None and fmt is None:
            seen.incidents.extend(INCIDENT_LINK.findall(text))
            seen.articles.extend(ARTICLE_LINK.findall(text))
            if kind != "group":  # a group page's "Part of" link to the parent group can lead to a 404 of its own
                seen.groups.update(GROUP_LINK.findall(text))  # (a bug of its own, not this test's subject)


async def sample_counts(db_path: Path, until: float, samples: list[tuple[float, int]]) -> None:
    """The article count once a second through the read phase (to show the ingest writing all along)."""
    while time.monotonic() < until:
        samples.append((time.monotonic(), await asyncio.to_thread(article_count, db_path)))
        await asyncio.sleep(1.0)


async def read_phase(base: str, seconds: float, db_path: Path, seed_articles: list[str], loop: IngestLoop):
    results: list[Result] = []
    samples: list[tuple[float, int]] = []
    seen = Seen()
    # idle connections are dropped by the client after 1 s, well before the server's keep-alive timeout (uvicorn's
    # 5 s): with httpx's default of 5 s too, a connection the server is closing is now and then reused, and the
    # request dies of a reset (ReadError <- ConnectionResetError) before it reaches the app at all
    limits = httpx.Limits(max_connections=READERS, max_keepalive_connections=READERS, keepalive_expiry=1.0)
    async with httpx.AsyncClient(base_url=base, timeout=httpx.Timeout(60.0), limits=limits) as client:
        start = time.monotonic()
        until = loop.phase_ends = start + seconds
        await asyncio.gather(sample_counts(db_path, until, samples),
                             *(reader(n, client, until, seen, seed_articles, results, db_path) for n in range(READERS)))
        ended = time.monotonic()
    return results, samples, start, ended


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, -(-len(ordered) * p // 100) - 1))] if ordered else float("nan")


# --- the test -----------------------------------------------------------------------------------------------------

def test_the_workbench_answers_50_readers_while_an_ingest_writes(tmp_path):
    db_path = tmp_path / "load.db"
    db = f"sqlite:///{db_path}"
    seed = tmp_path / "seed.jsonl"
    seed_articles = write_batch(seed, 0, SEED_ARTICLES, dt.date(2015, 1, 1), 3 * 365)
    batches = []
    for b in range(1, BATCHES + 1):
        path = tmp_path / f"batch-{b:02d}.jsonl"
        write_batch(path, b, BATCH_ARTICLES, dt.date(2018, 1, 1), 7 * 365)
        batches.append(path)

    # the schema, made here once: the server and the seed's ingest then open the file at the same moment
    Store(db).close()
    t_begin = time.monotonic()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server_err, seed_err = tmp_path / "server.stderr", tmp_path / "seed.stderr"
    loop = IngestLoop(db, batches, tmp_path)
    thread = seeder = server = None
    try:
        with open(server_err, "wb") as ef, open(seed_err, "wb") as sf:
            seeder = subprocess.Popen([*incidentwatch_command(), "ingest", str(seed), "--db", db],
                                      stdout=subprocess.DEVNULL, stderr=sf, cwd=tmp_path)
            server = subprocess.Popen([*incidentwatch_command(), "serve", "--db", db, "--host", "127.0.0.1",
                                       "--port", str(port)], stdout=subprocess.DEVNULL, stderr=ef, cwd=tmp_path)
        # the first run of the concurrent ingest starts once the seed's ingest has loaded its model and writes, so
        # that the two do not load their models (some fifteen seconds of CPU) at the same moment
        deadline = time.monotonic() + 120
        while seeder.poll() is None and article_count(db_path) == 0:
            assert time.monotonic() < deadline, "the seed's ingest wrote nothing within 120 s"
            time.sleep(0.1)
        thread = loop.start()
        assert seeder.wait(timeout=180) == 0, seed_err.read_text(errors="replace")
        before = SEED_ARTICLES
        assert f"{SEED_ARTICLES} ingested, 0 duplicate, 0 rejected" in seed_err.read_text(errors="replace")
        seeded_at = time.monotonic()
        deadline = time.monotonic() + 90
        while True:
            assert server.poll() is None, f"the server exited: {server_err.read_text(errors='replace')}"
            assert time.monotonic() < deadline, "the server did not answer within 90 s"
            try:
                if httpx.get(base + "/incidents", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        # reading begins once the concurrent ingest is writing
        while article_count(db_path) == before:
            assert loop.error is None and not (loop.runs and loop.runs[0].returncode is not None), \
                f"the ingest stopped before writing: {loop.error or loop.runs[0].stderr}"
            assert time.monotonic() < deadline, "the ingest wrote nothing within 90 s"
            time.sleep(0.1)

        results, samples, start, ended = asyncio.run(read_phase(base, SECONDS, db_path, seed_articles, loop))
        at_start = samples[0][1] if samples else before
        at_end = article_count(db_path)
        loop.stop.set()
        thread.join(timeout=300)
        finished_at = time.monotonic()
        assert not thread.is_alive(), "the ingest run under way did not finish within 300 s"
        assert server.poll() is None, "the server died during the read phase"
    finally:
        loop.stop.set()
        for proc in (seeder, server, loop.proc):
            if proc is not None and proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=10)
    after = article_count(db_path)
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        unfused = conn.execute("SELECT count(*) FROM mentions WHERE id NOT IN "
                               "(SELECT mention_id FROM incident_mentions)").fetchone()[0]
    finally:
        conn.close()
    server_log = server_err.read_text(encoding="utf-8", errors="replace")

    # --- the figures ---
    phase = ended - start
    latencies = [res.seconds for res in results]
    failed = [res for res in results if res.problem]
    p50, p95, p99 = (percentile(latencies, p) for p in (50, 95, 99))
    worst = max(latencies, default=float("nan"))
    by_kind: dict[str, list[float]] = {}
    for res in results:
        by_kind.setdefault(res.kind, []).append(res.seconds)
    writing = sum(1 for (_, a), (_, b) in zip(samples, samples[1:]) if b > a)
    runs_in_phase = [run for run in loop.runs if run.started < ended]
    figures = (f"{len(results)} requests served in {phase:.1f} s by {READERS} readers "
               f"({len(results) / phase:.1f}/s), {len(failed)} failed; latency p50 {p50:.3f} s, p95 {p95:.3f} s, "
               f"p99 {p99:.3f} s, max {worst:.3f} s; articles {before} at seed, {at_start} -> {at_end} during "
               f"the read phase (+{at_end - at_start}; the count grew in {writing} of {max(0, len(samples) - 1)} "
               f"one-second samples), {after} after {len(loop.runs)} ingest run(s) of {BATCH_ARTICLES}"
               + (f"; {len(by_kind['gone'])} dossier(s) of incidents re-fused meanwhile (404)"
                  if "gone" in by_kind else ""))
    print("\n" + figures)
    print(f"  setup: seeded and serving after {seeded_at - t_begin:.1f} s; read phase from {start - t_begin:.1f} s to "
          f"{ended - t_begin:.1f} s; the last ingest run done {max(0.0, finished_at - ended):.1f} s after it")
    for kind, values in sorted(by_kind.items()):
        print(f"  {kind:9s} {len(values):6d} requests  p50 {percentile(values, 50):.3f} s  "
              f"p95 {percentile(values, 95):.3f} s  p99 {percentile(values, 99):.3f} s  max {max(values):.3f} s")
    for run in loop.runs:
        print(f"  ingest run {run.batch}: exit {run.returncode}, from {run.started - start:+.1f} s to "
              f"{run.ended - start:+.1f} s of the read phase; "
              f"{run.stderr.strip().splitlines()[-1] if run.stderr.strip() else ''}")

    # --- what must hold ---
    assert loop.error is None, f"the ingest loop failed: {loop.error!r}"
    assert runs_in_phase, "no ingest ran during the read phase"
    for run in loop.runs:
        assert run.returncode == 0, f"ingest run {run.batch} exited {run.returncode}:\n{run.stderr[-3000:]}"
        assert "database is locked" not in run.stderr.lower(), run.stderr[-3000:]
    assert at_end > at_start, f"the ingest wrote nothing during the read phase: {figures}"
    assert after == before + BATCH_ARTICLES * len(loop.runs), f"articles lost: {figures}"
    assert not unfused, f"{unfused} stored mentions belong to no incident (fusion's writes lost): {figures}"
    # the server's stderr holds its banner and nothing else: no traceback, no "database is locked", no warning
    noise = [line for line in server_log.splitlines()
             if line.strip() and not line.startswith("incidentwatch workbench on")]
    assert not noise, f"{figures}\nserver stderr:\n{server_log[-5000:]}"
    assert results, "no request was answered"
    if failed:
        kinds: dict[str, int] = {}
        for res in failed:
            kinds[res.problem.split(":")[0]] = kinds.get(res.problem.split(":")[0], 0) + 1
        shown = "\n".join(f"  at {res.at - start:.2f} s: {res.kind} {res.url} after {res.seconds:.2f} s: {res.problem}"
                          for res in failed[:15])
        pytest.fail(f"{len(failed)} of {len(results)} requests failed ({kinds}): {figures}\n{shown}\n"
                    f"server stderr:\n{server_log[-3000:]}")
    assert p99 < P99_LIMIT, f"p99 latency {p99:.3f} s is over {P99_LIMIT} s: {figures}"
    assert worst < MAX_LIMIT, f"a request took {worst:.3f} s: {figures}"
    assert {"list", "filter", "search", "dossier", "download"} <= set(by_kind), \
        f"a kind of request never ran: {sorted(by_kind)}"
