"""How fast the workbench's list and filter pages answer on a database of 100k incidents.

    python benchmarks/web.py [--size 100000] [--repeat 20]

A fresh SQLite database is filled through the store's bulk loader with synthetic incidents (the same
generator as fusion_scale.py, with groups, weapons and claims added), then each page is requested
`--repeat` times in process (FastAPI's TestClient: the full app, templates, charts and map included, no
network in between) and the median and 95th percentile are printed.  The target is p95 < 200 ms.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import fusion_scale  # noqa: E402

from incidentwatch.model import Claim  # noqa: E402
from incidentwatch.store import Store  # noqa: E402
from incidentwatch.store.queries import Filters  # noqa: E402

GROUPS = ["Islamic State", "Islamic State – Caucasus Province", "al-Shabaab", "Taliban", "Boko Haram", None]
WEAPONS = ["Firearms", "Explosives", "Incendiary", "Melee"]

PAGES = {
    "list (first page, by date)": "/incidents",
    "sort by killed": "/incidents?sort=killed&dir=desc",
    "page 50": "/incidents?page=50",
    "country": "/incidents?country={country}",
    "date range (one year)": "/incidents?date_from=2019-01-01&date_to=2019-12-31",
    "group": "/incidents?group=Islamic+State",
    "attack type": "/incidents?attack_type=Bombing%2FExplosion",
    "weapon + claimed": "/incidents?weapon_type=Explosives&claimed=yes",
    "min killed 25": "/incidents?min_killed=25",
    "free text (a town's name)": "/incidents?q={word}",
    "free text (a word in every article)": "/incidents?q=Synthetic",
    "combined": "/incidents?country={country}&group=Islamic+State&min_killed=5&date_from=2016-01-01",
}


def build(store: Store, n: int) -> float:
    rng = random.Random(11)

    def enrich(m):
        group = rng.choice(GROUPS)
        if group:
            m.perpetrators = [group]
            if rng.random() < 0.5:
                m.claims = [Claim(actor=group, status="claimed", source=group, channel="Amaq")]
        m.weapon_types = [rng.choice(WEAPONS)]

    return fusion_scale.build(store, n, enrich=enrich)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--db", help="reuse this database (built when missing)")
    a = ap.parse_args(argv)
    from fastapi.testclient import TestClient

    from incidentwatch.web.app import create_app

    path = a.db or str(Path(tempfile.mkdtemp()) / "web-bench.db")
    store = Store(path)
    if store.count("incidents") == 0:
        print(f"building {a.size} incidents ...", flush=True)
        print(f"built in {build(store, a.size):.0f}s", flush=True)
    n = store.count("incidents")
    country = store.choices()["country"][0]
    word = next(r["city"] for r in store.search(Filters(country=country), per_page=1)[0])
    client = TestClient(create_app(path))
    print(f"{n} incidents; {a.repeat} requests per page; milliseconds")
    print(f"{'page':32s} {'p50':>7s} {'p95':>7s} {'max':>7s}  matches")
    worst = 0.0
    for name, url in PAGES.items():
        url = url.format(country=country.replace(" ", "+"), word=word)
        times = []
        for _ in range(a.repeat + 1):
            t0 = time.perf_counter()
            r = client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
            assert r.status_code == 200, (url, r.status_code)
        times = sorted(times[1:])  # the first request warms caches
        p95 = times[max(0, int(round(0.95 * len(times))) - 1)]
        worst = max(worst, p95)
        count = r.text.split('<strong id="count">', 1)[1].split("<", 1)[0]
        print(f"{name:32s} {statistics.median(times):7.1f} {p95:7.1f} {times[-1]:7.1f}  {count}")
    print(f"worst p95 {worst:.1f} ms ({'under' if worst < 200 else 'OVER'} the 200 ms target)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
