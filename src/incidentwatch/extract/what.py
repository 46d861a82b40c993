"""What was attacked, how and with what: the GTD categories an incident's sentences name.

Attack and weapon words count anywhere in the incident's attack sentences; target
words only where an attack reaches them ("opened fire on worshippers"), and words
that often name responders or speakers (police, officials) only as victims.
"""
from __future__ import annotations

import functools
import re

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


def categories(section: str, sents: list[Sentence], article: Article, near_triggers=False):
    """Categories named in the incident's sentences; targets only where an attack word reaches them
    ("opened fire on worshippers", "the metro bombing"), and never as the one who speaks."""
    found: dict[str, Evidence] = {}
    fallback: dict[str, Evidence] = {}  # named only by words for the attackers: lexicon.toml [attacker_words]
    m = matcher(section)
    for s in sents:
        text = s.text
        if near_triggers:
            text = _SPEAKERS.sub(lambda x: " " * len(x.group(0)), text)
            triggers = [(a - s.start, b - s.start) for a, b in event_spans(s)]
        for cat, a, b in m.finditer(text):
            if near_triggers and not any(ta - TARGET_BEFORE <= a and b <= tb + TARGET_AFTER for ta, tb in triggers):
                continue
            if near_triggers and cat in AGENT_PRONE and not _victim_word(text, a, b):
                continue
            evidence = Evidence(section, article.id, s.start + a, s.start + b, s.text)
            if _attacker_word(section, text[a:b]):
                fallback.setdefault(cat, evidence)
            else:
                found.setdefault(cat, evidence)
    # "gunmen seized four hostages": the gunmen say who attacked, the seizing what the attack was
    return found or fallback


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
