"""Ingest ../shared/corpora/news-dev into a fresh database, export it, and score it.

    python benchmarks/news.py [--corpus DIR] [--keep DIR]

Prints the scorer's full output (per-event slots, per-slot accuracy, found,
extra incidents per event, false-alarm rate, combined figure, news score).
Exits 0 without scoring when the shared corpus is not there.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=SHARED / "corpora" / "news-dev")
    ap.add_argument("--scorer", type=Path, default=SHARED / "eval" / "score_news.py")
    ap.add_argument("--keep", type=Path, help="write the database and export here instead of a temp dir")
    a = ap.parse_args(argv)
    if not (a.corpus / "articles.jsonl").exists() or not a.scorer.exists():
        print(f"skipped: {a.corpus} or {a.scorer} not found")
        return 0
    import incidentwatch.api as iw

    with tempfile.TemporaryDirectory() as tmp:
        work = a.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        db = work / "news-dev.db"
        db.unlink(missing_ok=True)
        out = work / "incidents.jsonl"
        t0 = time.perf_counter()
        report = iw.ingest([a.corpus / "articles.jsonl"], db=f"sqlite:///{db}")
        took = time.perf_counter() - t0
        n = iw.export("jsonl", out, db=f"sqlite:///{db}")
        print(f"ingested {report.ingested} articles ({len(report.rejected)} rejected) in {took:.1f}s; "
              f"{n} incidents exported")
        res = subprocess.run([sys.executable, str(a.scorer), str(a.corpus / "gold.jsonl"),
                              str(a.corpus / "articles.jsonl"), str(out)], capture_output=True, text=True)
        print(res.stdout, end="")
        print(res.stderr, end="", file=sys.stderr)
        return res.returncode


if __name__ == "__main__":
    sys.exit(main())
