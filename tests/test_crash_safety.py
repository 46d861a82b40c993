"""Crash safety of `incidentwatch ingest`: killed with SIGKILL at random moments, then run again.

The README promises that each article is stored in its own transaction and that an article already stored
is skipped as a duplicate; `api.ingest` fuses the new mentions into incidents every 200 mentions and at the
end.  A crash (the OOM killer, a power cut, `kill -9`) must then cost nothing but time:

* after each kill the SQLite file is sound (`PRAGMA integrity_check` is "ok", `PRAGMA foreign_key_check`
  finds nothing), the store opens, and every article in it is stored whole (all its mentions, or not at all);
* running the same ingest again to completion stores every one of the 1,000 articles exactly once;
* and the incidents are exactly those of an ingest of the same file that was never interrupted (the
  records hold nothing time-dependent: `updated_at` is a column of the table, not part of the record).

The corpus is 1,000 short articles written here from sentence templates (real towns, invented attacks):
a third report attacks, about two in five of those in a second, differently worded report that fusion must
merge with the first; the rest are local news, a few with attack-like words (a gas explosion, a striker's
attack).  Kill moments come from a seeded random generator: a kill waits until the run has stored at least
a drawn number of articles (and at least one more than before it started), then a drawn fraction of a
second, then SIGKILLs the `incidentwatch` process; the last kill of a series waits for the 1,000th article
instead, so that it lands in the fusion that closes the ingest (or just after it).  The series runs once
with one process (5 kills) and once with `--workers 2` (3 kills).

The whole module does three complete ingests' worth of work (about 12 s each on a 2-core machine) plus
the start-up of each of the 11 runs (a few seconds: the spaCy models and the occurrence model): some 2 to 2.5 minutes.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import random
import signal
import sqlite3
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import incidentwatch_command

from incidentwatch import api
from incidentwatch.store import Store

ARTICLES = 1000
SEED = 1917
KILLS = {1: 5, 2: 3}  # workers -> kills in the series (each killed run costs a start-up of about 6 s)
MAX_KILL_DELAY = 0.25  # seconds after the drawn article count is reached
RUN_TIMEOUT = 300  # seconds, for one run of the command (a complete ingest takes about 12)


# --- the corpus ---------------------------------------------------------------------------------------------

TOWNS = [  # (town, its region or country as a report names it)
    ("Derbent", "Dagestan"), ("Makhachkala", "Dagestan"), ("Khasavyurt", "Dagestan"), ("Kizlyar", "Dagestan"),
    ("Nalchik", "Kabardino-Balkaria"), ("Grozny", "Chechnya"), ("Nazran", "Ingushetia"),
    ("Vladikavkaz", "North Ossetia"), ("Beslan", "North Ossetia"), ("Stavropol", "Russia"),
    ("Mosul", "Iraq"), ("Kirkuk", "Iraq"), ("Baqubah", "Iraq"), ("Ramadi", "Iraq"), ("Tikrit", "Iraq"),
    ("Aleppo", "Syria"), ("Homs", "Syria"), ("Idlib", "Syria"), ("Raqqa", "Syria"),
    ("Kabul", "Afghanistan"), ("Jalalabad", "Afghanistan"), ("Kandahar", "Afghanistan"),
    ("Quetta", "Pakistan"), ("Peshawar", "Pakistan"), ("Diyarbakir", "Turkey"), ("Arish", "Egypt"),
    ("Brussels", "Belgium"), ("Lyon", "France"), ("Nice", "France"), ("Manchester", "Britain"),
    ("Barcelona", "Spain"), ("Hamburg", "Germany"), ("Stockholm", "Sweden"), ("Vienna", "Austria"),
]
ATTACKS = [  # (what happened, what a follow-up report calls it)
    ("a car bomb exploded near {target}", "car bombing"),
    ("gunmen opened fire on {target}", "shooting"),
    ("a suicide bomber blew himself up at {target}", "suicide bombing"),
    ("an attacker threw a grenade at {target}", "grenade attack"),
    ("a roadside bomb hit {target}", "bombing"),
]
TARGETS = ["a police checkpoint", "a busy market", "a mosque", "a bus station", "an army convoy",
           "a government building", "a cafe", "a checkpoint outside the town"]
SAID = ["police said", "the interior ministry said", "officials said", "local authorities said",
        "a hospital spokesman said"]
FIRST_REPORT = "{town}, {region}: {what} on {weekday}, killing {killed} people and injuring {injured}, {said}."
FOLLOW_UPS = [
    ("The death toll from {weekday}'s {kind} at {target} in {town} has risen to {killed}, {said}. "
     "Another {injured} people were wounded."),
    ("{killed} people died and {injured} were hurt in the {kind} at {target} in {town}, {region}, on {weekday}, "
     "{said}."),
]
AFTERMATH = [
    "The attackers fled after the blast, and investigators opened a terrorism case.",
    "No group has said it carried out the attack, but militants have struck the town before.",
    "Witnesses said the explosion and the gunfire that followed could be heard across the town.",
    "Security forces sealed off the area after the attack and searched for the assailants.",
]
LOCAL_NEWS = [
    "{town} held its annual {festival} festival on {weekday}, and organisers counted {n} visitors.",
    "The football club of {town} won {a}-{b} at home on {weekday} in front of {n} supporters.",
    "Heavy rain flooded {n} houses in {town}, {region}, on {weekday}, the weather service said.",
    "The council of {town} approved a budget of {n} million for new schools on {weekday}.",
    "A new bridge over the river in {town} opened on {weekday} after {a} years of work; {n} cars crossed it.",
    "A gas explosion in a flat in {town} injured {a} people on {weekday}; firefighters said a boiler leaked.",
    "The striker's late attack won {town} the match {a}-{b} on {weekday}, before {n} fans.",
    "Farmers near {town} expect a harvest {a} percent larger than last year, {n} growers told a survey on {weekday}.",
]
FESTIVALS = ["music", "film", "book", "food", "flower", "jazz"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def make_corpus(n: int = ARTICLES, seed: int = SEED) -> list[dict]:
    """`n` distinct articles (id, text, published), a third of them attack reports, in a seeded order.

    Each attack happens in its own town-week; about two in five get a second report in other words
    (published a day or two later, same toll), which fusion merges with the first."""
    rng = random.Random(seed)
    start = dt.date(2015, 1, 1)
    town_weeks: set[tuple[str, int]] = set()
    records: list[dict] = []
    texts: set[str] = set()

    def add(text: str, published: dt.date) -> int:
        if text in texts:
            return 0
        texts.add(text)
        records.append({"id": f"crash-{len(records):04d}", "text": text, "published": published.isoformat()})
        return 1

    attacks = 0
    while attacks < n // 3:
        town, region = rng.choice(TOWNS)
        day = start + dt.timedelta(days=rng.randrange(8 * 365))
        if (town, day.toordinal() // 7) in town_weeks:
            continue
        town_weeks.add((town, day.toordinal() // 7))
        what, kind = rng.choice(ATTACKS)
        target = rng.choice(TARGETS)
        facts = {"town": town, "region": region, "weekday": WEEKDAYS[day.weekday()], "kind": kind,
                 "target": target, "what": what.format(target=target), "killed": rng.randrange(1, 30),
                 "injured": rng.randrange(0, 60)}
        text = FIRST_REPORT.format(**facts, said=rng.choice(SAID)) + " " + rng.choice(AFTERMATH)
        attacks += add(text, day + dt.timedelta(days=rng.choice([0, 1])))
        if attacks < n // 3 and rng.random() < 0.4:
            text = rng.choice(FOLLOW_UPS).format(**facts, said=rng.choice(SAID)) + " " + rng.choice(AFTERMATH)
            attacks += add(text, day + dt.timedelta(days=rng.choice([1, 2])))
    while len(records) < n:
        town, region = rng.choice(TOWNS)
        day = start + dt.timedelta(days=rng.randrange(8 * 365))
        text = rng.choice(LOCAL_NEWS).format(town=town, region=region, weekday=WEEKDAYS[day.weekday()],
                                             festival=rng.choice(FESTIVALS), n=rng.randrange(10, 5000),
                                             a=rng.randrange(1, 9), b=rng.randrange(0, 5))
        add(text, day + dt.timedelta(days=1))
    rng.shuffle(records)
    return records


@pytest.fixture(scope="module")
def crash_corpus(tmp_path_factory) -> Path:
    records = make_corpus()
    assert len({r["id"] for r in records}) == len({r["text"] for r in records}) == ARTICLES
    path = tmp_path_factory.mktemp("crash") / "articles.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


# --- running and killing the command ------------------------------------------------------------------------

def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("INCIDENTWATCH_DB", None)
    return env


def _ingest_command(corpus: Path, db: Path, workers: int) -> list[str]:
    return [*incidentwatch_command(), "ingest", str(corpus), "--db", f"sqlite:///{db}", "--workers", str(workers)]


def _rows(db: Path, sql: str) -> list[tuple]:
    """Rows of a query on a fresh connection (one that sees the latest committed state), [] before the
    schema exists."""
    try:
        con = sqlite3.connect(db, timeout=30)
        try:
            return con.execute(sql).fetchall()
        finally:
            con.close()
    except sqlite3.OperationalError:
        return []


def _count(db: Path, table: str) -> int:
    rows = _rows(db, f"SELECT count(*) FROM {table}")
    return rows[0][0] if rows else 0


def _mentions_by_article(db: Path) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for article_id, mention_id in _rows(db, "SELECT a.id, m.id FROM articles a LEFT JOIN mentions m "
                                            "ON m.article_id = a.id"):
        out.setdefault(article_id, set())
        if mention_id is not None:
            out[article_id].add(mention_id)
    return out


def _unfused(db: Path) -> int:
    """Stored mentions that belong to no incident."""
    return _rows(db, "SELECT count(*) FROM mentions WHERE id NOT IN (SELECT mention_id FROM incident_mentions)")[0][0]


def _live_group_members(pgid: int) -> list[int]:
    """Processes (not zombies) of a process group: what is left of a killed run."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()  # after "pid (comm) ": state ppid pgrp ...
        if fields[0] != "Z" and int(fields[2]) == pgid:
            pids.append(int(entry.name))
    return pids


