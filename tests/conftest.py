"""Shared fixtures: a small corpus of invented news reports in every input format.

All reports below were written for this test suite; the places are real, the
attacks are invented.  The spaCy model loads once per test process, so the
corpus is ingested once per session (``ingested``) and the tests that only read
the result share that database.
"""
from __future__ import annotations

import json
import os
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

from incidentwatch import api
from incidentwatch.model import Article
from incidentwatch.store import Store


@pytest.fixture(autouse=True)
def _no_database_from_the_environment(monkeypatch):
    """Tests always name their database; a developer's INCIDENTWATCH_DB must not leak in."""
    monkeypatch.delenv("INCIDENTWATCH_DB", raising=False)


# --- the corpus ---------------------------------------------------------------------------------------------

# Plain text, first line a headline (no closing full stop), then a dateline paragraph.
TEXT_WITH_TITLE = """\
Gunmen kill two officers at Derbent checkpoint

DERBENT, March 3, 2019 — Gunmen opened fire on a police checkpoint in Derbent, Dagestan on Sunday, killing two \
officers and wounding three others, the regional interior ministry said.

The attackers escaped in a grey car after the shooting. Investigators found dozens of bullet casings at the \
checkpoint, and no group has said it carried out the attack.
"""

# Plain text whose first line is a full sentence: there is no headline to take.
TEXT_WITHOUT_TITLE = """\
A bomb hidden in a parked motorcycle exploded near a vegetable market in Quetta, Pakistan, on Tuesday, \
June 11, 2019, killing four people and injuring 12, police said.
The blast shattered shop windows along the street. A second explosive device was found nearby and defused \
by the bomb disposal squad before it could go off. No group has claimed the bombing, although militants have \
attacked markets in the city before.
"""

# A nested directory, two levels down, to show that directories are read recursively.
NESTED_TEXT = """\
Grenade attack on Grozny patrol

GROZNY, August 20, 2017 — An attacker threw a grenade at a police patrol in Grozny, Chechnya on Sunday \
evening, injuring two officers, officials said.

The explosion damaged the patrol car. The attacker was shot dead by other officers at the scene.
"""

# A follow-up on the Mogadishu attack of the JSONL file: a second source with a higher toll.
FOLLOW_UP_TEXT = """\
Mogadishu hotel attack toll rises to eight

MOGADISHU, September 6, 2021 — The number of people killed in Sunday's car bomb and gun attack on a hotel \
in Mogadishu, Somalia, has risen to eight, police said on Monday.

The attackers detonated a car bomb at the hotel gate before gunmen stormed the building. Al-Shabaab \
claimed responsibility for the attack.
"""

HTML_PAGE = """\
<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Suicide bombers strike mosque in Maiduguri | Lakeside Herald</title>
  <meta property="og:title" content="Suicide bombers strike mosque in Maiduguri">
  <meta property="og:site_name" content="Lakeside Herald">
  <meta property="article:published_time" content="2018-05-02T08:30:00+01:00">
  <link rel="canonical" href="https://lakeside-herald.example.com/world/maiduguri-mosque-bombing">
</head>
<body>
  <nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
  <div class="cookie-banner">This site uses cookies to remember your settings.</div>
  <article>
    <h1>Suicide bombers strike mosque in Maiduguri</h1>
    <p>Two suicide bombers blew themselves up at a mosque in Maiduguri, Nigeria, during early morning prayers \
on Tuesday, killing at least nine worshippers and wounding 20 others, emergency officials said.</p>
    <p>The first bomber detonated his explosives inside the prayer hall, and the second set off his device \
among the people who ran out of the building, a witness said.</p>
    <p>No group claimed the bombing, but the city has been hit many times by militants who use suicide \
bombers against markets and mosques in north-eastern Nigeria.</p>
  </article>
  <footer>Copyright Lakeside Herald. All rights reserved.</footer>
</body>
</html>
"""

