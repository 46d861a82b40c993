"""The `incidentwatch` command, run in-process with Typer's CliRunner.

Exit status: 0 when all went well, 3 when some input was rejected, 2 for usage errors.
"""
from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import tempfile

import pytest
from typer.testing import CliRunner

from incidentwatch import api
from incidentwatch.cli import app
from incidentwatch.ingest import Rejection, read_paths
from incidentwatch.store import Store

from conftest import TEXT_WITH_TITLE, incidentwatch_command


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(app, [str(a) for a in args])
    return invoke


# --- usage errors: exit status 2 --------------------------------------------------------------------------------

def test_no_arguments_prints_usage_and_exits_2(run):
    result = run()
    assert result.exit_code == 2
    assert "Usage:" in result.output
    for command in ("ingest", "export", "list", "timeline", "show", "demo"):
        assert command in result.output


def test_ingest_without_paths_is_a_usage_error(run, fresh_db):
    result = run("ingest", "--db", fresh_db)
    assert result.exit_code == 2
    assert "Missing argument" in result.stderr


def test_an_unknown_export_format_is_a_usage_error(run, fresh_db, tmp_path):
    result = run("export", "--format", "xml", "-o", tmp_path / "out.xml", "--db", fresh_db)
    assert result.exit_code == 2
    assert "'xml' is not one of" in " ".join(result.stderr.split())
    assert not (tmp_path / "out.xml").exists()


def test_a_since_that_is_not_a_date_is_a_usage_error(run, fresh_db):
    result = run("export", "--since", "last week", "--db", fresh_db)
    assert result.exit_code == 2
    assert "is not a date (YYYY-MM-DD)" in result.stderr


def test_an_unknown_command_is_a_usage_error(run):
    result = run("scrape", "https://example.org")
    assert result.exit_code == 2
    assert "No such command" in result.stderr


def test_the_installed_command_exits_2_on_a_usage_error(tmp_path):
    """The second (and last) test that runs a real process: a usage error's true exit status."""
    proc = subprocess.run([*incidentwatch_command(), "export", "--format", "xml",
                           "--db", str(tmp_path / "x.db")], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stdout == ""


# --- ingest -----------------------------------------------------------------------------------------------------

def test_ingest_of_good_input_exits_0_and_reports_the_counts(run, fresh_db, tmp_path):
    path = tmp_path / "derbent.txt"
    path.write_text(TEXT_WITH_TITLE, encoding="utf-8")
    result = run("ingest", path, "--db", fresh_db)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[-1].startswith("1 ingested, 0 duplicate, 0 rejected")
    store = Store(fresh_db)
    try:
        assert store.count("articles") == 1
    finally:
        store.close()


def test_ingest_of_a_missing_path_exits_3_and_says_so(run, fresh_db, tmp_path):
    missing = tmp_path / "no-such-folder"
    result = run("ingest", missing, "--db", fresh_db)
    assert result.exit_code == 3
    assert f"rejected {missing}: no such file or directory" in result.stderr.splitlines()


def test_the_database_can_come_from_the_environment(run, ingested, incident_records, monkeypatch):
    monkeypatch.setenv("INCIDENTWATCH_DB", ingested.db)
    result = run("export", "--format", "jsonl")
    assert result.exit_code == 0
    assert [json.loads(x)["id"] for x in result.stdout.splitlines()] == [r["id"] for r in incident_records]


# --- export -----------------------------------------------------------------------------------------------------

def test_export_writes_jsonl_to_stdout_by_default(run, ingested, incident_records):
    result = run("export", "--db", ingested.db)
    assert result.exit_code == 0
    assert [json.loads(x) for x in result.stdout.splitlines()] == incident_records


def test_export_to_a_file_says_how_many_incidents_were_written(run, ingested, incident_records, tmp_path):
    out = tmp_path / "incidents.csv"
    result = run("export", "-f", "csv", "-o", out, "--db", ingested.db)
    assert result.exit_code == 0
    assert result.stderr.strip() == f"{len(incident_records)} incidents written to {out}"
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["eventid"] for r in rows] == [r["id"] for r in incident_records]


def test_export_geojson_through_the_cli(run, ingested, incident_records):
    result = run("export", "--format", "geojson", "--db", ingested.db)
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["type"] == "FeatureCollection"
    assert len(doc["features"]) == sum(1 for r in incident_records if r["lat"] is not None)


def test_export_filters_by_country(run, ingested, incident_records):
    country = next(r["country"] for r in incident_records if r["country"])
    result = run("export", "--country", country, "--db", ingested.db)
    got = [json.loads(x) for x in result.stdout.splitlines()]
    assert got and {r["country"] for r in got} == {country}


# --- list, timeline, show ---------------------------------------------------------------------------------------

def test_list_prints_a_table_row_per_incident(run, ingested, incident_records):
    result = run("list", "--db", ingested.db)
    assert result.exit_code == 0
    for r in incident_records:
        assert r["id"] in result.stdout


def test_timeline_prints_one_line_per_incident_in_date_order(run, ingested, incident_records):
    result = run("timeline", "--db", ingested.db)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == len(incident_records)
    dates = [line.split()[0] for line in lines]
    assert dates == sorted(dates)
    assert {d for d in dates if d != "????-??-??"} == {r["date"] for r in incident_records if r["date"]}


