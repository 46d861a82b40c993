"""MUC-4 templates from a document's role predictions, in the form score_muc4.py reads."""
from __future__ import annotations

from ..eval.muc4 import ROLES, normalise
from ..learn.annotations import LABEL_ROLES, NO_INCIDENT
from ..learn.roles import Prediction

NONE_THRESHOLD = 0.5


def templates(pred: Prediction) -> list[dict]:
    """One template for a document that reports an incident: its type, and one entity per distinct filler."""
    if pred.type_scores.get(NO_INCIDENT, 0.0) >= NONE_THRESHOLD:
        return []
    kinds = {k: v for k, v in pred.type_scores.items() if k != NO_INCIDENT}
    t: dict = {"incident_type": max(kinds, key=kinds.get)}
    for role in ROLES:
        t[role] = []
    seen: set[tuple[str, str]] = set()
    for _, _, label, text in pred.spans:
        role = LABEL_ROLES.get(label)
        key = (role, normalise(text))
        if role and key[1] and key not in seen:
            seen.add(key)
            t[role].append([text])
    if not any(t[r] for r in ROLES):
        return []
    return [t]
