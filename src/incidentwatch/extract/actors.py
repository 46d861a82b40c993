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
    name = re.sub(r"^\s*the\s+", "", name.strip(), flags=re.I)
    for m in find_groups(name):
        if m.start == 0 and m.end >= len(name) - 1:
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
    upper_line = text.isupper() and len(text) > 20  # a headline in capitals, where "IS" is just a word
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
    out = [_branch_by_region(h, text, offset) for h in out]
    # "the Vilayat Kavkaz branch of the Islamic State": one mention of the branch, not two groups
    merged: list[GroupMention] = []
    for h in out:
        if merged and _BRANCH_OF.fullmatch(text[merged[-1].end - offset:h.start - offset]) \
                and groups().get(merged[-1].group, Group("", None)).parent:
            prev = merged[-1]
            merged[-1] = GroupMention(prev.start, h.end, text[prev.start - offset:h.end - offset], prev.group)
            continue
        merged.append(h)
    return merged


@functools.cache
def _region_branches() -> list[tuple[re.Pattern, str, str]]:
    """(pattern after the parent's name, parent, branch) for branches that list their regions."""
    out = []
    for g in load_toml("groups.toml")["group"]:
        if g.get("parent") and g.get("regions"):
            regions = "|".join(re.escape(r) for r in sorted(g["regions"], key=len, reverse=True))
            out.append((re.compile(
                r"^(?:\s+group)?(?:['’]s)?(?:\s+(?:so[- ]called|local|regional|new))*\s*"
                r"(?:[“\"‘']?(?:province|branch|affiliate|arm|wing|franchise|offshoot|chapter|cell|fighters|militants)"
                r"[”\"’']?\s*)?(?:(?:in|of|for)\s+)?(?:the\s+)?(?:North(?:ern)?\s+)?(?:%s)\b" % regions, re.I),
                g["parent"], g["name"]))
    return out


def _branch_by_region(h: GroupMention, text: str, offset: int) -> GroupMention:
    """"the Islamic State group in Afghanistan" is the Khorasan branch, by the regions in groups.toml."""
    after = text[h.end - offset:h.end - offset + 80]
    for pat, parent, branch in _region_branches():
        if h.group == parent:
            m = pat.match(after)
            if m:
                return GroupMention(h.start, h.end + m.end(), text[h.start - offset:h.end - offset + m.end()], branch)
    return h


_BRANCH_OF = re.compile(r"\s+(?:branch|affiliate|wing|arm|offshoot|province|faction|chapter)\s+of\s+(?:the\s+)?", re.I)


_NEG = re.compile(r"\b(?:not|no|never|n't|without|nor|yet to|nobody|no one|no group|none)\b(?:\W+\w+){0,4}\W*$", re.I)
CUES = [
    ("disputed", re.compile(r"\b(reject(?:ed|s)?|dismiss(?:ed|es)?|disput(?:ed|es)?|cast doubt on|questioned|doubt(?:ed|s)?)\b[^.]{0,60}\bclaims?\b", re.I)),
    ("denied", re.compile(r"\b(den(?:y|ied|ies|ying)|rejected any involvement|had nothing to do)\b", re.I)),
    ("claimed", re.compile(r"\b(claim(?:ed|s|ing)?\s+(?:of\s+)?(?:full\s+)?(?:responsib\w*|credit|the attacks?|the bombings?|"
                           r"the shooting|the assault|the blasts?|the raid|an attack|attacks?|a deadly|deadly|"
                           r"the double|twin|the twin|the killing|the explosions?|the massacre|the atrocit\w+|"
                           r"(?:that|to have|it|they)\s+(?:was|were|had|has|carried|conducted|launched|killed|attacked|"
                           r"targeted|is|are)\b)|"
                           r"(?:took|takes|take|taking|accepted|accepts|claimed|assumed)\s+(?:the\s+)?(?:full\s+)?(?:responsibility|credit)|"
                           r"claim of responsibility|responsibility (?:was|has been|had been) claimed|(?:been |was |were )?claimed by|"
                           r"(?:said|says|saying|stated|announced|declared)(?:\s+(?:in|on|through|via)\s+(?:a|an|its|their)\s+"
                           r"[\w-]+(?:\s+[\w-]+)?)?,?\s+(?:that\s+)?(?:it|its \w+|they|their \w+)\s+"
                           r"(?:was|were|had been|is|are|had)\s+(?:\w+\s+)?(?:behind|responsible)|"
                           r"(?:said|says|saying|announced)\s+(?:that\s+)?(?:it|its \w+|they)\s+(?:had\s+)?(?:carried out|"
                           r"attacked|targeted|launched|conducted|killed))\b", re.I)),
    ("praised", re.compile(r"\b(prais(?:ed|es|ing)|hail(?:ed|s)|celebrat(?:ed|es)|applaud(?:ed|s)|glorif(?:ied|ies))\b", re.I)),
    ("blamed", re.compile(r"\b(blam(?:ed|es|ing|e)|accus(?:ed|es|ing)|point(?:ed)? the finger|"
                          r"are behind this|is behind this)\b", re.I)),
    ("attributed", re.compile(r"\b(behind|carried out|responsible for|perpetrated|staged|conducted|"
                              r"suspected|attribut(?:ed|es)|orchestrated|masterminded|was the work of|were the work of)\b", re.I)),
]
# "three months after ISIS-K claimed responsibility for the Crocus attack": a claim about an earlier event
_EARLIER = re.compile(r"\b(?:\w+\s+(?:days?|weeks?|months?|years?)\s+(?:after|before|earlier|ago)|"
                      r"(?:earlier|previous|prior|last year's|last month's) (?:attacks?|assault|bombing)|in the past)\b", re.I)


