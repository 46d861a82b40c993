"""What was attacked, how and with what: the GTD categories an incident's sentences name.

Attack and weapon words count anywhere in the incident's attack sentences; target
words only where an attack reaches them ("opened fire on worshippers"), and words
that often name responders or speakers (police, officials) only as victims.
"""
from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from typing import Callable

from ..learn import linear
from ..model import Article, Evidence
from .lexicon import lexicon, matcher, pattern, phrase_pattern
from .sentences import Sentence, event_spans


# "police said", "according to officials": the police here speak, they are not the target
_SPEAKERS = re.compile(
    r"\b(?:police|officials?|officers?|authorities|government|ministry|governor|security forces|prosecutors?|"
    r"investigators?|spokesm[ae]n|spokeswoman|law enforcement(?: source)?|police official|police chief)"
    r"(?:\s+\w+){0,2}\s+(?:said|say|says|told|reported|confirmed|stated|added|announced|declared|warned|"
    r"believe|suspect|were sent|was sent|arrived|rushed|cordoned|evacuated|stormed|launched|responded|"
    r"are investigating|is investigating|opened)\b|\baccording to (?:the )?(?:\w+\s){0,2}"
    r"(?:police|officials?|authorities|ministry|governor|government)\b", re.I)


TARGET_AFTER, TARGET_BEFORE = 70, 30

# categories whose words often name the responders or the speakers, not the victims: these count only
# when the words are what the attack hit ("attack on a police post", "two officers were killed")
AGENT_PRONE = {"Police", "Military", "Government (General)", "Government (Diplomatic)", "Journalists & Media"}


_HIT_BEFORE = re.compile(r"(?:attack(?:ed|s|ing)?(?:\s+on)?|assault(?:ed)?(?:\s+on)?|fired (?:on|at|upon)|open(?:ed)? fire "
                         r"(?:on|at)|target(?:ed|ing|s)?|struck|hit|killing|killed|kill|wounding|injuring|ambush(?:ed)?|"
                         r"bomb(?:ed|ing)? (?:of|at)|shot|shooting|stabb(?:ed|ing)|against|blew up|rammed)\W+(?:\w+\W+){0,4}$",
                         re.I)


_HIT_AFTER = re.compile(r"^\W*(?:\w+\W+){0,3}?(?:were|was|had been|have been)?\s*(?:killed|dead|died|wounded|injured|hurt|"
                        r"attacked|targeted|shot|ambushed|came under|among the (?:dead|victims))", re.I)


def _victim_word(text: str, a: int, b: int) -> bool:
    return bool(_HIT_BEFORE.search(text[max(0, a - 60):a]) or _HIT_AFTER.match(text[b:b + 50]))


@dataclass
class TypeCandidate:
    """One GTD category the incident's sentences name, and how they name it: the learned selection
    (`select`) weighs these to keep the incident's types and drop the incidental ones."""

    type: str
    evidence: Evidence
    sentences: int = 0  # how many of the incident's sentences name it
    first: int = 0  # the first of them, counted from the incident's first sentence
    headline: bool = False
    fallback: bool = False  # named only by a word for the attackers ("gunmen")


def candidates(section: str, sents: list[Sentence], article: Article, near_triggers=False,
               title_end: int = 0, earlier: Callable[[int, Sentence], bool] | None = None) -> list[TypeCandidate]:
    """Categories named in the incident's sentences; targets only where an attack word reaches them
    ("opened fire on worshippers", "the metro bombing"), and never as the one who speaks.  `earlier(pos,
    sentence)` says a word tells of an older attack the sentence recalls ("the car bombing of 2019"): such
    words name no category of this one."""
    found: dict[str, TypeCandidate] = {}
    m = matcher(section)
    for i, s in enumerate(sents):
        text = s.text
        if near_triggers:
            text = _SPEAKERS.sub(lambda x: " " * len(x.group(0)), text)
            triggers = [(a - s.start, b - s.start) for a, b in event_spans(s)]
        named: set[str] = set()
        for cat, a, b in m.finditer(text):
            if near_triggers and not any(ta - TARGET_BEFORE <= a and b <= tb + TARGET_AFTER for ta, tb in triggers):
                continue
            if near_triggers and cat in AGENT_PRONE and not _victim_word(text, a, b):
                continue
            if earlier is not None and s.start >= title_end and earlier(s.start + a, s):
                continue
            if section in ("attack_types", "weapon_types") and _at_the_attackers(text, b):
                continue  # "guards opened fire on the suicide bomber": the response, not the attack
            fallback = _attacker_word(section, text[a:b])
            c = found.get(cat)
            if c is None or (c.fallback and not fallback):
                # the first firm word is the evidence; a word for the attackers only until one comes
                evidence = Evidence(section, article.id, s.start + a, s.start + b, s.text)
                if c is None:
                    c = found[cat] = TypeCandidate(cat, evidence, first=i, fallback=fallback)
                else:
                    c.evidence, c.fallback = evidence, False
            if cat not in named:
                named.add(cat)
                c.sentences += 1
                c.headline = c.headline or s.start < title_end
    return list(found.values())


