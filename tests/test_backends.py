"""The store and the command line on every backend: SQLite always, PostgreSQL when a server is given.

Set INCIDENTWATCH_TEST_POSTGRES to a URL of a role that may create databases (`.ci/run` starts Debian's
PostgreSQL and sets it); each test then also runs on a database of its own there (conftest's `fresh_db`),
and the results must be the same as SQLite's.  The CLI, duplicate and export tests that take `fresh_db`
run on both as well.
"""
from __future__ import annotations

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from incidentwatch import api
from incidentwatch.cli import app
from incidentwatch.store.queries import Filters

EXTRA_REPORT = """Gunmen attack traffic police post in Makhachkala
MAKHACHKALA, 2024-06-24 — Officials in Dagestan said on Monday that the death toll from Sunday's attacks
in Makhachkala and Derbent had risen, with 22 people killed, most of them police officers. Gunmen opened
fire on a traffic police post in Makhachkala on Sunday evening and set fire to an Orthodox church and a
synagogue, the regional interior ministry said.
"""


@pytest.fixture
def db(fresh_db):
    """A fresh, empty database URL on the backend under test (SQLite, and PostgreSQL when given)."""
    return fresh_db


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> list[dict]:
    """The sample reports' incidents as SQLite stores them: what every backend must give."""
    url = f"sqlite:///{tmp_path_factory.mktemp('ref') / 'ref.db'}"
    api.ingest(api.sample_reports(), db=url)
    return list(api.incidents(url))


def _summary(records: list[dict]) -> list[tuple]:
    return sorted((r["id"], r["date"], r["city"], r["killed"]["best"], tuple(r["claimed_by"]),
                   len(r["sources"])) for r in records)


def run(*args) -> object:
    return CliRunner().invoke(app, [str(a) for a in args])


def test_the_command_line_ingests_lists_and_exports_the_same_incidents(db, reference, tmp_path):
    result = run("ingest", *api.sample_reports(), "--db", db)
    assert result.exit_code == 0, result.output
    listed = run("list", "--db", db)
    assert listed.exit_code == 0 and "Incidents" in listed.output
    out = tmp_path / "incidents.jsonl"
    assert run("export", "--format", "jsonl", "-o", out, "--db", db).exit_code == 0
    exported = [json.loads(line) for line in out.read_text().splitlines()]
    assert _summary(exported) == _summary(reference)
    # the evidence of every fact is kept, offsets and all
    assert [e for r in exported for e in r["evidence"]] == [e for r in reference for e in r["evidence"]]


def test_ingesting_the_same_reports_again_adds_nothing(db):
    api.ingest(api.sample_reports(), db=db)
    before = list(api.incidents(db))
    again = api.ingest(api.sample_reports(), db=db)
    assert again.ingested == 0 and again.duplicates >= len(api.sample_reports())
    assert list(api.incidents(db)) == before


def test_bad_input_is_rejected_and_the_rest_is_stored(db, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    binary = tmp_path / "blob.txt"
    binary.write_bytes(bytes(range(256)) * 4)
    result = run("ingest", empty, binary, *api.sample_reports()[:2], "--db", db)
    assert result.exit_code == 3
    assert "empty.txt" in result.output and "blob.txt" in result.output
    assert api.open_store(db).count("articles") == 2


def test_workbench_queries_agree_with_sqlite(db, reference):
    api.ingest(api.sample_reports(), db=db)
    store = api.open_store(db)
    for f in (Filters(), Filters(group="Islamic State"), Filters(min_killed=10), Filters(claimed=False),
              Filters(q="synagogue"), Filters(country="Russia", date_from=dt.date(2016, 1, 1))):
        rows, totals = store.search(f, per_page=100)
        assert totals["incidents"] == len(rows)
        expected = [r for r in reference if _matches(r, f)]
        if f.q is None:
            assert sorted(r["id"] for r in rows) == sorted(r["id"] for r in expected)
        else:
            assert rows  # word search: FTS5 on SQLite, ILIKE elsewhere; both find the synagogue attack
    timeline = store.timeline(Filters())
    assert sum(sum(p["incidents"].values()) for p in timeline["periods"].values()) == \
        len([r for r in reference if r["date"]])
    assert store.points(Filters()) and "Islamic State" in store.choices()["group"]


def _matches(r: dict, f: Filters) -> bool:
    groups = set(r["perpetrators"]) | set(r["claimed_by"])
    return ((f.group is None or f.group in groups)
            and (f.min_killed is None or (r["killed"]["best"] or -1) >= f.min_killed)
            and (f.claimed is None or bool(r["claimed_by"]) == f.claimed)
            and (f.country is None or r["country"] == f.country)
            and (f.date_from is None or (r["date"] or "") >= f.date_from.isoformat()))


def test_a_correction_survives_a_new_report_on_every_backend(db, tmp_path):
    api.ingest(api.sample_reports(), db=db)
    target = next(r for r in api.incidents(db) if r["city"] == "Makhachkala" and r["date"] == "2024-06-23")
    api.review(target["id"], "killed", "17", "ana", db=db)
    extra = tmp_path / "extra.txt"
    extra.write_text(EXTRA_REPORT)
    api.ingest([extra], db=db)
    [after] = [r for r in api.incidents(db) if r["city"] == "Makhachkala" and r["date"] == "2024-06-23"]
    assert after["killed"]["best"] == 17
    assert after["review"][0]["machine_value"]["best"] == 22


def test_a_split_and_a_merge_on_every_backend(db):
    api.ingest(api.sample_reports(), db=db)
    multi = next(r for r in api.incidents(db) if len(r["sources"]) >= 3)
    mentions = api.incident(multi["id"], db)["mention_ids"]
    alone = api.split_mention(multi["id"], mentions[-1], "ana", db=db)
    assert alone["mention_ids"] == [mentions[-1]]
    merged = api.merge_incidents(alone["id"], multi["id"], "ben", db=db)
    assert sorted(merged["mention_ids"]) == sorted(mentions)
