"""`incidentwatch batch` extracts on a Dask cluster into Parquet; `incidentwatch load` stores and fuses
the result.  The database it makes is the one a single-process `ingest` of the same articles makes."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from incidentwatch import api
from incidentwatch.cli import app

pytest.importorskip("distributed")
pytest.importorskip("pyarrow")


@pytest.fixture(scope="module")
def scheduler():
    """A LocalCluster of two worker processes, standing in for a real cluster's scheduler address."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        yield cluster.scheduler_address


@pytest.fixture(scope="module")
def batch_dir(scheduler, tmp_path_factory):
    out = tmp_path_factory.mktemp("batch") / "shards"
    result = CliRunner().invoke(app, ["batch", str(api.sample_corpus()), "--out", str(out), "--scheduler", scheduler,
                                      "--shard-size", "3"])
    assert result.exit_code == 0, result.output
    return out


def articles_and_mentions(db: str) -> tuple[list[dict], list[dict]]:
    store = api.open_store(db)
    mentions = sorted((m.to_dict() for m in store.all_mentions()), key=lambda m: m["id"])
    articles = [store.article(a).to_dict() for a in sorted({m["article_id"] for m in mentions})]
    return articles, mentions


def test_a_batch_run_writes_one_parquet_shard_per_few_articles_and_a_manifest(batch_dir):
    manifest = json.loads((batch_dir / "manifest.json").read_text())
    assert manifest["articles"] == api.ingest([api.sample_corpus()], db="sqlite://").ingested
    assert manifest["shards"] == sorted(p.name for p in batch_dir.glob("shard-*.parquet"))
    assert len(manifest["shards"]) == -(-manifest["articles"] // 3)


def test_loading_a_batch_gives_the_database_a_single_process_ingest_gives(batch_dir, tmp_path):
    loaded, ingested = f"sqlite:///{tmp_path / 'loaded.db'}", f"sqlite:///{tmp_path / 'ingested.db'}"
    result = CliRunner().invoke(app, ["load", str(batch_dir), "--db", loaded])
    assert result.exit_code == 0, result.output
    api.ingest([api.sample_corpus()], db=ingested)
    assert list(api.incidents(loaded)) == list(api.incidents(ingested))
    assert articles_and_mentions(loaded) == articles_and_mentions(ingested)
    assert len(list(api.incidents(loaded))) > 3


def test_loading_the_same_batch_twice_adds_nothing(batch_dir, tmp_path):
    db = f"sqlite:///{tmp_path / 'twice.db'}"
    first = api.load(batch_dir, db=db)
    before = list(api.incidents(db))
    second = api.load(batch_dir, db=db)
    assert second.ingested == 0 and second.duplicates == first.ingested
    assert list(api.incidents(db)) == before


def test_load_refuses_a_directory_that_is_not_a_finished_batch(tmp_path):
    (tmp_path / "shard-000000.parquet").write_bytes(b"half written")
    result = CliRunner().invoke(app, ["load", str(tmp_path), "--db", f"sqlite:///{tmp_path / 'x.db'}"])
    assert result.exit_code == 2
    assert "not the output of a finished `incidentwatch batch` run" in result.output
