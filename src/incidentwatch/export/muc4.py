"""MUC-4 templates from a document's role predictions, in the form score_muc4.py reads."""
from __future__ import annotations

from ..eval.muc4 import ROLES, normalise
from ..extract.actors import find_groups
from ..extract.lexicon import pattern
from ..learn.annotations import LABEL_ROLES, NO_INCIDENT
from ..learn.roles import Prediction

NONE_THRESHOLD = 0.5


def lexicon_spans(text: str) -> list[tuple[int, int, str, str]]:
    """Role fillers the product's own vocabularies find: group names (data/groups.toml), attacker nouns and
    weapon nouns (data/lexicon.toml)."""
    out = [(g.start, g.end, "PERP_ORG", g.text) for g in find_groups(text)]
    for section, key, label in (("perpetrator_nouns", "words", "PERP_IND"), ("weapon_nouns", "words", "WEAPON")):
        out += [(m.start(), m.end(), label, m.group(0)) for m in pattern(section, key).finditer(text)]
    return out


def templates(pred: Prediction, none_threshold: float = NONE_THRESHOLD, text: str | None = None) -> list[dict]:
    """One template for a document that reports an incident: its type, and one entity per distinct filler
    (the trained tagger's, and, given the text, the lexicons')."""
    if pred.type_scores.get(NO_INCIDENT, 0.0) >= none_threshold:
        return []
    kinds = {k: v for k, v in pred.type_scores.items() if k != NO_INCIDENT}
    t: dict = {"incident_type": max(kinds, key=kinds.get)}
    for role in ROLES:
        t[role] = []
    seen: set[tuple[str, str]] = set()
    for _, _, label, filler in list(pred.spans) + (lexicon_spans(text) if text else []):
        role = LABEL_ROLES.get(label)
        key = (role, normalise(filler))
        if role and key[1] and key not in seen:
            seen.add(key)
            t[role].append([filler])
    if not any(t[r] for r in ROLES):
        return []
    return [t]
