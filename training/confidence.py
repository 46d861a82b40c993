"""Fit the incident confidence model (fuse/confidence.py) and print its reliability table.

    python training/confidence.py --fit SPLIT/tune [--report SPLIT/check] [--out PATH]

Each corpus folder (articles.jsonl, gold.jsonl, as ../shared/eval/split_corpus.py writes them) is ingested
into a fresh database, and its incidents told as news (not only recalled in passing) are taken.  An incident is labelled real when the
shared scorer (../shared/eval/score_news.py, its `match`) matches it to a gold event; every other incident
(a false alarm, an attack recalled in passing that the gold does not list, a place or date so wrong that it
matches nothing) is not.  The model is a logistic regression (scikit-learn) over the named features of
fuse.confidence.features, and it is not class-balanced: its output is meant to be read as a probability.
`make train-confidence` fits it on the tune half of the split development corpora and reports both halves.
"""
from __future__ import annotations

import datetime as dt
import importlib.util
import json
import sys
import tempfile
from pathlib import Path

from common import fit_and_report_parser

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src/incidentwatch/data/confidence_model.json"
SCORER = ROOT.parent / "shared" / "eval" / "score_news.py"
BINS = [(0.0, 0.2), (0.2, 0.4), (0.4, 0.6), (0.6, 0.8), (0.8, 0.9), (0.9, 1.01)]


def scorer(path: Path = SCORER):
    spec = importlib.util.spec_from_file_location("score_news", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def labelled_incidents(corpus: Path, work: Path) -> list[tuple[dict, int]]:
    """The corpus's incidents (export records, background included), each with 1 if it matches a gold event."""
    import incidentwatch.api as iw

    sc = scorer()
    db = f"sqlite:///{work / (corpus.name + '.db')}"
    iw.ingest([corpus / "articles.jsonl"], db=db)
    # incidents told as news only: those only recalled in passing are governed by their own switch, and the
    # gold lists none of them (an old attack recalled is real, but no event of the corpus)
    records = [r for r in iw.incidents(db, min_confidence=0, include_undated=True) if not r.get("background_only")]
    gold = sc.read_jsonl(corpus / "gold.jsonl")
    articles = sc.read_jsonl(corpus / "articles.jsonl")
    article_events = {a["id"]: a.get("events") or ([a["event"]] if a.get("event") else []) for a in articles}
    matched = {id(inc) for incs in sc.match(records, gold, article_events).values() for inc in incs}
    return [(r, int(id(r) in matched)) for r in records]


def fit(rows: list[tuple[dict, int]], c: float) -> dict:
    from sklearn.linear_model import LogisticRegression

    names = sorted({k for r, _ in rows for k in r["confidence_basis"]})
    x = [[r["confidence_basis"].get(k, 0.0) for k in names] for r, _ in rows]
    y = [label for _, label in rows]
    clf = LogisticRegression(C=c, max_iter=5000)
    clf.fit(x, y)
    return {"features": names, "weights": [round(float(w), 6) for w in clf.coef_[0]],
            "bias": round(float(clf.intercept_[0]), 6)}


def reliability(rows: list[tuple[float, int]]) -> list[dict]:
    """Per confidence bin: how many incidents, their mean confidence, and the share that are real."""
    out = []
    for lo, hi in BINS:
        inside = [(p, y) for p, y in rows if lo <= p < hi]
        out.append({"bin": f"{lo:.1f}–{min(hi, 1.0):.1f}", "incidents": len(inside),
                    "mean_confidence": sum(p for p, _ in inside) / len(inside) if inside else None,
                    "real": sum(y for _, y in inside) / len(inside) if inside else None})
    return out


def print_table(name: str, rows: list[tuple[float, int]]) -> None:
    print(f"\n{name}: {len(rows)} incidents, {sum(y for _, y in rows)} real")
    print("| confidence | incidents | mean confidence | share real |")
    print("|---|---|---|---|")
    for b in reliability(rows):
        mean = "" if b["mean_confidence"] is None else f"{b['mean_confidence']:.2f}"
        real = "" if b["real"] is None else f"{b['real']:.2f}"
        print(f"| {b['bin']} | {b['incidents']} | {mean} | {real} |")
    for t in (0.3, 0.5, 0.7, 0.9):
        kept = [y for p, y in rows if p >= t]
        if kept:
            print(f"confidence >= {t}: {len(kept)} incidents kept, {sum(kept) / len(kept):.2f} real, "
                  f"{sum(kept)} of {sum(y for _, y in rows)} real incidents kept")


def main(argv=None) -> int:
    ap = fit_and_report_parser(__doc__.splitlines()[0], OUT)
    args = ap.parse_args(argv)
    if not SCORER.exists():
        print(f"skipped: {SCORER} is not here", file=sys.stderr)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        per_corpus = {c: labelled_incidents(c, Path(tmp)) for c in args.fit}
        fitting = [row for rows in per_corpus.values() for row in rows]
        reporting = {c: labelled_incidents(c, Path(tmp)) for c in args.report}
    if fitting:
        fitted = fit(fitting, args.C)
        fitted["trained"] = {"on": [f"{c} ({len(rows)} incidents, {sum(y for _, y in rows)} real)"
                                    for c, rows in per_corpus.items()],
                             "date": dt.date.today().isoformat(), "C": args.C}
        args.out.write_text(json.dumps(fitted, indent=1) + "\n", "utf-8")
        print(f"wrote {args.out}", file=sys.stderr)
    else:
        fitted = json.loads(args.out.read_text("utf-8"))
    from incidentwatch.fuse.confidence import probability

    for name, rows in [(f"fitted on {', '.join(map(str, args.fit))}", fitting)] * bool(fitting) + \
            [(str(c), r) for c, r in reporting.items()]:
        print_table(name, [(probability(r["confidence_basis"], fitted), y) for r, y in rows])
    return 0


if __name__ == "__main__":
    sys.exit(main())
