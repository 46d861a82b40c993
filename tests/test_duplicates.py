"""Ingesting an article that is already stored stores nothing new, and the user is told so.

An article is a duplicate when a stored article has its id, or has the same normalised text.
"""
from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from incidentwatch import api
from incidentwatch.cli import app
from incidentwatch.ingest import read_paths
from incidentwatch.store import Store

from conftest import JSONL_WITH_ID, TEXT_WITH_TITLE, write_corpus


@dataclass
class Desk:
    db: str
    inbox: Path
    ids: list[str]


@pytest.fixture(scope="module")
def desk(tmp_path_factory) -> Desk:
    """A database holding three reports: a text file and a two-line JSONL file."""
    root = tmp_path_factory.mktemp("duplicates")
    corpus = write_corpus(root / "corpus")
    inbox = root / "inbox"
    inbox.mkdir()
    shutil.copy(corpus.text_with_title, inbox)
    shutil.copy(corpus.jsonl, inbox)
    db = f"sqlite:///{root / 'desk.db'}"
    report = api.ingest([inbox], db=db)
    assert (report.ingested, report.duplicates, report.rejected) == (3, 0, [])
    return Desk(db=db, inbox=inbox, ids=[a.id for a in read_paths([inbox])])


def snapshot(db: str) -> dict:
    store = Store(db)
    try:
        return {"articles": store.count("articles"), "mentions": store.count("mentions"),
                "evidence": store.count("evidence"), "incidents": list(api.incidents(store))}
    finally:
        store.close()


def test_ingesting_the_same_files_again_stores_nothing_new(desk):
    before = snapshot(desk.db)
    report = api.ingest([desk.inbox], db=desk.db)
    assert (report.ingested, report.duplicates, report.rejected) == (0, 3, [])
    assert sorted(report.duplicate_ids) == sorted(desk.ids)
    assert report.exit_code == 0, "a duplicate is not an error"
    assert snapshot(desk.db) == before


def test_the_cli_says_each_duplicate_is_already_stored(desk):
    before = snapshot(desk.db)
    result = CliRunner().invoke(app, ["ingest", str(desk.inbox), "--db", desk.db])
    assert result.exit_code == 0
    lines = result.stderr.splitlines()
    jsonl = desk.inbox / "wire.jsonl"
    assert lines[:3] == [
        f"duplicate {desk.inbox / 'derbent_checkpoint.txt'}: already stored",
        f"duplicate {jsonl}:1: already stored",
        f"duplicate {jsonl}:3: already stored",
    ]
    assert lines[-1].startswith("0 ingested, 3 duplicate, 0 rejected")
    assert snapshot(desk.db) == before


def test_a_copy_under_another_name_is_a_duplicate(desk, tmp_path):
    copy = tmp_path / "forwarded-by-a-colleague.txt"
    copy.write_text(TEXT_WITH_TITLE, encoding="utf-8")
    events = []
    report = api.ingest([copy], db=desk.db, on_event=lambda kind, item: events.append((kind, item.source)))
    assert (report.ingested, report.duplicates) == (0, 1)
    assert events == [("duplicate", str(copy))]
    assert report.duplicate_ids == [desk.ids[0]], "the report names the stored article it duplicates"


def test_a_copy_with_other_spacing_and_case_is_a_duplicate(desk, tmp_path):
    copy = tmp_path / "reformatted.txt"
    copy.write_text("   " + TEXT_WITH_TITLE.upper().replace("\n\n", "\r\n\r\n\r\n").replace(" ", "  "),
                    encoding="utf-8")
    report = api.ingest([copy], db=desk.db)
    assert (report.ingested, report.duplicates) == (0, 1)


def test_the_same_text_under_another_id_is_a_duplicate(desk, tmp_path):
    path = tmp_path / "other-wire.jsonl"
    path.write_text(json.dumps({"id": "other-wire-77", "text": TEXT_WITH_TITLE}) + "\n", encoding="utf-8")
    report = api.ingest([path], db=desk.db)
    assert (report.ingested, report.duplicates) == (0, 1)
    assert report.duplicate_ids == [desk.ids[0]]


