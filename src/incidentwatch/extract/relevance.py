"""Does an article report a militant attack, or something that only looks like one?"""
from __future__ import annotations

from .lexicon import pattern
from .sentences import Sentence


def could_report_attack(text: str) -> bool:
    """A cheap test on the raw text, before any parsing: can `is_attack_report` say yes?  It needs a strong
    attack word, counted sentence by sentence; counted over the whole text there can only be as many or
    more, so an article that fails here would fail there.  (A one-sentence brief with one strong word and
    its toll is a report, so nothing more can be asked of the raw text.)"""
    return pattern("triggers", "strong").search(text) is not None


def is_attack_report(sents: list[Sentence]) -> bool:
    """Does the article report a militant attack (not an accident, a disaster, a court case)?"""
    strong = sum(s.strong for s in sents if not s.not_attack)
    weak = sum(s.weak for s in sents if not s.not_attack)
    accidental = sum(1 for s in sents if s.accidental)
    denial = sum(1 for s in sents if s.not_attack)
    attack_sents = sum(1 for s in sents if s.attack)
    if strong == 0:
        return False
    if accidental and strong < 4:
        return False
    if strong + weak < 3 or attack_sents < 2:
        # a brief: one sentence that tells an attack and its toll ("A bomb exploded near a police van in
        # Quetta on Monday, killing 2 people")
        return any(s.attack and s.strong and s.casualties for s in sents) and not accidental and \
            denial <= attack_sents
    return denial <= attack_sents * 1.5 or strong >= 4
