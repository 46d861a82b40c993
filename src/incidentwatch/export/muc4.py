"""MUC-4 templates from a document's role predictions, in the form score_muc4.py reads."""
from __future__ import annotations

from ..eval.muc4 import ROLES, normalise
from ..extract.actors import find_groups
from ..extract.lexicon import matcher, pattern
from ..learn.annotations import LABEL_ROLES, NO_INCIDENT
from ..learn.roles import Prediction

NONE_THRESHOLD = 0.5
# the product's attack types (data/lexicon.toml, GTD's names) as MUC-4 incident types
MUC4_TYPES = {"Bombing/Explosion": "bombing", "Hostage Taking (Kidnapping)": "kidnapping",
              "Hostage Taking (Barricade Incident)": "kidnapping", "Facility/Infrastructure Attack": "arson",
              "Armed Assault": "attack", "Assassination": "attack", "Unarmed Assault": "attack", "Hijacking": "attack"}
# how far (characters) a filler may be from the words that tell what kind of attack it belongs to
TRIGGER_REACH = 100


def lexicon_spans(text: str) -> list[tuple[int, int, str, str]]:
    """Role fillers the product's own vocabularies find: group names (data/groups.toml), attacker nouns and
    weapon nouns (data/lexicon.toml)."""
    out = [(g.start, g.end, "PERP_ORG", g.text) for g in find_groups(text)]
    for section, key, label in (("perpetrator_nouns", "words", "PERP_IND"), ("weapon_nouns", "words", "WEAPON")):
        out += [(m.start(), m.end(), label, m.group(0)) for m in pattern(section, key).finditer(text)]
    return out


def type_triggers(text: str) -> list[tuple[int, str]]:
    """(offset, MUC-4 incident type) of each attack-type phrase the product's lexicon finds in the text."""
    return sorted((start, MUC4_TYPES[cat]) for cat, start, _ in matcher("attack_types").finditer(text)
                  if cat in MUC4_TYPES)


def templates(pred: Prediction, none_threshold: float = NONE_THRESHOLD, text: str | None = None,
              lexicons: bool = True) -> list[dict]:
    """Templates for a document that reports incidents, one per incident type, each filler as one entity.

    The document's type is the classifier's; a filler goes to another type's template when the nearest
    attack-type phrase within TRIGGER_REACH characters says so ("... kidnapped the mayor" beside a bombing
    story).  With `lexicons` and the text, the product's group, attacker and weapon vocabularies add
    fillers to the tagger's."""
    if pred.type_scores.get(NO_INCIDENT, 0.0) >= none_threshold:
        return []
    kinds = {k: v for k, v in pred.type_scores.items() if k != NO_INCIDENT}
    main = max(kinds, key=kinds.get)
    triggers = type_triggers(text) if text else []
    spans = list(pred.spans) + (lexicon_spans(text) if text and lexicons else [])
    by_type: dict[str, dict] = {}
    seen: set[tuple[str, str]] = set()
    for span in spans:
        start, label, filler = span[0], span[2], span[3]
        role = LABEL_ROLES.get(label)
        key = (role, normalise(filler))
        if not role or not key[1] or key in seen:
            continue
        seen.add(key)
        near = [(abs(at - start), kind) for at, kind in triggers if abs(at - start) < TRIGGER_REACH]
        kind = min(near)[1] if near else main
        t = by_type.setdefault(kind, {"incident_type": kind, **{r: [] for r in ROLES}})
        t[role].append([filler])
    return list(by_type.values())
