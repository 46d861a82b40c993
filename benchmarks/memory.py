"""Peak memory of ingesting many articles: `incidentwatch ingest` of N articles (default 20,000) drawn
from the one-in-ten stream of benchmarks/throughput.py, each made distinct (else duplicates are skipped),
sampled every half second: the largest resident size of one process and the proportional (shared pages
split) total of the command and its workers.

    python benchmarks/memory.py [--articles 20000] [--workers 2]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).parent))
from throughput import MUC4, NEWS, corpora  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=20_000)
    ap.add_argument("--workers", type=int, default=2)
    a = ap.parse_args(argv)
    if not NEWS.exists() or not MUC4.exists():
        print("skipped: ../shared is not here (news-dev and MUC-4 are needed)")
        return 0
    stream = corpora(300, 700)["stream (1 in 10 an attack)"]
    tmp = Path(tempfile.mkdtemp(prefix="iw-memory-"))
    path = tmp / "articles.jsonl"
    with open(path, "w", encoding="utf-8") as f:
        for i in range(a.articles):
            d = dict(stream[i % len(stream)])
            d["id"] = f"{d['id']}-{i}"
            d["text"] = f"{d['text']}\n\n(copy {i})"
            f.write(json.dumps(d) + "\n")
    cmd = [str(Path(sys.executable).with_name("incidentwatch")), "ingest", str(path), "--db",
           f"sqlite:///{tmp / 'memory.db'}", "--workers", str(a.workers)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    root = psutil.Process(proc.pid)
    peak_rss = peak_pss = 0
    while proc.poll() is None:
        try:
            procs = [root] + root.children(recursive=True)
            infos = [p.memory_full_info() for p in procs]
        except psutil.Error:
            continue
        peak_rss = max(peak_rss, max(i.rss for i in infos))
        peak_pss = max(peak_pss, sum(i.pss for i in infos))
        time.sleep(0.5)
    seconds = time.perf_counter() - t0
    print(proc.stderr.read().strip().splitlines()[-1])
    print(f"{a.articles} articles, {a.workers} workers: {seconds:.0f} s ({a.articles / seconds:.1f}/s); "
          f"peak RSS of one process {peak_rss / 2**20:.0f} MB; peak PSS of all {peak_pss / 2**20:.0f} MB")
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
