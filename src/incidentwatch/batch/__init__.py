"""Extraction as a Dask job: articles are read here, cut into shards, and each shard is parsed and read
on a Dask worker, which writes the articles and their mentions to a Parquet file of its own.  Fusion is
not distributed: `api.load` stores the shards in order and fuses them, as `api.ingest` would have.

The output directory must be one the workers can write and the loader can read (a shared file system
on a real cluster).  A manifest, written last, lists the shards of a finished run.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Callable, Iterable, Iterator

from ..ingest import Rejection, read_paths
from ..model import Article, Mention

MANIFEST = "manifest.json"


class NotABatch(ValueError):
    pass


@dataclass
class BatchReport:
    articles: int = 0
    mentions: int = 0
    shards: list[str] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)


def extract_shard(articles: list[dict], path: str) -> tuple[int, int]:
    """On a worker: extract one shard and write it to `path` (atomically); returns (articles, mentions)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from ..extract.pipeline import extract_articles

    rows: dict[str, list] = {"article": [], "mentions": []}
    mentions = 0
    for article, found in extract_articles(Article.from_dict(a) for a in articles):
        rows["article"].append(json.dumps(article.to_dict(), ensure_ascii=False))
        rows["mentions"].append(json.dumps([m.to_dict() for m in found], ensure_ascii=False))
        mentions += len(found)
    tmp = f"{path}.{os.getpid()}.tmp"
    pq.write_table(pa.table(rows), tmp)
    os.replace(tmp, path)
    return len(articles), mentions


def run(paths: Iterable[str | os.PathLike], out: str | os.PathLike, scheduler: str | None = None,
        workers: int = 2, shard_size: int = 256,
        on_event: Callable[[str, object], None] | None = None) -> BatchReport:
    """Extract every article under `paths` on a Dask cluster into Parquet shards under `out`.  Without a
    `scheduler` address, a LocalCluster of `workers` processes is started for the run.  At most two shards
    per worker are in flight, so memory stays bounded on any input size."""
    from distributed import Client, LocalCluster, as_completed

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / MANIFEST).unlink(missing_ok=True)  # the directory holds no finished run until this one ends
    emit = on_event or (lambda kind, item: None)
    report = BatchReport()
    cluster = None if scheduler else LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                                  dashboard_address=None)
    try:
        with Client(scheduler or cluster) as client:
            limit = 2 * max(1, len(client.scheduler_info().get("workers", {})) or workers)
            running = as_completed()
            in_flight = 0

            def collect(future) -> None:
                n, m = future.result()
                report.articles += n
                report.mentions += m
                emit("shard", future.key)

            for i, shard in enumerate(_shards(read_paths(paths), shard_size, report, emit)):
                name = f"shard-{i:06d}.parquet"
                report.shards.append(name)
                future = client.submit(extract_shard, [a.to_dict() for a in shard], str(out / name), pure=False)
                running.add(future)
                in_flight += 1
                if in_flight >= limit:
                    collect(next(running))
                    in_flight -= 1
            for future in running:
                collect(future)
    finally:
        if cluster is not None:
            cluster.close()
    manifest = {"shards": report.shards, "articles": report.articles, "mentions": report.mentions}
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return report


def _shards(items: Iterable, size: int, report: BatchReport, emit) -> Iterator[list[Article]]:
    def articles() -> Iterator[Article]:
        for item in items:
            if isinstance(item, Rejection):
                report.rejected.append(item)
                emit("rejected", item)
            else:
                yield item

    it = articles()
    while shard := list(islice(it, size)):
        yield shard


def read_shards(directory: str | os.PathLike) -> Iterator[tuple[Article, list[Mention]]]:
    """The articles and mentions of a finished batch run, in the order they were read."""
    import pyarrow.parquet as pq

    directory = Path(directory)
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise NotABatch(f"{directory}: not the output of a finished `incidentwatch batch` run "
                        f"(no readable {MANIFEST})") from None
    for name in manifest["shards"]:
        table = pq.read_table(directory / name)
        for article, mentions in zip(table.column("article").to_pylist(), table.column("mentions").to_pylist()):
            yield Article.from_dict(json.loads(article)), [Mention.from_dict(m) for m in json.loads(mentions)]
