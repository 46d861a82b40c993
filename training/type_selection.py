"""Fit the type selection model (extract/what.py `select`) and write src/incidentwatch/data/type_model.json.

    python training/type_selection.py --fit SPLIT/tune [--report SPLIT/check] [--out PATH]

The sentences of a report name more GTD categories than the attack had: a bombing "near a police van" that
also "wounded passers-by" is coded Police, not Private Citizens & Property too.  Each category a report's
incident sentences name is a candidate (what.candidates); its label comes from the corpus, never from the
text by hand: 1 when the gold event of the report lists that category, else 0.  Reports of one gold event
are used (news, not roundups nor distractors), with the first incident they report.  One logistic regression
(scikit-learn) per section (attack, target, weapon types) over what.type_features; its threshold is the one
that gives the best mean per-report F1 on the fitting corpora.  `make train-types` fits it on the tune half
of the split development corpora and reports both halves, against keeping every candidate.
"""
from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

from common import fit_and_report_parser

from incidentwatch.extract.pipeline import extract_article
from incidentwatch.extract.nlp import load_nlp
from incidentwatch.extract.what import type_features
from incidentwatch.ingest.jsonl import read as read_jsonl
from incidentwatch.model import Article

OUT = Path(__file__).resolve().parents[1] / "src/incidentwatch/data/type_model.json"
SECTIONS = ("attack_types", "target_types", "weapon_types")
THRESHOLDS = [round(0.2 + 0.05 * i, 2) for i in range(11)]


def reports(corpus: Path) -> list[dict]:
    """Per report of one gold event: {section: [(features, type, label)]} of its first reported incident."""
    gold = {}
    for line in (corpus / "gold.jsonl").read_text("utf-8").splitlines():
        if line.strip():
            ev = json.loads(line)
            gold[ev["event"]] = ev
    events = {}
    for line in (corpus / "articles.jsonl").read_text("utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            if rec.get("kind") == "news" and rec.get("event") in gold and not rec.get("events"):
                events[rec["id"]] = rec["event"]
    articles = [a for a in read_jsonl((corpus / "articles.jsonl").read_bytes(), str(corpus))
                if isinstance(a, Article) and a.id in events]
    out = []
    nlp = load_nlp()
    for article, doc in zip(articles, nlp.pipe((a.text for a in articles), batch_size=16)):
        mention = next((m for m in extract_article(article, doc) if m.role == "reported"), None)
        if mention is None:
            continue
        ev = gold[events[article.id]]
        row = {}
        for section in SECTIONS:
            basis = mention.type_basis.get(section) or []
            truth = set(ev.get(section) or [])
            if truth and basis:
                row[section] = [(b["features"], b["type"], int(b["type"] in truth)) for b in basis]
                row[section + ":gold"] = truth
        out.append(row)
    print(f"{corpus}: {len(out)} reports", file=sys.stderr)
    return out


def f1(kept: set[str], truth: set[str]) -> float:
    tp = len(kept & truth)
    return 0.0 if not tp else 2 * tp / (len(kept) + len(truth))


def chosen(cands: list[tuple[dict, str, int]], model: dict | None, threshold: float | None = None) -> set[str]:
    """The types kept: every candidate without a model, else those at the threshold and the best one."""
    from incidentwatch.learn.linear import probability

    if model is None:
        return {t for _, t, _ in cands}
    threshold = model["threshold"] if threshold is None else threshold
    scored = [(probability(f, model), t) for f, t, _ in cands]
    best = max(p for p, _ in scored)
    return {t for p, t in scored if p >= threshold or p == best}


def mean_f1(rows: list[dict], section: str, model: dict | None, threshold: float | None = None) -> float:
    scores = []
    for row in rows:
        if section in row:
            # types the gold lists that no sentence named are misses either way: they lower both columns alike
            scores.append(f1(chosen(row[section], model, threshold), row[section + ":gold"]))
    return sum(scores) / len(scores) if scores else 0.0


def fit(rows: list[dict], section: str, c: float) -> dict:
    from sklearn.linear_model import LogisticRegression

    data = [(f, y) for row in rows for f, _, y in row.get(section, [])]
    names = sorted({k for f, _ in data for k in f})
    clf = LogisticRegression(C=c, max_iter=5000)
    clf.fit([[f.get(k, 0.0) for k in names] for f, _ in data], [y for _, y in data])
    model = {"features": names, "weights": [round(float(w), 6) for w in clf.coef_[0]],
             "bias": round(float(clf.intercept_[0]), 6), "threshold": 0.5}
    model["threshold"] = max(THRESHOLDS, key=lambda t: (mean_f1(rows, section, model, t), -abs(t - 0.5)))
    return model


def main(argv=None) -> int:
    ap = fit_and_report_parser(__doc__.splitlines()[0], OUT)
    ap.add_argument("--section", action="append", choices=SECTIONS,
                    help="the sections to select in (default: target_types, the only one where selection did "
                         "not lose on the check half; see BENCHMARKS.md)")
    args = ap.parse_args(argv)
    sections = args.section or ["target_types"]
    missing = [c for c in args.fit + args.report if not (c / "gold.jsonl").exists()]
    if missing:
        print(f"skipped: {missing[0]} has no gold.jsonl", file=sys.stderr)
        return 0
    fitting = [row for c in args.fit for row in reports(c)]
    reporting = {c: reports(c) for c in args.report}
    if fitting:
        fitted = {"sections": {s: fit(fitting, s, args.C) for s in sections},
                  "trained": {"on": [str(c) for c in args.fit], "reports": len(fitting),
                              "date": dt.date.today().isoformat(), "C": args.C}}
        args.out.write_text(json.dumps(fitted, indent=1) + "\n", "utf-8")
        print(f"wrote {args.out}", file=sys.stderr)
    else:
        fitted = json.loads(args.out.read_text("utf-8"))
    print("| corpus | section | reports | F1, every candidate | F1, selected | threshold |")
    print("|---|---|---|---|---|---|")
    for name, rows in [(f"fit: {', '.join(map(str, args.fit))}", fitting)] * bool(fitting) + \
            [(str(c), r) for c, r in reporting.items()]:
        for s in fitted["sections"]:
            model = fitted["sections"][s]
            n = sum(s in r for r in rows)
            print(f"| {name} | {s} | {n} | {mean_f1(rows, s, None):.3f} | {mean_f1(rows, s, model):.3f} | "
                  f"{model['threshold']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
