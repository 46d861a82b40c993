"""People and venues named in a sentence: attackers by name, and the venue of an attack."""
from __future__ import annotations

import re

from .lexicon import load_toml
from .gazetteer import gazetteer


_CUE = (r"(?:suicide bomber|bomber|attacker|assailant|gunman|perpetrator|shooter|suspect|hostage-taker|"
        r"ringleader|mastermind)s?")


_BEFORE_NAME = re.compile(rf"\b(?:{_CUE}\W+(?:(?:was|has been|had been|were)\s+)?(?:named|identified)\s+as|"
                          rf"{_CUE},?|suspected|named the (?:\w+\s+){{0,2}}{_CUE} as|identified the (?:\w+\s+){{0,2}}"
                          rf"{_CUE} as)\s*$", re.I)


_AFTER_NAME = re.compile(rf"^,?\s+(?:(?:was|is|had been|has been)\s+)?(?:a|an|the|one of the)\s+"
                         rf"(?:[\w-]+\s+){{0,2}}?{_CUE}\b", re.I)


_NOT_PERSON = re.compile(r"\b(?:Arena|Hall|Church|Cathedral|Mosque|Synagogue|Airport|Station|Stadium|Hotel|Street|Square)\b")


def attackers(s)  -> list[tuple[int, int, str]]:
    """Named people the sentence calls attackers: "the bomber was named as Salman Abedi",
    "Salah Abdeslam, a suspect in ..."."""
    out = []
    for a, b, name in s.persons:
        ra, rb = a - s.start, b - s.start
        if len(name.split()) < 2 or not all(w[:1].isupper() for w in name.split()) or gazetteer().lookup(name) \
                or _NOT_PERSON.search(name):
            continue
        if _BEFORE_NAME.search(s.text[max(0, ra - 60):ra]) or _AFTER_NAME.match(s.text[rb:rb + 60]):
            out.append((a, b, name))
    return out


# a figure given on the word of an authority, not of a witness or the outlet itself


_VENUE_WORDS = re.compile(r"\b(?:" + "|".join(map(re.escape, load_toml("lang/en/places.toml")["venues"]["words"]))
                          + r")\b")


def venue(text: str, label: str = "ORG") -> str | None:
    """A venue's name, the words that let reports of one attack find each other across outlets: what the
    recogniser calls a facility or an event, or an organisation whose name has a venue's word."""
    name = re.sub(r"^(?:the|a)\s+", "", text.strip(), flags=re.I).strip(" .,'’\"")
    if not name or len(name) > 60:
        return None
    return name if label in ("FAC", "EVENT") or _VENUE_WORDS.search(name) else None
