"""Militant groups named in text, and the responsibility statements made about them.

Group names come from data/groups.toml.  A statement's status follows its
verb: "claimed responsibility" (claimed), "praised" (praised), "likely carried
out", "was behind" (attributed, with the hedge kept), "blamed", "accused"
(blamed), "denied" (denied), "rejected the claim" (disputed).  Negation
("did not claim", "no claim") cancels a claim.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from ..model import Claim, Evidence
from .gazetteer import fold
from .lexicon import load_toml, phrase_pattern


@dataclass
class GroupMention:
    start: int
    end: int
    text: str
    group: str


@dataclass(frozen=True)
class Group:
    name: str
    parent: str | None


@functools.cache
def groups() -> dict[str, Group]:
    return {g["name"]: Group(g["name"], g.get("parent")) for g in load_toml("groups.toml")["group"]}


@functools.cache
def _alias_patterns() -> list[tuple[re.Pattern, str]]:
    pats = []
    for g in load_toml("groups.toml")["group"]:
        names = list(g.get("aliases", [])) + [g["name"]]
        variants = set(names)
        for n in names:  # "al-Nusra" / "al Nusra" / "Nusra"; "the Islamic State"
            variants.add(n.replace("-", " "))
        pats.append((phrase_pattern(variants), g["name"]))
        if g.get("exact"):
            pats.append((phrase_pattern(g["exact"], case_sensitive=True), g["name"]))
    return pats


def canonical_group(name: str) -> str | None:
    """The group a name refers to, or None: "Vilayat Kavkaz" -> "Islamic State – Caucasus Province"."""
    for m in find_groups(name):
        if m.start == 0 and m.end >= len(name.strip()) - 1:
            return m.group
    key = fold(name)
    for g in groups():
        if fold(g) == key:
            return g
    return None


def family(name: str) -> str:
    """The top of a group's family: a branch's parent, or itself."""
    seen = set()
    while name in groups() and groups()[name].parent and name not in seen:
        seen.add(name)
        name = groups()[name].parent
    return name


def find_groups(text: str, offset: int = 0) -> list[GroupMention]:
    """Group names in text, longest match winning where they overlap."""
    hits = []
    upper_line = text.isupper()
    for pat, name in _alias_patterns():
        for m in pat.finditer(text):
            if upper_line and m.group(0) == "IS":
                continue
            hits.append(GroupMention(offset + m.start(), offset + m.end(), m.group(0), name))
    hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
    out: list[GroupMention] = []
    for h in hits:
        if out and h.start < out[-1].end:
            continue
        out.append(h)
    # "the Islamic State group in Afghanistan", "Islamic State's Caucasus province": a branch named after its parent
    return out


_NEG = r"(?:not|no|never|n't|without|nor|yet to|has not|have not|did not|didn't|hasn't|haven't|denied that)"
CUES = [
    ("disputed", re.compile(r"\b(reject(?:ed|s)?|dismiss(?:ed|es)?|disput(?:ed|es)?|cast doubt on|questioned|doubt(?:ed|s)?)\b[^.]{0,60}\bclaims?\b", re.I)),
    ("denied", re.compile(r"\b(den(?:y|ied|ies|ying)|rejected any involvement|had nothing to do)\b", re.I)),
    ("claimed", re.compile(r"\b(claim(?:ed|s|ing)?\s+(?:of\s+)?(?:responsibility|credit|the attacks?|the bombings?|"
                           r"the shooting|the assault|the blasts?|the raid|an attack|attacks?|a deadly|deadly|"
                           r"the double|the killing|the explosions?|the massacre)|"
                           r"(?:took|takes|take|taking|accepted|claimed)\s+(?:the\s+)?(?:full\s+)?(?:responsibility|credit)|"
                           r"claim of responsibility|claims? responsibility|responsibility was claimed|"
                           r"has claimed|have claimed|were claimed by|was claimed by)\b", re.I)),
    ("praised", re.compile(r"\b(prais(?:ed|es|ing)|hail(?:ed|s)|celebrat(?:ed|es)|applaud(?:ed|s)|glorif(?:ied|ies))\b", re.I)),
    ("blamed", re.compile(r"\b(blam(?:ed|es|ing|e)|accus(?:ed|es|ing)|point(?:ed)? the finger|"
                          r"are behind this|is behind this)\b", re.I)),
    ("attributed", re.compile(r"\b(behind|carried out|responsible for|perpetrated|linked to|affiliated with|"
                              r"inspired by|loyal to|pledged allegiance|members? of|staged|conducted|"
                              r"suspected|attribut(?:ed|es)|orchestrated|masterminded)\b", re.I)),
]
HEDGES = re.compile(r"\b(likely|probably|possibly|allegedly|suspected|apparently|reportedly|believed to|"
                    r"thought to|may have|might have|could have|appears to|seemed to)\b", re.I)
NO_EVIDENCE = re.compile(r"\b(without (?:providing |offering |any )?evidence|no evidence|baseless|unfounded|"
                         r"no basis)\b", re.I)
UNVERIFIED = re.compile(r"\b(could not|cannot|can't|couldn't|was not|has not been|not) (?:be )?(?:independently )?"
                        r"(?:verif|confirm|authenticat)", re.I)
VERIFIED = re.compile(r"\b(confirmed|verified|authenticated)\b", re.I)
SOURCES = [
    ("SITE Intelligence Group", re.compile(r"\bSITE\b")),
    ("Institute for the Study of War", re.compile(r"\b(ISW|Institute for the Study of War)\b")),
    ("Amaq", re.compile(r"\bA+maq\b", re.I)),
    ("Al-Azaim Media", re.compile(r"\bAl[- ]Azaim\b", re.I)),
    ("Kremlin", re.compile(r"\b(Kremlin|Putin|Peskov)\b")),
]
CHANNELS = [
    ("Amaq", re.compile(r"\bA+maq\b", re.I)),
    ("Telegram", re.compile(r"\bTelegram\b", re.I)),
    ("audio message", re.compile(r"\baudio (message|recording)\b", re.I)),
    ("video", re.compile(r"\bvideo\b", re.I)),
    ("statement", re.compile(r"\bstatement\b", re.I)),
]
STATE_ACTORS = [
    ("Ukraine", re.compile(r"\b(Ukraine|Ukrainian|Kyiv|Kiev)\b")),
    ("NATO", re.compile(r"\bNATO\b")),
    ("Western intelligence services", re.compile(r"\bWestern (intelligence|special) services\b", re.I)),
    ("United States", re.compile(r"\b(United States|Washington|the US)\b")),
]


def _status(sentence: str, actor_start: int, actor_end: int) -> tuple[str | None, re.Match | None]:
    """The kind of statement a sentence makes about the actor at [start, end)."""
    for status, pat in CUES:
        for m in pat.finditer(sentence):
            near = min(abs(m.start() - actor_end), abs(actor_start - m.end()))
            if near > 120:
                continue
            return status, m
    return None, None


def statements(sentence: str, offset: int, article_id: str) -> list[Claim]:
    """Responsibility statements in one sentence (offsets into the article)."""
    out: list[Claim] = []
    actors = [(g.group, g.start - offset, g.end - offset) for g in find_groups(sentence, offset)]
    for name, pat in STATE_ACTORS:
        for m in pat.finditer(sentence):
            actors.append((name, m.start(), m.end()))
    if not actors:
        return out
    seen = set()
    for actor, a0, a1 in actors:
        status, cue = _status(sentence, a0, a1)
        if status is None:
            continue
        if actor in {n for n, _ in STATE_ACTORS} and status in ("claimed", "praised"):
            continue
        if actor not in {n for n, _ in STATE_ACTORS} and status in ("blamed",):
            status = "attributed"
        if status == "claimed":
            before = sentence[max(0, cue.start() - 40):cue.start()]
            if re.search(_NEG + r"\W+(?:\w+\W+){0,2}$", before, re.I) or re.search(r"\bno (formal )?claim", sentence, re.I):
                continue
        if status == "attributed" and re.search(r"\bnot (behind|responsible)\b", sentence, re.I):
            status = "disputed"
        if (actor, status) in seen:
            continue
        seen.add((actor, status))
        hedge = HEDGES.search(sentence)
        source = next((n for n, p in SOURCES if p.search(sentence) and n != actor), None)
        channel = next((n for n, p in CHANNELS if p.search(sentence)), None)
        verified = "false" if UNVERIFIED.search(sentence) else ("true" if VERIFIED.search(sentence) else "unknown")
        if status == "blamed" and NO_EVIDENCE.search(sentence):
            hedge = "without evidence"
        out.append(Claim(actor=actor, status=status, source=source, channel=channel, verified=verified,
                         hedge=hedge.group(0) if hasattr(hedge, "group") else hedge,
                         evidence=Evidence("claims", article_id, offset + a0, offset + a1, sentence)))
    return out
