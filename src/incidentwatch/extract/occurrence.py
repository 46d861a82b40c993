"""Does the article tell an attack that happened, as news?  A small learned model decides.

The rules of relevance.py look at attack words; what they miss is the kind of story around them: a drill, a
trial, an anniversary, a statistics report, a foiled plot, an army's operation, a robbery.  Here an article
becomes a handful of features (the rules' own counts, where the attack words and tolls stand, how recent the
dates are, and how often each family of cues in data/lang/<lang>/occurrence.toml appears in the lead and in
the whole text), and a logistic regression fitted on labelled articles (training/occurrence.py, `make
train-occurrence`) weighs them.  Its weights are data (data/occurrence_model.json); without that file the
rules decide alone.
"""
from __future__ import annotations

import math
import re
from functools import cache

from ..model import Article
from ..learn import linear
from .lexicon import load_toml, phrase_pattern
from .relevance import is_attack_report
from .sentences import Sentence

LEAD_SENTENCES = 3  # after the headline: where a news story says what happened
RECENT_DAYS = 7  # a date this close to publication is the news; older ones are recalled


@cache
def cue_patterns(lang: str = "en") -> dict[str, re.Pattern]:
    data = load_toml(f"lang/{lang}/occurrence.toml")["cues"]
    return {family: phrase_pattern(phrases) for family, phrases in data.items()}


def _log(n: float) -> float:
    return math.log1p(max(0.0, n))


def features(article: Article, sents: list[Sentence], lang: str = "en", rules: bool | None = None) -> dict[str, float]:
    """The article as named numbers, the model's input (all are counts or shares, so absent means 0).
    `rules` is the rules' verdict when the caller has it already."""
    f: dict[str, float] = {}
    if not sents:
        return f
    n = len(sents)
    lead = sents[: LEAD_SENTENCES + 1]  # the headline (when there is one) and the first sentences
    f["rules"] = float(is_attack_report(sents) if rules is None else rules)
    f["sentences"] = _log(n)
    f["strong"] = _log(sum(s.strong for s in sents if not s.not_attack))
    f["weak"] = _log(sum(s.weak for s in sents if not s.not_attack))
    f["attack_share"] = sum(1 for s in sents if s.attack) / n
    f["vetoed"] = _log(sum(1 for s in sents if s.not_attack))
    f["accidental"] = _log(sum(1 for s in sents if s.accidental))
    f["lead_strong"] = float(any(s.strong and not s.not_attack for s in lead))
    f["lead_toll"] = float(any(s.casualties and s.attack for s in lead))
    f["lead_vetoed"] = float(any(s.not_attack for s in lead))
    f["lead_accidental"] = float(any(s.accidental for s in lead))
    f["toll"] = float(any(s.casualties for s in sents if s.attack))
    f["claims"] = float(any(s.claims for s in sents))
    f["places"] = float(any(s.places for s in sents if s.attack))
    dates = [r for s in sents if s.attack for r in s.dates if r.date]
    if article.published and dates:
        gaps = [abs((article.published - r.date).days) for r in dates]
        f["recent_date"] = float(min(gaps) <= RECENT_DAYS)
        f["old_dates_share"] = sum(g > 60 for g in gaps) / len(gaps)
    elif dates:
        f["undated_article"] = 1.0
    lead_text = " ".join(s.text for s in lead)
    for family, pattern in cue_patterns(lang).items():
        f[f"lead_{family}"] = float(bool(pattern.search(lead_text)))
        f[f"share_{family}"] = sum(1 for s in sents if pattern.search(s.text)) / n
    return f


def model() -> dict | None:
    """The fitted model ({features, weights, bias, threshold, trained}), or None when none is installed."""
    return linear.load("occurrence_model.json")


def probability(feats: dict[str, float], fitted: dict | None = None) -> float | None:
    """How likely the article tells an attack as news; None without a model."""
    fitted = fitted or model()
    return None if fitted is None else linear.probability(feats, fitted)


def decide(article: Article, sents: list[Sentence], fitted: dict | None = None) -> tuple[bool, float | None]:
    """The gate of extraction, and the model's probability: the rules propose (enough attack words,
    relevance.is_attack_report), the model disposes; without a model the rules decide alone (probability
    None)."""
    if not sents or not is_attack_report(sents):
        return False, None
    fitted = fitted or model()
    if fitted is None:
        return True, None
    p = probability(features(article, sents, rules=True), fitted)
    return p >= fitted["threshold"], p


def reports_attack(article: Article, sents: list[Sentence], fitted: dict | None = None) -> bool:
    """Whether the article tells an attack that happened, as news (see `decide`)."""
    return decide(article, sents, fitted)[0]
