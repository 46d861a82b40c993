"""What it costs to add one article to a large database: 10k, 100k and 1M incidents.

    python benchmarks/fusion_scale.py [--sizes 10000 100000 1000000] [--articles 30]

For each size, a fresh SQLite database is filled straight through the store's bulk
loader with synthetic incidents (one article, one mention, one incident each),
spread over ten years and the world's cities.  Then real articles from the bundled
sample corpus (extracted once beforehand, so the parser's time is not counted) are
added one at a time the way `ingest` adds them: store the article and its mentions,
then re-fuse the neighbourhood the blocking index finds.  It prints the median and
95th-percentile time per article; the claim to check is that they stay flat as the
database grows.
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import incidentwatch.api as iw
from incidentwatch.extract.gazetteer import gazetteer
from incidentwatch.extract.pipeline import extract_articles
from incidentwatch.fuse.merge import merge
from incidentwatch.ingest import Rejection, read_paths
from incidentwatch.model import Article, Figure, Mention
from incidentwatch.store import Store

ATTACKS = ["Armed Assault", "Bombing/Explosion", "Facility/Infrastructure Attack", "Hostage Taking (Kidnapping)"]
TARGETS = ["Police", "Military", "Private Citizens & Property", "Religious Figures/Institutions", "Business"]


def synthetic(n: int, seed: int = 7):
    """n single-source incidents at random towns and days (2014-2024)."""
    rng = random.Random(seed)
    towns = [p for ps in gazetteer().names.values() for p in ps if p.kind == "city" and p.population > 50_000]
    towns = list({(p.name, p.cc): p for p in towns}.values())
    start = dt.date(2014, 1, 1)
    for i in range(n):
        town = rng.choice(towns)
        day = start + dt.timedelta(days=rng.randrange(3650))
        aid = f"syn-{i:07d}"
        text = f"Synthetic report {i} of an attack in {town.name} on {day.isoformat()}."
        article = Article(id=aid, text=text, title=f"Attack in {town.name}", published=day, source="synthetic",
                          format="text")
        m = Mention(id=f"{aid}#0", article_id=aid, date=day, date_precision="day", country=town.country,
                    admin1=town.admin1, city=town.name, lat=town.lat, lon=town.lon,
                    attack_types=[rng.choice(ATTACKS)], target_types=[rng.choice(TARGETS)],
                    killed=Figure(best=rng.randrange(0, 30)), published=day)
        yield article, m


def build(store: Store, n: int, chunk: int = 20_000, enrich=None) -> float:
    """Fill the store with n synthetic incidents; `enrich(mention)` may add to each mention first."""
    t0 = time.perf_counter()
    batch = []
    for article, m in synthetic(n):
        if enrich:
            enrich(m)
        batch.append((article, m))
        if len(batch) == chunk:
            _flush(store, batch)
            batch = []
    if batch:
        _flush(store, batch)
    return time.perf_counter() - t0


def _flush(store: Store, batch):
    """Each synthetic report is its own incident (they are far apart by construction)."""
    mentions = [m for _, m in batch]
    store.bulk_load([a for a, _ in batch], mentions, [merge([m]) for m in mentions])


def sample_articles() -> list[tuple[Article, list[Mention]]]:
    files = [p for p in sorted(iw.sample_corpus().iterdir()) if p.suffix in (".txt", ".html", ".jsonl", ".xml")]
    arts = [a for a in read_paths(files) if not isinstance(a, Rejection)]
    return [(a, ms) for a, ms in extract_articles(arts) if ms]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--articles", type=int, default=30, help="articles added (and timed) per size")
    ap.add_argument("--dir", type=Path, help="where to put the databases (default: a temporary directory)")
    a = ap.parse_args(argv)
    prepared = sample_articles()
    print(f"{len(prepared)} sample articles with incidents, extracted beforehand")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        where = a.dir or Path(tmp)
        for n in a.sizes:
            path = where / f"scale-{n}.db"
            path.unlink(missing_ok=True)
            store = Store(f"sqlite:///{path}")
            took = build(store, n)
            times = []
            for k in range(a.articles):
                article, mentions = prepared[k % len(prepared)]
                suffix = f"-copy{k}"
                art = Article(**{**article.__dict__, "id": article.id + suffix,
                                 "text": article.text + f"\n[{k}]"})
                ms = []
                for m in mentions:
                    d = m.to_dict()
                    d.update(id=m.id.replace("#", suffix + "#"), article_id=art.id,
                             evidence=[{**e, "article_id": art.id} for e in d["evidence"]])
                    for c in d["claims"]:
                        if c.get("evidence"):
                            c["evidence"]["article_id"] = art.id
                    ms.append(Mention.from_dict(d))
                t0 = time.perf_counter()
                store.add_article(art, ms)
                iw._refuse(store, ms)
                times.append(time.perf_counter() - t0)
            med = statistics.median(times) * 1000
            p95 = sorted(times)[int(0.95 * (len(times) - 1))] * 1000
            rows.append((n, took, med, p95))
            print(f"{n:>9,} incidents: built in {took:6.1f}s; add one article: median {med:6.1f} ms, "
                  f"p95 {p95:6.1f} ms", flush=True)
            store.close()
            path.unlink(missing_ok=True)
    if len(rows) > 1:
        print(f"median per article, largest / smallest database: {rows[-1][2] / rows[0][2]:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
