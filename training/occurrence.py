"""Fit the occurrence model (extract/occurrence.py) and write src/incidentwatch/data/occurrence_model.json.

    python training/occurrence.py --news DIR/articles.jsonl [--muc4 ../shared/corpora/muc4/train.json]

Labels come from the corpora, never from the text by hand: a news-corpus article is positive when its
`kind` is "news" (a report of an attack in the gold) and negative when it is a "distractor"; a MUC-4
document is positive when its gold has a template (an incident it reports).  `make train-occurrence` runs
it on the tune half of the split development corpora (so that the check half stays unseen) and MUC-4's
train split.  The model is a logistic regression (scikit-learn), its classes balanced; MUC-4 documents
weigh less, being another era's wire copy, lower-cased.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from incidentwatch.extract.nlp import load_nlp
from incidentwatch.extract.occurrence import features
from incidentwatch.extract.sentences import analyse
from incidentwatch.ingest.jsonl import read as read_jsonl
from incidentwatch.model import Article

OUT = Path(__file__).resolve().parents[1] / "src/incidentwatch/data/occurrence_model.json"
MUC4_WEIGHT = 0.3


def labelled(path: Path, corpus: str) -> list[tuple[Article, int]]:
    labels = {}
    for line in path.read_text("utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            key = rec.get("id") or rec.get("docid")
            labels[str(key)] = int(bool(rec.get("templates"))) if corpus == "muc4" else int(rec.get("kind") == "news")
    out = []
    for item in read_jsonl(path.read_bytes(), str(path)):
        if isinstance(item, Article) and item.id in labels:
            out.append((item, labels[item.id]))
    missing = len(labels) - len(out)
    if missing:
        print(f"{path}: {missing} records not read as articles", file=sys.stderr)
    return out


def table(items: list[tuple[Article, int]]) -> list[tuple[dict, int]]:
    nlp = load_nlp()
    rows = []
    for (article, label), doc in zip(items, nlp.pipe((a.text for a, _ in items), batch_size=16)):
        rows.append((features(article, analyse(article, doc, article.published)), label))
        if len(rows) % 200 == 0:
            print(f"  {len(rows)}/{len(items)} articles", file=sys.stderr)
    return rows


# The direction each feature may push, where it is known beforehand: attack words, a toll, a claim, a place
# and a recent date can only speak for a report; story cues (but the news family), vetoed and accidental
# sentences and old dates only against.  Many features come together in long articles of both kinds, and
# without these bounds the fit gives some of them the wrong sign (a toll in the lead counting against an
# attack), which then sinks short reports that have little else.  Unlisted features are free.
FOR_A_REPORT = {"rules", "strong", "weak", "attack_share", "lead_strong", "lead_toll", "toll", "claims", "places",
                "recent_date", "lead_news", "share_news"}
AGAINST = {"vetoed", "accidental", "lead_vetoed", "lead_accidental", "old_dates_share"}


def bounds(name: str) -> tuple[float | None, float | None]:
    if name in FOR_A_REPORT:
        return (0.0, None)
    if name in AGAINST or name.startswith(("lead_", "share_")):
        return (None, 0.0)
    return (None, None)


def fit(rows: list[tuple[dict, int]], weights: list[float], c: float = 1.0) -> dict:
    """A logistic regression with the signs above, its classes balanced, L2-penalised as scikit-learn's is
    (C the inverse strength), fitted by L-BFGS-B."""
    import numpy as np
    from scipy.optimize import minimize

    names = sorted({k for f, _ in rows for k in f})
    x = np.array([[f.get(k, 0.0) for k in names] for f, _ in rows])
    y = np.array([label for _, label in rows], dtype=float)
    w = np.array(weights, dtype=float)
    for label in (0.0, 1.0):  # balanced: each class weighs as much in total
        w[y == label] *= w.sum() / (2 * w[y == label].sum())

    def loss(theta):
        z = x @ theta[:-1] + theta[-1]
        p = 1.0 / (1.0 + np.exp(-z))
        value = c * np.sum(w * (np.logaddexp(0.0, z) - y * z)) + 0.5 * theta[:-1] @ theta[:-1]
        grad = np.append(c * x.T @ (w * (p - y)) + theta[:-1], c * np.sum(w * (p - y)))
        return value, grad

    res = minimize(loss, np.zeros(len(names) + 1), jac=True, method="L-BFGS-B",
                   bounds=[bounds(n) for n in names] + [(None, None)])
    return {"features": names, "weights": [round(float(v), 6) for v in res.x[:-1]],
            "bias": round(float(res.x[-1]), 6), "threshold": 0.5, "signs": "bounded (training/occurrence.py)"}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--news", type=Path, action="append", required=True, help="articles.jsonl with kind labels")
    ap.add_argument("--muc4", type=Path, action="append", default=[], help="MUC-4 JSON Lines (GTT form)")
    ap.add_argument("-C", type=float, default=1.0, help="inverse regularisation strength")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    rows, weights, sources = [], [], []
    for path in args.news:
        part = table(labelled(path, "news"))
        rows += part
        weights += [1.0] * len(part)
        sources.append(f"{path} ({len(part)} articles, {sum(l for _, l in part)} reports)")
    for path in args.muc4:
        part = table(labelled(path, "muc4"))
        rows += part
        weights += [MUC4_WEIGHT] * len(part)
        sources.append(f"{path} ({len(part)} documents, {sum(l for _, l in part)} with templates, "
                       f"weight {MUC4_WEIGHT})")
    fitted = fit(rows, weights, args.C)
    fitted["trained"] = {"on": sources, "date": dt.date.today().isoformat(), "C": args.C}
    hits = sum((sum(w * f.get(k, 0.0) for k, w in zip(fitted["features"], fitted["weights"])) + fitted["bias"] >= 0)
               == bool(label) for f, label in rows)
    print(f"training accuracy {hits / len(rows):.3f} over {len(rows)} articles", file=sys.stderr)
    args.out.write_text(json.dumps(fitted, indent=1) + "\n", "utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