def _open_files(pid: int) -> list[Path]:
    out = []
    try:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                out.append(Path(os.readlink(fd)))
            except OSError:
                pass
    except OSError:
        pass
    return out


def _end_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass


@dataclass
class Kill:
    """One killed run and what the database looked like afterwards."""

    target: int  # kill once at least this many articles are stored ...
    delay: float  # ... and this many seconds more
    stored_before: int
    stored: int = 0  # articles in the database after the kill
    mentions: int = 0
    incidents: int = 0
    unfused: int = 0  # stored mentions in no incident (to be fused by a later run)
    exited_first: int | None = None  # the run's exit status if it finished before it could be killed
    integrity: str = ""
    foreign_key_violations: list[tuple] = field(default_factory=list)
    store_error: str | None = None  # why Store(url) would not open, if it would not
    partly_stored: list[str] = field(default_factory=list)  # articles stored without all their mentions
    orphans: list[int] = field(default_factory=list)  # processes of the run alive 1 s after the kill
    orphan_files: list[str] = field(default_factory=list)  # files of the database they hold open


@dataclass
class Series:
    """Kills of `incidentwatch ingest --workers N` into one database, then the run that completes it."""

    workers: int
    db: Path
    kills: list[Kill]
    final_exit: int
    final_stderr: str

    @property
    def url(self) -> str:
        return f"sqlite:///{self.db}"