def test_show_prints_an_incidents_fields_sources_and_evidence(run, ingested, incident_records):
    inc = next(r for r in incident_records if r["evidence"])
    result = run("show", inc["id"], "--db", ingested.db)
    assert result.exit_code == 0
    out = result.stdout
    assert out.splitlines()[0].startswith(inc["id"])
    for heading in ("attack_types", "target_types", "weapon_types", "killed", "injured", "sources:", "evidence:"):
        assert heading in out
    for s in inc["sources"]:
        [line] = [ln for ln in out.splitlines() if ln.strip().startswith(s["article_id"])]
        assert line.endswith(f"[{s.get('role', 'reported')}]"), "each source line ends with its role"
        if s["url"]:
            assert s["url"] in line
    first = inc["evidence"][0]
    assert f"{first['article_id']}[{first['start']}:{first['end']}]" in out


def test_show_accepts_a_unique_prefix_of_an_id(run, ingested, incident_records):
    inc = incident_records[0]
    prefix = inc["id"][:-2]
    if sum(r["id"].startswith(prefix) for r in incident_records) > 1:
        pytest.skip("the prefix is not unique in this corpus")
    result = run("show", prefix, "--db", ingested.db)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].startswith(inc["id"])


def test_show_of_an_unknown_incident_exits_1(run, ingested):
    result = run("show", "inc-does-not-exist", "--db", ingested.db)
    assert result.exit_code == 1
    assert "no incident inc-does-not-exist" in result.stderr


# --- demo -------------------------------------------------------------------------------------------------------

def test_demo_ingests_the_sample_reports_and_prints_the_incidents(run, tmp_path):
    db = tmp_path / "demo.db"
    result = run("demo", "--db", db)
    assert result.exit_code == 0, result.output
    out = result.stdout
    summary = re.search(r"Sample corpus: (\d+) articles ingested, 0 duplicates, 0 rejected -> (\d+) incidents", out)
    assert summary, out[:300]
    assert "Incidents from the sample reports" in out
    assert "Timeline" in out
    store = Store(f"sqlite:///{db}")
    try:
        records = list(api.incidents(store))
        reports = [p for p in api.sample_corpus().iterdir() if p.suffix in (".txt", ".html", ".jsonl", ".xml")]
        expected = sum(1 for item in read_paths(reports) if not isinstance(item, Rejection))
        assert int(summary.group(1)) == store.count("articles") == expected, "every sample report is ingested"
    finally:
        store.close()
    assert int(summary.group(2)) == len(records) > 0, "the demo database keeps its incidents"
    for r in records:
        assert r["id"] in out


def test_demo_without_db_uses_a_temporary_database_and_removes_it(run, tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    result = run("demo")
    assert result.exit_code == 0, result.output
    assert "Sample corpus: 12 articles ingested" in result.stdout
    assert list(tmp_path.iterdir()) == [], "the temporary demo database was left behind"


def test_ingest_with_two_workers_stores_what_one_process_stores(run, ingested, incident_records, fresh_db):
    """--workers parses and reads articles in other processes; the articles come back in their order, so
    the incidents are the same as one process makes."""
    result = run("ingest", str(ingested.corpus.root), "--workers", "2", "--db", fresh_db)
    assert result.exit_code == 0, result.output
    assert f"{ingested.report.ingested} ingested" in result.output
    assert list(api.incidents(fresh_db)) == incident_records



def test_background_only_incidents_are_left_out_unless_asked(cli, tmp_path):
    """list, timeline and export leave out what articles only recall in passing (an incident no report tells
    as news); --include-background brings it back."""
    import datetime as dt

    from incidentwatch.fuse import fuse
    from incidentwatch.model import Article, Mention

    article = Article(id="museum-reopens", text="The citadel museum in Derbent reopened. In December 2015 gunmen "
                      "opened fire on visitors at the citadel.", published=dt.date(2019, 5, 14))
    aside = Mention(id="museum-reopens#0", article_id=article.id, role="background", date=dt.date(2015, 12, 1),
                    date_end=dt.date(2015, 12, 31), date_precision="month", country="Russia", admin1="Dagestan",
                    city="Derbent", attack_types=["Armed Assault"], published=article.published)
    db = str(tmp_path / "museum.db")
    Store(db).bulk_load([article], [aside], fuse([aside]))
    every = list(api.incidents(db, include_background=True))
    assert [i["background_only"] for i in every] == [True]
    assert list(api.incidents(db)) == []
    out = tmp_path / "out.jsonl"
    cli("export", "-o", str(out), "--db", db)
    assert out.read_text() == ""
    cli("export", "-o", str(out), "--db", db, "--include-background")
    assert [json.loads(line)["background_only"] for line in out.read_text().splitlines()] == [True]
    assert "Derbent" not in cli("timeline", "--db", db) + cli("list", "--db", db)
    assert "Derbent" in cli("timeline", "--db", db, "--include-background")
    assert "Derbent" in cli("list", "--db", db, "--include-background")


def test_the_workbench_search_leaves_background_only_incidents_out_unless_asked(tmp_path):
    """The same default in the workbench's filtered views (api.search, which its pages call)."""
    import datetime as dt

    from incidentwatch.fuse import fuse
    from incidentwatch.model import Article, Mention
    from incidentwatch.store.queries import Filters

    article = Article(id="anniversary", text="A year ago gunmen attacked a market in Quetta.",
                      published=dt.date(2020, 5, 1))
    aside = Mention(id="anniversary#0", article_id=article.id, role="background", date=dt.date(2019, 5, 1),
                    date_end=dt.date(2019, 5, 31), date_precision="month", country="Pakistan", city="Quetta",
                    published=article.published)
    db = str(tmp_path / "aside.db")
    Store(db).bulk_load([article], [aside], fuse([aside]))
    assert api.search(db=db)[0] == []
    [shown], _ = api.search(Filters(include_background=True), db=db)
    assert shown["city"] == "Quetta"