_DATED_OBJECT = re.compile(r"^\s*(?:\w+\s+){0,3}?(?:January|February|March|April|May|June|July|August|September|"
                           r"October|November|December|last|earlier|previous|(?:19|20)\d\d)\b", re.I)


def _nearest_actor(cue: re.Match, actors: list[tuple[str, int, int]]):
    """The actor a cue speaks of: the closest before it (its subject), else just after."""
    before = [(cue.start() - a1, a) for a in actors for _, a0, a1 in [a] if a1 <= cue.start() + 2 and cue.start() - a1 <= 90]
    after = [(a0 - cue.end(), a) for a in actors for _, a0, a1 in [a] if a0 >= cue.end() - 2 and a0 - cue.end() <= 60]
    if before:
        return min(before)[1]
    if after:
        return min(after)[1]
    return None


HEDGES = re.compile(r"\b(likely|probably|possibly|allegedly|suspected|apparently|reportedly|believed to|"
                    r"thought to|may have|might have|could have|appears to|seemed to)\b", re.I)
NO_EVIDENCE = re.compile(r"\b(without (?:\w+\s+){0,2}evidence|no evidence|baseless|unfounded|"
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


def statements(sentence: str, offset: int, article_id: str) -> list[Claim]:
    """Responsibility statements in one sentence (offsets into the article)."""
    out: list[Claim] = []
    actors = [(g.group, g.start - offset, g.end - offset) for g in find_groups(sentence, offset)]
    for name, pat in STATE_ACTORS:
        for m in pat.finditer(sentence):
            actors.append((name, m.start(), m.end()))
    if not actors:
        return out
    states = {n for n, _ in STATE_ACTORS}
    seen: set[tuple[str, str]] = set()
    taken: list[tuple[int, int]] = []
    for status, pat in CUES:
        for cue in pat.finditer(sentence):
            if any(a < cue.end() and cue.start() < b for a, b in taken):
                continue
            target = _nearest_actor(cue, actors)
            if target is None:
                continue
            actor, a0, a1 = target
            st = status
            if actor in states and st in ("claimed", "praised", "attributed"):
                continue
            lead = sentence[max(0, min(a0, cue.start()) - 50):cue.start()]
            if st != "denied" and _NEG.search(lead):
                continue  # "did not claim", "no group has been blamed"
            if st == "claimed":
                if re.search(r"\b(?:that|which|who)\s+(?:had\s+|has\s+)?$", sentence[:cue.start()], re.I) and \
                        _DATED_OBJECT.match(sentence[cue.end():cue.end() + 50]):
                    continue  # "the affiliate that claimed responsibility for March's raid": another attack
                if _EARLIER.search(sentence[:min(a0, cue.start())]) and a0 > 0:
                    continue  # a claim of some earlier attack, recalled
            if st == "attributed" and re.search(r"not (?:be )?(?:behind|responsible)", sentence, re.I):
                st = "disputed"
            taken.append((cue.start(), cue.end()))
            if (actor, st) in seen:
                continue
            seen.add((actor, st))
            hedge = HEDGES.search(sentence)
            hedge_text = hedge.group(0) if hedge else None
            if st == "blamed" and NO_EVIDENCE.search(sentence):
                hedge_text = "without evidence"
            source = next((n for n, p in SOURCES if p.search(sentence) and n != actor), None)
            channel = next((n for n, p in CHANNELS if p.search(sentence)), None)
            verified = "false" if UNVERIFIED.search(sentence) else ("true" if VERIFIED.search(sentence) else "unknown")
            out.append(Claim(actor=actor, status=st, source=source, channel=channel, verified=verified,
                             hedge=hedge_text, evidence=Evidence("claims", article_id, offset + a0, offset + a1,
                                                                 sentence)))
    return out