def test_a_record_with_a_stored_id_is_a_duplicate_even_if_its_text_changed(desk, tmp_path):
    """The id names the article: a corrected copy under the same id is not stored a second time."""
    path = tmp_path / "corrected.jsonl"
    corrected = dict(JSONL_WITH_ID, text=JSONL_WITH_ID["text"] + "\n\nThis story has been corrected.")
    path.write_text(json.dumps(corrected) + "\n", encoding="utf-8")
    before = snapshot(desk.db)
    report = api.ingest([path], db=desk.db)
    assert (report.ingested, report.duplicates) == (0, 1)
    assert report.duplicate_ids == [JSONL_WITH_ID["id"]]
    assert snapshot(desk.db) == before


def test_the_same_article_twice_in_one_batch_is_stored_once(fresh_db, tmp_path):
    for name in ("monday.txt", "monday-copy.txt"):
        (tmp_path / name).write_text(TEXT_WITH_TITLE, encoding="utf-8")
    report = api.ingest([tmp_path / "monday.txt", tmp_path / "monday-copy.txt"], db=fresh_db)
    assert (report.ingested, report.duplicates, report.rejected) == (1, 1, [])
    assert snapshot(fresh_db)["articles"] == 1


def test_the_same_text_under_two_ids_in_one_batch_is_stored_once_without_error(fresh_db, tmp_path):
    """A text file and a JSONL record with its own id, same text, read in the same batch."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.txt").write_text(TEXT_WITH_TITLE, encoding="utf-8")
    (inbox / "b.jsonl").write_text(json.dumps({"id": "wire-9", "text": TEXT_WITH_TITLE}) + "\n", encoding="utf-8")
    report = api.ingest([inbox], db=fresh_db)
    assert (report.ingested, report.duplicates, report.rejected) == (1, 1, [])
    assert snapshot(fresh_db)["articles"] == 1


def test_the_same_id_twice_in_one_batch_is_stored_once(fresh_db, tmp_path):
    path = tmp_path / "twice.jsonl"
    first = {"id": "wire-10", "text": TEXT_WITH_TITLE}
    second = {"id": "wire-10", "text": TEXT_WITH_TITLE + "\nUpdated with a new paragraph.\n"}
    path.write_text(json.dumps(first) + "\n" + json.dumps(second) + "\n", encoding="utf-8")
    report = api.ingest([path], db=fresh_db)
    assert (report.ingested, report.duplicates, report.rejected) == (1, 1, [])
    assert report.duplicate_ids == ["wire-10"]


def test_a_long_batch_remembers_only_recent_articles_and_still_stores_each_once(fresh_db, tmp_path, monkeypatch):
    """The batch's own memory of what it read is bounded (a back-fill may hold millions of articles); older
    articles are found in the store instead."""
    # two entries an article (id and text): the last 70 articles, more than the 64 read ahead of storage
    monkeypatch.setattr(api, "_READ_AHEAD_MEMORY", 140)
    records = [{"id": f"wire-{i}", "text": f"Report number {i}. Police said nothing happened in town {i}."}
               for i in range(150)]
    records.append({"id": "wire-0-again", "text": records[0]["text"]})  # the first text, long after
    records.append(dict(records[1]))  # the second id, long after
    path = tmp_path / "long.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    report = api.ingest([path], db=fresh_db)
    assert (report.ingested, report.duplicates, report.rejected) == (150, 2, [])
    assert sorted(report.duplicate_ids) == ["wire-0", "wire-1"]
    assert snapshot(fresh_db)["articles"] == 150


def test_an_ingest_stopped_midway_is_completed_by_the_next_one(fresh_db, tmp_path):
    """Articles are committed one by one but fused in batches: an ingest that stops in between (an exception,
    Ctrl-C, a kill) leaves stored mentions in no incident.  The next ingest fuses them with its own, so the
    incidents end as an uninterrupted ingest makes them."""
    reports = api.sample_reports()
    clean = f"sqlite:///{tmp_path / 'clean.db'}"
    api.ingest(reports, db=clean)

    class Stop(Exception):
        pass

    def stop_after_five(kind, item, seen=[]):
        seen.append(kind)
        if seen.count("ingested") == 5:
            raise Stop

    with pytest.raises(Stop):
        api.ingest(reports, db=fresh_db, on_event=stop_after_five)
    store = Store(fresh_db)
    try:
        assert store.unfused_mentions(), "the stop left mentions waiting for fusion"
    finally:
        store.close()
    again = api.ingest(reports, db=fresh_db)
    assert again.duplicates == 5
    assert list(api.incidents(fresh_db)) == list(api.incidents(clean))
