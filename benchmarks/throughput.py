"""Articles per second: bare spaCy against `incidentwatch ingest`, on the same articles.

    python benchmarks/throughput.py [--attack-docs 300] [--stream-docs 700]

Two corpora, read from ../shared (skipped if it is not there):
- attack news: ../shared/corpora/news-dev's reports plus MUC-4 training documents that have templates;
- a stream where one article in ten reports an attack: those attack articles, thinned, among MUC-4
  documents without templates and news-dev's non-attack distractors.

For each corpus it times (a) spaCy's `nlp.pipe` with en_core_web_sm, every default component,
`n_process=2`, `batch_size=32`, the model loaded before the clock starts; and (b) `incidentwatch ingest`
of the same articles (a JSON Lines file) into a fresh SQLite database, end to end, in process, with
`--workers` processes (2, like spaCy's n_process; the model and the gazetteer loaded before the clock
starts, as a long-running desk would have them).  It prints articles per second for
each and their ratio.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared"
NEWS = SHARED / "corpora" / "news-dev" / "articles.jsonl"
MUC4 = SHARED / "corpora" / "muc4" / "train.json"


def corpora(attack_docs: int, stream_docs: int, seed: int = 5) -> dict[str, list[dict]]:
    rng = random.Random(seed)
    news = [json.loads(line) for line in NEWS.read_text(encoding="utf-8").splitlines() if line.strip()]
    muc = [json.loads(line) for line in MUC4.read_text(encoding="utf-8").splitlines() if line.strip()]
    attacks = [{"id": n["id"], "text": n["text"], "published": n.get("published")} for n in news
               if n.get("kind") == "news"]
    attacks += [{"id": d["docid"], "text": d["doctext"]} for d in muc if d["templates"]]
    others = [{"id": n["id"], "text": n["text"], "published": n.get("published")} for n in news
              if n.get("kind") != "news"]
    others += [{"id": d["docid"], "text": d["doctext"]} for d in muc if not d["templates"]]
    attack_set = attacks[:attack_docs]
    n_attack = max(1, stream_docs // 10)
    stream = rng.sample(attacks, n_attack) + rng.sample(others, min(len(others), stream_docs - n_attack))
    rng.shuffle(stream)
    return {"attack news": attack_set, "stream (1 in 10 an attack)": stream}


def bare_spacy(texts: list[str]) -> float:
    import spacy

    from incidentwatch.extract.nlp import MODEL_PACKAGES

    nlp = None
    for name in MODEL_PACKAGES:
        try:
            nlp = spacy.load(name)
            break
        except OSError:
            continue
    t0 = time.perf_counter()
    for _ in nlp.pipe(texts, n_process=2, batch_size=32):
        pass
    return time.perf_counter() - t0


def ingest(docs: list[dict], workers: int) -> tuple[float, object]:
    from incidentwatch import api
    from incidentwatch.extract.gazetteer import gazetteer
    from incidentwatch.extract.nlp import load_nlp

    load_nlp()
    gazetteer()
    tmp = Path(tempfile.mkdtemp(prefix="iw-throughput-"))
    path = tmp / "articles.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    t0 = time.perf_counter()
    report = api.ingest([path], db=f"sqlite:///{tmp / 'bench.db'}", workers=workers)
    return time.perf_counter() - t0, report


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--attack-docs", type=int, default=300)
    ap.add_argument("--stream-docs", type=int, default=700)
    ap.add_argument("--workers", type=int, default=2)
    a = ap.parse_args(argv)
    if not NEWS.exists() or not MUC4.exists():
        print(f"skipped: {SHARED} is not here (news-dev and MUC-4 are needed)")
        return 0
    print(f"{'corpus':28s} {'articles':>8s} {'spaCy/s':>9s} {'ingest/s':>9s} {'ingest/spaCy':>13s}  incidents")
    for name, docs in corpora(a.attack_docs, a.stream_docs).items():
        texts = [d["text"] for d in docs]
        s = bare_spacy(texts)
        t, report = ingest(docs, a.workers)
        print(f"{name:28s} {len(docs):8d} {len(docs) / s:9.1f} {len(docs) / t:9.1f} {s / t:13.2f}  "
              f"{report.incidents_touched} touched, {report.mentions} mentions", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
