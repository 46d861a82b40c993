"""Small logistic regressions whose weights are data: the occurrence model (extract.occurrence) and the
incident confidence model (fuse.confidence).  A model is a JSON file in data/ (or the user data directory):
{features, weights, bias, trained, ...}, fitted by a script in training/."""
from __future__ import annotations

import json
import math
from functools import cache

from ..extract.lexicon import read_data


@cache
def load(name: str) -> dict | None:
    """The fitted model in data/NAME, or None when none is installed."""
    try:
        return json.loads(read_data(name))
    except (FileNotFoundError, OSError):
        return None


def probability(feats: dict[str, float], fitted: dict) -> float:
    """The model's probability for these named features (a feature the model lacks counts 0)."""
    z = fitted["bias"] + sum(w * feats.get(name, 0.0) for name, w in zip(fitted["features"], fitted["weights"]))
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