JSONL_WITH_ID = {
    "id": "wire-2020-0412-kidal",
    "url": "https://wire.example.org/africa/2020/04/12/kidal-convoy",
    "published": "2020-04-12T09:15:00Z",
    "title": "Roadside bomb hits army convoy near Kidal",
    "text": "Roadside bomb hits army convoy near Kidal\n\n"
            "A roadside bomb struck a Malian army convoy outside Kidal, Mali, on Saturday, April 11, 2020, "
            "killing three soldiers and wounding five, the army said.\n\n"
            "The explosion destroyed a truck at the head of the convoy, and gunmen then opened fire on the "
            "soldiers before withdrawing into the desert.",
    # fields the reader does not use: they must be ignored
    "lang": "en",
    "tags": ["mali", "sahel"],
    "byline": {"name": "Wire desk"},
}

JSONL_WITHOUT_ID = {
    "url": "https://wire.example.org/africa/2021/09/05/mogadishu-hotel",
    "published": "2021-09-05",
    "title": "Car bomb outside Mogadishu hotel",
    "text": "A car bomb exploded at the gate of a hotel in Mogadishu, Somalia, on Sunday, September 5, 2021, "
            "killing six people, police said.\n\n"
            "Gunmen then stormed the hotel and exchanged fire with security forces for several hours before "
            "the attack was ended.\n\n"
            "Al-Shabaab claimed responsibility for the attack in a statement broadcast on its radio station.",
}

RSS_FEED = """\
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
  <channel>
    <title>Northern Wire</title>
    <link>https://northern-wire.example.org/</link>
    <description>Invented feed for the incidentwatch tests.</description>
    <item>
      <title>Gunmen attack bus station in Nazran</title>
      <link>https://northern-wire.example.org/news/nazran-bus-station</link>
      <guid isPermaLink="false">urn:northern-wire:2016-nazran</guid>
      <pubDate>Fri, 07 Oct 2016 18:00:00 GMT</pubDate>
      <description>&lt;p&gt;Gunmen opened fire at a bus station in Nazran, Ingushetia, on Friday, October 7, 2016, \
killing one police officer and wounding two passengers, officials said.&lt;/p&gt;\
&lt;p&gt;The attackers fled on foot after the shooting, and police sealed off the area.&lt;/p&gt;</description>
    </item>
    <item>
      <title>Bomb blast at Khasavyurt market</title>
      <link>https://northern-wire.example.org/news/2016/11/02/khasavyurt-market-blast</link>
      <description>A homemade bomb exploded at a market in Khasavyurt, Dagestan, on Tuesday, November 1, 2016, \
injuring seven traders, police said. Investigators said the explosive device had been left in a bag \
near the entrance of the market, and that they were treating the blast as a terrorist attack.</description>
    </item>
  </channel>
</rss>
"""

ATOM_FEED = """\
<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Sahel Monitor</title>
  <id>tag:sahel-monitor.example.org,2022:feed</id>
  <updated>2022-01-16T10:00:00Z</updated>
  <entry>
    <title>Militants attack gendarmerie post near Ouagadougou</title>
    <id>tag:sahel-monitor.example.org,2022:ouaga-gendarmerie</id>
    <link href="https://sahel-monitor.example.org/2022/01/16/gendarmerie-post"/>
    <published>2022-01-16T08:00:00Z</published>
    <updated>2022-01-16T10:00:00Z</updated>
    <content type="html">&lt;p&gt;Militants attacked a gendarmerie post near Ouagadougou, Burkina Faso, on \
Saturday, January 15, 2022, killing four gendarmes, the security ministry said.&lt;/p&gt;\
&lt;p&gt;The gunmen opened fire on the post at dawn and set fire to two vehicles before fleeing.&lt;/p&gt;</content>
  </entry>
</feed>
"""


@dataclass(frozen=True)
class Corpus:
    """The corpus directory and where each article sits in it."""

    root: Path
    text_with_title: Path
    text_without_title: Path
    nested_text: Path
    follow_up: Path
    html: Path
    jsonl: Path
    rss: Path
    atom: Path
    hidden: Path

    #: articles the whole directory holds (the JSONL file and the RSS feed hold two each)
    article_count: int = 10