def _kill_once(corpus: Path, db: Path, workers: int, target: int, delay: float,
               expected: dict[str, set[str]]) -> Kill:
    """Start an ingest, SIGKILL its process once `target` articles (and at least one new one) are stored and
    `delay` seconds more have passed, then inspect the database as the crash left it."""
    kill = Kill(target=target, delay=delay, stored_before=_count(db, "articles"))
    proc = subprocess.Popen(_ingest_command(corpus, db, workers), stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_env(),
                            start_new_session=True)  # its own process group: workers and all
    try:
        deadline = time.monotonic() + RUN_TIMEOUT
        while proc.poll() is None and time.monotonic() < deadline:
            if _count(db, "articles") >= max(target, kill.stored_before + 1):
                time.sleep(delay)
                break
            time.sleep(0.01)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)  # the main process only, as the OOM killer would
        else:
            kill.exited_first = proc.returncode
        proc.wait()
        waited = time.monotonic() + 1.0  # time for workers to notice that their parent is gone
        kill.orphans = _live_group_members(proc.pid)
        while kill.orphans and time.monotonic() < waited:
            time.sleep(0.05)
            kill.orphans = _live_group_members(proc.pid)
        kill.orphan_files = sorted({f.name for pid in kill.orphans for f in _open_files(pid)
                                    if f.name.startswith(db.name)})
    finally:
        _end_group(proc.pid)  # leave nothing running, whatever was found

    # the file as the crash left it, read with plain sqlite3 before anything of ours opens it
    con = sqlite3.connect(db)
    try:
        kill.integrity = "; ".join(r[0] for r in con.execute("PRAGMA integrity_check"))
        kill.foreign_key_violations = con.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        con.close()
    try:
        store = Store(f"sqlite:///{db}")
        try:
            store.count("articles")
        finally:
            store.close()
    except Exception as e:  # noqa: BLE001 -- whatever stops it opening is reported by the test
        kill.store_error = f"{type(e).__name__}: {e}"
    kill.stored = _count(db, "articles")
    kill.mentions = _count(db, "mentions")
    kill.incidents = _count(db, "incidents")
    kill.unfused = _unfused(db)
    kill.partly_stored = sorted(a for a, ms in _mentions_by_article(db).items() if ms != expected.get(a))
    return kill


