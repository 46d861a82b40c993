"""Extracting stored articles again (`incidentwatch reextract`), and the analyst's verdict "not an attack".

After the models, the lexicons or the alias table change, `reextract` runs extraction and fusion again on
every stored article.  The result is what a fresh ingest of the same articles gives, with every analyst
review applied again: corrections, verdicts, merges and splits are anchored on mentions, not on incidents.
The sample corpus (written by the incidentwatch team) is ingested once; each test copies it.
"""
from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import delete

from incidentwatch import api
from incidentwatch.store import Store
from incidentwatch.store import schema as t


def _fields(records):
    keep = ("id", "date", "country", "city", "attack_types", "perpetrators", "claimed_by", "killed", "injured",
            "confidence", "background_only")
    return sorted(({k: r.get(k) for k in keep} for r in records), key=lambda r: r["id"])


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("reextract") / "sample.db"
    report = api.ingest(api.sample_reports(), db=str(path))
    assert report.ingested and not report.rejected
    return path


@pytest.fixture
def desk(sample_db, tmp_path) -> str:
    target = tmp_path / "desk.db"
    src, dst = sqlite3.connect(sample_db), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    return str(target)


def everything(db):
    return list(api.incidents(db, include_background=True, min_confidence=0, include_rejected=True,
                              include_undated=True))


def test_reextract_of_an_unchanged_database_gives_the_same_incidents(desk):
    before = _fields(everything(desk))
    report = api.reextract(desk)
    assert report.articles == Store(desk).count("articles")
    assert report.changed == 0
    assert _fields(everything(desk)) == before


def test_reextract_restores_what_an_older_extraction_left_out(desk, sample_db):
    """An article stored without mentions (as an older model would have left it) gets them back, and the
    incidents become those of a fresh ingest."""
    store = Store(desk)
    article_id = next(iter(everything(desk)))["sources"][0]["article_id"]
    with store.engine.begin() as conn:
        conn.execute(delete(t.incident_mentions).where(t.incident_mentions.c.mention_id.like(f"{article_id}#%")))
        conn.execute(delete(t.evidence).where(t.evidence.c.article_id == article_id))
        conn.execute(delete(t.mentions).where(t.mentions.c.article_id == article_id))
    report = api.reextract(desk)
    assert report.changed == 1
    assert store.mentions_of(article_id)
    assert _fields(everything(desk)) == _fields(everything(str(sample_db)))


def test_reextract_keeps_every_review(desk):
    """A correction, a verdict and a split made before are all in force after."""
    records = list(api.incidents(desk))
    disputed = next(r for r in records if "killed" in (r.get("conflicts") or {}))
    api.review(disputed["id"], "killed", "19", "ana", db=desk)
    rejected = next(r for r in records if r["id"] != disputed["id"])
    api.not_an_attack(rejected["id"], "ben", note="a drill", db=desk)
    multi = next(r for r in records if len(r["sources"]) >= 2 and r["id"] not in (disputed["id"], rejected["id"]))
    leaving = api.incident(multi["id"], desk)["mention_ids"][-1]
    api.split_mention(multi["id"], leaving, "cai", db=desk)

    report = api.reextract(desk)

    assert report.reviews == 3 and report.orphaned_reviews == []
    store = Store(desk)
    [again] = store.incidents_of_mentions([min(disputed["mention_ids"] if "mention_ids" in disputed
                                               else api.incident(disputed["id"], desk)["mention_ids"])])
    assert again["killed"]["best"] == 19
    assert [r["action"] for r in again["review"]] == ["correct"]
    shown = {r["id"] for r in api.incidents(desk, include_background=True)}
    hidden = store.incidents_of_mentions(api.incident(rejected["id"], desk)["mention_ids"])
    assert hidden and all(h["not_an_attack"]["reviewer"] == "ben" and h["id"] not in shown for h in hidden)
    assert [h["mention_ids"] for h in store.incidents_of_mentions([leaving])] == [[leaving]]


def test_a_review_whose_mention_is_gone_is_kept_and_reported(desk):
    store = Store(desk)
    inc = next(iter(api.incidents(desk)))
    api.not_an_attack(inc["id"], "ana", db=desk)
    anchor = min(api.incident(inc["id"], desk)["mention_ids"])
    article_id = anchor.split("#")[0]
    # the article now gives nothing (as if the model had changed its mind): simulate by emptying its text
    with store.engine.begin() as conn:
        conn.execute(t.articles.update().where(t.articles.c.id == article_id).values(text="Weather: sunny."))
    report = api.reextract(desk)
    assert anchor in report.orphaned_reviews
    assert store.review_anchors()  # the review itself is still stored


# --- the verdict "not an attack" ------------------------------------------------------------------------------

def test_not_an_attack_leaves_lists_and_exports_until_restored(desk, tmp_path):
    inc = next(iter(api.incidents(desk)))
    marked = api.not_an_attack(inc["id"], "ana", note="an exercise", db=desk)
    assert marked["not_an_attack"]["note"] == "an exercise"
    assert inc["id"] not in {r["id"] for r in api.incidents(desk)}
    assert inc["id"] in {r["id"] for r in api.incidents(desk, include_rejected=True)}
    out = tmp_path / "out.jsonl"
    api.export("jsonl", out, db=desk)
    assert inc["id"] not in out.read_text()
    from incidentwatch.store.queries import Filters
    assert inc["id"] not in {r["id"] for r in api.search(Filters(), db=desk, per_page=500)[0]}

    api.not_an_attack(inc["id"], "ana", restore=True, db=desk)
    assert inc["id"] in {r["id"] for r in api.incidents(desk)}


def test_not_an_attack_survives_a_re_ingest_of_the_same_reports(desk):
    inc = next(iter(api.incidents(desk)))
    api.not_an_attack(inc["id"], "ana", db=desk)
    store = Store(desk)
    api._refuse_around(store, {m.id: m for m in store.all_mentions()})  # as a new report of it would
    assert inc["id"] not in {r["id"] for r in api.incidents(desk, include_background=True)}


def test_not_an_attack_needs_a_reviewer_and_an_incident(desk):
    from incidentwatch.review import InvalidCorrection

    inc = next(iter(api.incidents(desk)))
    with pytest.raises(InvalidCorrection):
        api.not_an_attack(inc["id"], "  ", db=desk)
    with pytest.raises(KeyError):
        api.not_an_attack("inc-nothere", "ana", db=desk)


def test_the_cli_marks_and_reextracts(desk, cli):
    inc = next(iter(api.incidents(desk)))
    cli("not-an-attack", inc["id"], "--reviewer", "ana", "--note", "a robbery", "--db", desk)
    assert inc["id"] not in cli("list", "--db", desk)
    assert inc["id"] in cli("list", "--include-rejected", "--db", desk)
    cli("reextract", "--db", desk)
    assert inc["id"] not in cli("list", "--db", desk)


def test_not_an_attack_of_a_missing_incident_is_one_line_and_status_2(desk):
    from typer.testing import CliRunner

    from incidentwatch.cli import app

    result = CliRunner().invoke(app, ["not-an-attack", "inc-nothere", "--reviewer", "ana", "--db", desk])
    assert result.exit_code == 2
    assert "no incident inc-nothere" in result.output and "Traceback" not in result.output
