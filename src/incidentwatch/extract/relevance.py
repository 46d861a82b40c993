"""Does an article report a militant attack, or something that only looks like one?"""
from __future__ import annotations

from .sentences import Sentence


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
        return False
    return denial <= attack_sents * 1.5 or strong >= 4
