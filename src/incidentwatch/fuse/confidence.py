"""How likely an incident is a real attack: a number in [0, 1] drawn from its evidence.

The evidence is three kinds of thing: how the occurrence was decided (the occurrence model's probability for
the articles that report it), how many independent reports
there are, and how many of its fields the reports support (a day, a town, a toll, a group, a type).  A
logistic regression over these named features turns them into a probability; it is fitted on the incidents
of the development corpora, labelled by whether the shared scorer matches them to a gold event
(training/confidence.py, `make train-confidence`), and its weights are data (data/confidence_model.json).
BENCHMARKS.md shows its reliability table.  Incidents only recalled in passing (background_only) get a
confidence too, from the same model, though it was fitted on incidents told as news.  Without that file incidents carry no confidence (None), and
filters on it let them through.
"""
from __future__ import annotations

import math

from ..learn import linear
from ..model import Incident, Mention

RECENT_DAYS = 7  # an attack dated this close to its report's publication is the report's news


def _log(n: float) -> float:
    return math.log1p(max(0.0, n))


def features(inc: Incident, mentions: list[Mention]) -> dict[str, float]:
    """The incident's evidence as named numbers (the model's input; absent means 0)."""
    reported = [m for m in mentions if m.role == "reported"]
    f: dict[str, float] = {}
    probs = [m.occurrence for m in reported if m.occurrence is not None]
    f["occurrence"] = max(probs) if probs else (0.5 if reported else 0.0)
    f["reports"] = _log(len({m.article_id for m in reported}))
    f["references"] = _log(len({m.article_id for m in mentions if m.role != "reported"}))
    f["day"] = float(inc.date is not None and inc.date_precision == "day")
    f["dated"] = float(inc.date is not None)
    f["city"] = float(bool(inc.city))
    f["region"] = float(bool(inc.admin1))
    f["country"] = float(bool(inc.country))
    # a figure a source gave, not one derived (a 0 where no report tells of a death)
    f["killed"] = float(inc.killed.best is not None and "killed" not in inc.derived)
    f["injured"] = float(inc.injured.best is not None and "injured" not in inc.derived)
    f["attack_type"] = float(any(t != "Unknown" for t in inc.attack_types))
    f["group"] = float(bool(inc.perpetrators or inc.claimed_by))
    f["flags"] = _log(len(inc.flags))
    gaps = [abs((m.published - m.date).days) for m in reported if m.published and m.date]
    f["recent"] = float(bool(gaps) and min(gaps) <= RECENT_DAYS)
    f["undated_reports"] = float(not any(m.published for m in reported))
    return f


def model() -> dict | None:
    """The fitted model ({features, weights, bias, trained}), or None when none is installed."""
    return linear.load("confidence_model.json")


def probability(feats: dict[str, float], fitted: dict | None = None) -> float | None:
    fitted = fitted or model()
    return None if fitted is None else linear.probability(feats, fitted)


def assess(inc: Incident, mentions: list[Mention]) -> None:
    """Set the incident's confidence and the evidence it was drawn from."""
    inc.confidence_basis = {k: round(v, 4) for k, v in features(inc, mentions).items()}
    p = probability(inc.confidence_basis)
    inc.confidence = None if p is None else round(p, 3)