def write_corpus(root: Path) -> Corpus:
    root.mkdir(parents=True, exist_ok=True)
    nested = root / "archive" / "2017"
    nested.mkdir(parents=True)
    files = Corpus(
        root=root,
        text_with_title=root / "derbent_checkpoint.txt",
        text_without_title=root / "quetta_market.txt",
        nested_text=nested / "grozny_patrol.txt",
        follow_up=root / "mogadishu_update.txt",
        html=root / "maiduguri_mosque.html",
        jsonl=root / "wire.jsonl",
        rss=root / "northern_wire.rss",
        atom=root / "sahel_monitor.atom",
        hidden=root / ".editor-notes.txt",
    )
    files.text_with_title.write_text(TEXT_WITH_TITLE, encoding="utf-8")
    files.text_without_title.write_text(TEXT_WITHOUT_TITLE, encoding="utf-8")
    files.nested_text.write_text(NESTED_TEXT, encoding="utf-8")
    files.follow_up.write_text(FOLLOW_UP_TEXT, encoding="utf-8")
    files.html.write_text(HTML_PAGE, encoding="utf-8")
    files.jsonl.write_text(json.dumps(JSONL_WITH_ID) + "\n\n" + json.dumps(JSONL_WITHOUT_ID) + "\n", encoding="utf-8")
    files.rss.write_text(RSS_FEED, encoding="utf-8")
    files.atom.write_text(ATOM_FEED, encoding="utf-8")
    # hidden files (editor backups, .DS_Store) are not inputs
    files.hidden.write_text("Draft: gunmen opened fire, explosion, bomb, attack.\nNot for ingest.\n", encoding="utf-8")
    return files


@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> Corpus:
    return write_corpus(tmp_path_factory.mktemp("corpus") / "reports")


@dataclass
class Ingested:
    """A database holding the whole corpus, ingested once for the session."""

    db: str
    store: Store
    report: api.IngestReport
    events: list[tuple[str, object]]
    corpus: Corpus

    def articles_by_source(self) -> dict[str, Article]:
        """Stored articles keyed by the input they came from ("path" or "path:line"; a feed's items
        share one source, so take feed items from `events` instead)."""
        out = {}
        for kind, item in self.events:
            if kind == "ingested":
                out[item.source] = self.store.article(item.id)
        return out


@pytest.fixture(scope="session")
def ingested(corpus, tmp_path_factory) -> Ingested:
    db = f"sqlite:///{tmp_path_factory.mktemp('db') / 'corpus.db'}"
    store = Store(db)
    events: list[tuple[str, object]] = []
    report = api.ingest([corpus.root], db=store, on_event=lambda kind, item: events.append((kind, item)))
    yield Ingested(db=db, store=store, report=report, events=events, corpus=corpus)
    store.close()


@pytest.fixture(scope="session")
def incident_records(ingested) -> list[dict]:
    return list(api.incidents(ingested.store))


# PostgreSQL beside SQLite: set INCIDENTWATCH_TEST_POSTGRES to the URL of a role that may create databases
# (`.ci/run` starts Debian's PostgreSQL and sets it); every test that takes `fresh_db` then runs on both
POSTGRES = os.environ.get("INCIDENTWATCH_TEST_POSTGRES")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(
    not POSTGRES, reason="INCIDENTWATCH_TEST_POSTGRES is not set"))]


@pytest.fixture(params=BACKENDS)
def fresh_db(request, tmp_path) -> Iterator[str]:
    """An empty database of the test's own, on each backend under test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    from sqlalchemy import create_engine, text

    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    name = f"iw_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield POSTGRES.rsplit("/", 1)[0] + "/" + name
    finally:
        # FORCE: the API's stores keep pooled connections open
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def incidentwatch_command() -> list[str]:
    """The installed `incidentwatch` script beside this Python, or the module when it is not installed."""
    script = Path(sys.executable).with_name("incidentwatch")
    return [str(script)] if script.exists() else [sys.executable, "-m", "incidentwatch.command"]


def sparse_file(path: Path, size: int) -> Path:
    """A file of `size` bytes that takes no disk space (a hole of NUL bytes)."""
    with open(path, "wb") as f:
        f.truncate(size)
    return path



@pytest.fixture(scope="module")
def cli():
    """The `incidentwatch` command in process, on a wide terminal: its output, asserting it succeeded."""
    from typer.testing import CliRunner

    from incidentwatch.cli import app

    runner = CliRunner()

    def invoke(*args: str) -> str:
        result = runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "200"})
        assert result.exit_code == 0, result.output
        return result.stdout
    return invoke
