"""What the training scripts share: the command line of a model fitted on some corpus folders and reported on
others (the tune and check halves of the split development corpora)."""
from __future__ import annotations

import argparse
from pathlib import Path


def fit_and_report_parser(description: str, out: Path) -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--fit", type=Path, action="append", default=[], help="corpus folder to fit on")
    ap.add_argument("--report", type=Path, action="append", default=[], help="corpus folder to report on only")
    ap.add_argument("-C", type=float, default=1.0, help="inverse regularisation strength")
    ap.add_argument("--out", type=Path, default=out, help=f"where the model goes (default {out.name} in data/)")
    return ap
