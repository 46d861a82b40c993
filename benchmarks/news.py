"""Ingest the shared development news into fresh databases, export them, and score them.

    python benchmarks/news.py                 # the tune and check halves of news-dev + news-dev2
    python benchmarks/news.py --corpus DIR    # one corpus folder (articles.jsonl, gold.jsonl)
    python benchmarks/news.py --keep DIR      # keep the databases and exports under DIR

By default the three development corpora (news-dev, news-dev2/part-a, news-dev2/part-b) are split by
event with ../shared/eval/split_corpus.py into a tuning and a checking half, and each half is scored
with ../shared/eval/score_news.py: develop on `tune`, keep a change only if `check` does not get worse.
Prints the scorer's full output per half (per-event slots, per-slot accuracy, found, extra incidents
per event, false-alarm rate, report grouping, combined figure, news score).  Exits 0 without scoring
when ../shared is not there.
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
CORPORA = [SHARED / "corpora" / "news-dev", SHARED / "corpora" / "news-dev2" / "part-a",
           SHARED / "corpora" / "news-dev2" / "part-b"]


def score(corpus: Path, scorer: Path, work: Path) -> int:
    """Ingest one corpus folder into a fresh database, export it, and print the scorer's report."""
    import incidentwatch.api as iw

    work.mkdir(parents=True, exist_ok=True)
    db = work / "news.db"
    db.unlink(missing_ok=True)
    out = work / "incidents.jsonl"
    t0 = time.perf_counter()
    report = iw.ingest([corpus / "articles.jsonl"], db=f"sqlite:///{db}")
    took = time.perf_counter() - t0
    n = iw.export("jsonl", out, db=f"sqlite:///{db}")
    print(f"ingested {report.ingested} articles ({len(report.rejected)} rejected) in {took:.1f}s; "
          f"{n} incidents exported")
    res = subprocess.run([sys.executable, str(scorer), str(corpus / "gold.jsonl"),
                          str(corpus / "articles.jsonl"), str(out)], capture_output=True, text=True)
    print(res.stdout, end="")
    print(res.stderr, end="", file=sys.stderr)
    return res.returncode


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, help="score this one corpus folder instead of the two halves")
    ap.add_argument("--scorer", type=Path, default=SHARED / "eval" / "score_news.py")
    ap.add_argument("--split", type=Path, default=SHARED / "eval" / "split_corpus.py")
    ap.add_argument("--keep", type=Path, help="write the databases and exports here instead of a temp dir")
    a = ap.parse_args(argv)
    corpora = [a.corpus] if a.corpus else CORPORA
    if not a.scorer.exists() or not all((c / "articles.jsonl").exists() for c in corpora) or \
            (not a.corpus and not a.split.exists()):
        print(f"skipped: the corpora or the scorer under {SHARED} are not here")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        work = a.keep or Path(tmp)
        if a.corpus:
            return score(a.corpus, a.scorer, work)
        subprocess.run([sys.executable, str(a.split), str(work / "split"), *map(str, corpora)], check=True)
        rc = 0
        for half in ("tune", "check"):
            print(f"\n=== {half} half ===")
            rc |= score(work / "split" / half, a.scorer, work / half)
        return rc


if __name__ == "__main__":
    sys.exit(main())