@functools.cache
def _attackers_after() -> re.Pattern:
    nouns = pattern("perpetrator_nouns", "words").pattern
    return re.compile(r"^\s+(?:(?:on|at|upon)\s+)?(?:the|a|an|two|three|four|five|several|all)?\s*(?:[\w-]+\s+){0,2}?"
                      + nouns, re.I)


def _at_the_attackers(text: str, end: int) -> bool:
    """A firing word aimed at the attackers ("opened fire on the suicide bomber", "fired at the gunmen"):
    what the guards did, not what the attack was."""
    return bool(_attackers_after().match(text[end:end + 60]))


def type_features(c: TypeCandidate, cands: list[TypeCandidate], n_sents: int) -> dict[str, float]:
    """A candidate as named numbers, the selection model's input."""
    most = max((x.sentences for x in cands if not x.fallback), default=0) or max(x.sentences for x in cands)
    return {"sentences": math.log1p(c.sentences), "share": c.sentences / max(1, n_sents),
            "relative": c.sentences / max(1, most), "top": float(c.sentences >= most),
            "headline": float(c.headline), "lead": float(c.first < 3), "first": c.first / max(1, n_sents),
            "fallback": float(c.fallback), "others": math.log1p(len(cands) - 1), f"type={c.type}": 1.0}


def type_model() -> dict | None:
    """The fitted selection model ({sections: {section: {features, weights, bias, threshold}}}), or None."""
    return linear.load("type_model.json")


def select(section: str, cands: list[TypeCandidate], n_sents: int, fitted: dict | None = None
           ) -> tuple[dict[str, Evidence], list[dict]]:
    """The incident's categories of one section, and the basis of the choice (each candidate, its
    probability and whether it was kept).  A category named once in passing beside the attack's main one
    ("a bomb near a police van" that also "hit passers-by") is weighed by how, where and how often the
    sentences name it; at least one category is always kept.  Without a model every candidate counts, as
    in `categories`."""
    fitted = fitted if fitted is not None else type_model()
    model = (fitted or {}).get("sections", {}).get(section)
    if not cands:
        return {}, []
    feats = [type_features(c, cands, n_sents) for c in cands]
    if model is None:
        kept = categories_of(cands)
        probs: list[float | None] = [None] * len(cands)
    else:
        probs = [linear.probability(f, model) for f in feats]
        best = max(probs)
        kept = [c for p, c in zip(probs, cands) if p >= model["threshold"] or p == best]
    return {c.type: c.evidence for c in kept}, [
        {"type": c.type, "p": None if p is None else round(p, 4), "kept": c in kept,
         "features": {k: round(v, 4) for k, v in f.items()}}
        for c, p, f in zip(cands, probs, feats)]


def categories_of(cands: list[TypeCandidate]) -> list[TypeCandidate]:
    """Every candidate, but those named only by words for the attackers when any other is: "gunmen seized
    four hostages" says who attacked, the seizing what the attack was."""
    firm = [c for c in cands if not c.fallback]
    return firm or cands


def _attacker_word(section: str, word: str) -> bool:
    table = lexicon().get("attacker_words", {})
    return section in table and bool(_attacker_pattern(section).fullmatch(word))


@functools.cache
def _attacker_pattern(section: str):
    return phrase_pattern(lexicon()["attacker_words"][section])


_BARRICADE, _KIDNAPPING = "Hostage Taking (Barricade Incident)", "Hostage Taking (Kidnapping)"


def hostages_held(found: dict[str, Evidence], sents: list[Sentence]) -> dict[str, Evidence]:
    """A kidnapping's hostages are no barricade incident unless a sentence says they were held at the scene
    (data/lexicon.toml [hostages])."""
    if _BARRICADE in found and _KIDNAPPING in found and \
            not any(pattern("hostages", "held_at_the_scene").search(s.text) for s in sents):
        found = {k: v for k, v in found.items() if k != _BARRICADE}
    return found