@pytest.fixture(scope="module")
def uninterrupted(crash_corpus, tmp_path_factory) -> Path:
    """The same file ingested by one run that nobody interrupts: the reference."""
    db = tmp_path_factory.mktemp("uninterrupted") / "reference.db"
    proc = subprocess.run(_ingest_command(crash_corpus, db, 1), capture_output=True, text=True, env=_env(),
                          timeout=RUN_TIMEOUT, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return db


@pytest.fixture(scope="module", params=sorted(KILLS), ids=lambda w: f"workers={w}")
def series(request, crash_corpus, uninterrupted, tmp_path_factory) -> Series:
    """Kill the ingest KILLS[workers] times at seeded random moments, then let one run complete it."""
    workers = request.param
    db = tmp_path_factory.mktemp(f"killed-w{workers}") / "killed.db"
    expected = _mentions_by_article(uninterrupted)
    rng = random.Random(SEED + workers)
    # the last kill waits for the last article, so that it lands in the closing fusion or just after it
    targets = sorted(rng.sample(range(1, ARTICLES), KILLS[workers] - 1)) + [ARTICLES]
    kills = [_kill_once(crash_corpus, db, workers, target, round(rng.uniform(0, MAX_KILL_DELAY), 3), expected)
             for target in targets]
    err = db.with_name("final.stderr")
    with open(err, "w", encoding="utf-8") as f:
        proc = subprocess.run(_ingest_command(crash_corpus, db, workers), stdin=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL, stderr=f, env=_env(), timeout=RUN_TIMEOUT,
                              check=False)
    lines = err.read_text(encoding="utf-8").splitlines()
    return Series(workers, db, kills, proc.returncode, "\n".join(lines[-3:]))


def _describe(kills: list[Kill]) -> str:
    return "\n".join(f"  kill {n}: target {k.target} +{k.delay}s; stored {k.stored_before} -> {k.stored} articles, "
                     f"{k.mentions} mentions ({k.unfused} in no incident), {k.incidents} incidents"
                     for n, k in enumerate(kills, 1))


# --- the tests ----------------------------------------------------------------------------------------------

def test_the_uninterrupted_reference_has_work_for_fusion(uninterrupted):
    """The reference holds all 1,000 articles, and fusion merged reports of one event into one incident
    (so "the incidents are equal" below compares fusion, not just one incident per article)."""
    assert _count(uninterrupted, "articles") == ARTICLES
    mentions, incidents = _count(uninterrupted, "mentions"), _count(uninterrupted, "incidents")
    merged = _rows(uninterrupted, "SELECT count(*) FROM (SELECT incident_id FROM incident_mentions "
                                  "GROUP BY incident_id HAVING count(*) > 1)")[0][0]
    assert mentions >= ARTICLES // 4, f"only {mentions} mentions: the attack reports were not recognised"
    assert merged >= 50, f"only {merged} of {incidents} incidents merge several reports"
    assert _unfused(uninterrupted) == 0


def test_every_kill_landed_while_storing(series):
    """Each planned kill hit a running ingest that had stored at least one new article (none finished first)."""
    landed = [k for k in series.kills if k.exited_first is None and k.stored > k.stored_before]
    assert len(landed) == KILLS[series.workers], _describe(series.kills)


def test_the_database_is_sound_after_every_kill(series):
    """After each SIGKILL: integrity_check is "ok", foreign_key_check finds nothing, the store opens, and no
    article is stored without all of its mentions (one transaction per article)."""
    survived = [k for k in series.kills if k.integrity == "ok" and not k.foreign_key_violations
                and k.store_error is None and not k.partly_stored]
    problems = [(n, k.integrity, k.foreign_key_violations[:5], k.store_error, k.partly_stored[:5])
                for n, k in enumerate(series.kills, 1) if k not in survived]
    assert len(survived) == len(series.kills) == KILLS[series.workers], problems


def test_killed_workers_do_not_outlive_the_ingest(series):
    """With --workers, the worker processes end when the ingest they serve is killed; left running, each
    holds the database files open and its copy of the model's memory, for ever (they were seen blocked
    reading their task pipe minutes after the kill)."""
    orphans = {n: k.orphans for n, k in enumerate(series.kills, 1) if k.orphans}
    files = sorted({f for k in series.kills for f in k.orphan_files})
    assert orphans == {}, (f"{sum(map(len, orphans.values()))} processes of {len(orphans)} killed runs were "
                           f"still running 1 s after their ingest was killed (kill number: pids): {orphans}, "
                           f"holding {files} open")


def test_the_rerun_stores_every_article_exactly_once(series, crash_corpus, uninterrupted):
    """The run after the kills completes: 1,000 articles, each id and each text once, none lost, none doubled,
    with the same mentions as the reference."""
    assert series.final_exit == 0, series.final_stderr
    store = Store(series.url)
    try:
        assert store.count("articles") == ARTICLES
    finally:
        store.close()
    ids = [r[0] for r in _rows(series.db, "SELECT id FROM articles")]
    expected = {json.loads(line)["id"] for line in crash_corpus.read_text(encoding="utf-8").splitlines()}
    lost, doubled = expected - set(ids), len(ids) - len(set(ids))
    assert (len(lost), doubled) == (0, 0), f"{len(lost)} articles lost ({sorted(lost)[:5]}), {doubled} doubled"
    assert _rows(series.db, "SELECT count(DISTINCT content_hash) FROM articles")[0][0] == ARTICLES
    assert _mentions_by_article(series.db) == _mentions_by_article(uninterrupted)


def test_incidents_after_recovery_equal_those_of_an_uninterrupted_ingest(series, uninterrupted):
    """Killed and re-run, the database holds exactly the incidents of the uninterrupted ingest, field for
    field (the records have no time-dependent field), and every stored mention is in an incident."""
    reference = list(api.incidents(f"sqlite:///{uninterrupted}"))
    recovered = list(api.incidents(series.url))
    if recovered == reference:
        assert _unfused(series.db) == 0
        return
    ref_ids, rec_ids = {r["id"] for r in reference}, {r["id"] for r in recovered}
    by_id = {r["id"]: r for r in recovered}
    changed = [r for r in reference if r["id"] in by_id and by_id[r["id"]] != r]
    extra = [r for r in recovered if r["id"] not in ref_ids]

    def reports(r: dict) -> str:
        return "+".join(s["article_id"] for s in r["sources"])
    examples = [f"{r['id']} of {reports(r)} is {reports(by_id[r['id']])} after recovery" for r in changed[:2]]
    examples += [f"extra {r['id']} of {reports(r)}" for r in extra[:2]]
    pytest.fail(f"with --workers {series.workers}, after {len(series.kills)} kills and a complete re-run: "
                f"{len(recovered)} incidents, not the {len(reference)} of the uninterrupted ingest; "
                f"{len(ref_ids - rec_ids)} missing, {len(extra)} extra, {len(changed)} differ "
                f"({'; '.join(examples) or 'no example'}); "
                f"{_unfused(series.db)} of {_count(series.db, 'mentions')} stored mentions are in no incident "
                f"(reference: {_unfused(uninterrupted)}).\n{_describe(series.kills)}", pytrace=False)
