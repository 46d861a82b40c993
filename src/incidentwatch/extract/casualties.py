"""Killed and injured counts, victims and perpetrators apart, each with its span.

The patterns read a sentence the way a coder does: "at least 19 people were
killed", "killing one officer and injuring the others", "left two policemen
dead and three injured", "the death toll rose to 20", "the five attackers were
killed".  A count whose noun names attackers goes to killed_perpetrators.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Iterator

from ..model import Figure
from .lexicon import load_toml, pattern, phrase_pattern
from .numbers import NUM, QUALIFIER, figure_from

_VERBS = load_toml("lang/en/casualties.toml")["verbs"]
KILL = "(?:" + "|".join(sorted(_VERBS["killed"], key=len, reverse=True)) + ")"
INJURE = "(?:" + "|".join(sorted(_VERBS["injured"], key=len, reverse=True)) + ")"
AUX = r"(?:(?:were|was|have been|has been|had been|are|is|being|got|also|reportedly|later|all|been|\s)+)?"
GAP = r"(?P<gap>(?:[\s,]+(?!and\b|or\b|of\b|in\b|at\b|by\b|after\b|when\b|were\b|was\b|had\b|have\b|left\b|leaving\b|killing\b|killed\b|injuring\b|that\b|who\b|which\b|\d)[\w'’\"“”-]+){0,4}?)"

# "five were killed or wounded", "killing or wounding 30": the dead and the hurt together, neither count
_EITHER = r"(?!\s+or\s+(?:killed|wounded|injured|hurt|dead|killing|wounding|injuring))"
_COUNT_THEN_VERB = re.compile(
    rf"(?<![\w.,])(?P<q>{QUALIFIER})?(?P<num>{NUM}){GAP}\s+{AUX}(?P<verb>{KILL}|{INJURE})\b{_EITHER}"
    rf"(?!\s+(?:{QUALIFIER})?(?:{NUM})\b)(?!\s+(?:people|civilians|the|a|an|his|her|their|its|dozens|scores|"
    rf"hundreds|several|many|police|officers|worshippers|soldiers)\b)", re.I)
_VERB_THEN_COUNT = re.compile(
    rf"\b(?<!\bor\s)(?P<verb>killing|killed|kills|kill|claimed the lives of|claiming the lives of|deaths? of|"
    rf"injuring|wounding|injured|wounded|injures|wounds|hurting)\s+(?:the\s+|all\s+)?(?P<q>{QUALIFIER})?(?P<num>{NUM})(?![\w,.]\d)"
    rf"(?P<gap>(?:\s+[\w'’-]+){{0,3}}?)(?=[\s,.;:)]|$)", re.I)
_LEFT = re.compile(
    rf"\b(?:left|leaving|leaves)\s+(?P<q>{QUALIFIER})?(?P<num>{NUM}){GAP}\s+(?P<verb>{KILL}|{INJURE})\b", re.I)
_CLAIMED_LIVES = re.compile(rf"\bclaim(?:ed|ing|s)\s+(?:the lives of\s+)?(?P<q>{QUALIFIER})?(?P<num>{NUM})\s+"
                            rf"(?:lives|victims|people|dead)\b", re.I)
_TOLL = re.compile(
    rf"\b(?:death[\s-]toll|toll|number (?:of (?:people |those )?)?(?:killed|dead|deaths|fatalities))\b[^.;:]{{0,110}}?\s(?:to|at|of|reached|hit|is|was|stood at|stands at|"
    rf"exceeded|exceeds|passed|topped|surpassed|reach|rise to|climb to)\s+(?P<q>{QUALIFIER})?(?P<num>{NUM})\b", re.I)
_MANNER = "(?:" + "|".join(_VERBS.get("to_death", [])) + ")(?:b?ing|b?ed|t|en)?"
# "hacking 17 pupils to death" (the victims between the verb and "to death"), "hacked to death 11 farmers"
_AROUND_VICTIMS = re.compile(rf"\b{_MANNER}\s+(?:the\s+|all\s+)?(?P<q>{QUALIFIER})?(?P<num>{NUM})"
                             rf"(?P<gap>(?:\s+[\w'’-]+){{0,3}}?)\s+to\s+death\b", re.I)
_TO_DEATH_THEN_COUNT = re.compile(rf"\b{_MANNER}\s+to\s+death\s+(?:the\s+|all\s+)?(?P<q>{QUALIFIER})?(?P<num>{NUM})\b",
                                  re.I)
_AND_INJ = re.compile(rf"^\s*(?:,\s*)?(?:and|while|with)\s+(?P<q>{QUALIFIER})?(?P<num>{NUM}){GAP}\s+{AUX}(?P<verb>{INJURE})\b", re.I)

# "the attacker was shot dead", "the suicide bomber blew himself up": one perpetrator dead, no number given
_ONE_PERPETRATOR = re.compile(
    r"\b(?:the|a|one|lone)\s+(?:suicide\s+)?(?P<num>attacker|gunman|bomber|assailant|shooter|perpetrator|hostage-taker)"
    r"\s+(?:(?:was|had been|has been|also|then|later)\s+)*(?:shot dead|killed|died|neutrali[sz]ed|eliminated|"
    r"blew himself up|detonated (?:his|a) (?:suicide |explosive )?(?:vest|belt))\b", re.I)
# "two policemen, four militants and one believer died": a list of counts sharing one verb
def _list_item(i: int) -> str:
    return (rf"(?P<q{i}>{QUALIFIER})?(?P<num{i}>{NUM})(?P<noun{i}>(?:\s+(?!(?:were|was|had|have|been|are|is|and|or|"
            rf"killed|dead|died|injured|wounded|hurt)\b)[\w'’-]+){{1,3}}?)")


_LIST = re.compile(
    r"(?<![\w.,])" + _list_item(0) + r"(?:\s*,\s*" + _list_item(1) + r")?(?:\s*,\s*" + _list_item(2) +
    r")?,?\s+and\s+" + _list_item(3) + rf"\s+{AUX}(?P<verb>{KILL}|{INJURE})\b", re.I)
_SPECULATIVE = re.compile(r"\b(could|may|might|would|feared|fear|expected to|likely to|threatened)\b", re.I)
_AGGREGATE = re.compile(r"\b(between (january|february|march|april|may|june|july|august|september|october|"
                        r"november|december|\d{4})|since (19|20)\d\d|so far this year|this year alone|every year|"
                        r"each year|annually|in total over|over the past|over the last|in the past decade)\b", re.I)
_NOT_NUMBER_AFTER = re.compile(r"^\s*(?:years?|yrs|months?|days?|hours?|minutes?|km|miles|metres|meters|percent|%|"
                               r"p\.?m\b|a\.?m\b|o'clock|local time|GMT|BST|"
                               r"kg|tonnes|sorties|targets|bullet|th\b|st\b|nd\b|rd\b)", re.I)
_AGE = re.compile(r"^\s*-?\s*(?:year|yr)s?[\s-]*old", re.I)


@dataclass
class CasualtyFigure:
    kind: str  # killed | injured | killed_perpetrators
    figure: Figure
    start: int
    end: int
    speculative: bool = False


def _kind(verb: str, gap: str) -> str:
    injured = re.match(INJURE, verb, re.I) or verb.lower().startswith(("injur", "wound", "hurt"))
    if injured:
        return "injured"
    if pattern("perpetrator_nouns", "words").search(gap or ""):
        return "killed_perpetrators"
    return "killed"


@functools.cache
def _cumulative() -> re.Pattern:
    """Running totals of a conflict, a group or a year (data/lang/en/casualties.toml)."""
    cues = load_toml("lang/en/casualties.toml")["cumulative"]
    return re.compile("|".join([phrase_pattern(cues["cues"]).pattern] + cues.get("patterns", [])), re.I)


@functools.cache
def _said(table: str, kind: str) -> re.Pattern:
    return re.compile("|".join(load_toml("lang/en/casualties.toml")[table][kind]), re.I)


def says_none(sentence: str, kind: str = "killed") -> re.Match | None:
    """Where the sentence says nobody was killed ("killed") or hurt ("injured"), if it does."""
    return _said("none", kind).search(sentence)


def tells_of(sentence: str, kind: str = "killed") -> bool:
    """Does the sentence speak of a death ("killed") or an injury ("injured") at all?"""
    return bool(_said("mentions", kind).search(sentence))


def is_cumulative(sentence: str) -> bool:
    """Does the sentence give a total over many attacks or a span of time, not one attack's toll?"""
    return bool(_AGGREGATE.search(sentence) or _cumulative().search(sentence))


def find_casualties(sentence: str, offset: int = 0) -> list[CasualtyFigure]:
    """Every casualty count in one sentence; offsets are into the article when `offset` is given.  A
    sentence that gives a running total ("the insurgency has killed 15,000 since 2009") gives none."""
    if is_cumulative(sentence):
        return []
    found: list[CasualtyFigure] = []
    taken: list[tuple[int, int]] = []

    def add(m, verb, kind=None):
        num_start, num_end = m.span("num")
        if any(a <= num_start < b for a, b in taken):
            return
        tail = sentence[num_end:num_end + 12]
        if _NOT_NUMBER_AFTER.match(tail) or _AGE.match(tail):
            return
        fig = figure_from(m.group("num"), m.group("q"))
        if fig is None or (fig.best or 0) > 100000:
            return
        gap = m.groupdict().get("gap") or ""
        if not gap.strip():  # "killed the five attackers": the noun follows the number
            gap = " ".join(sentence[num_end:num_end + 40].split()[:3])
        k = kind or _kind(verb, gap)
        # "the toll could reach 100": a guess, kept but not counted
        speculative = bool(_SPECULATIVE.search(sentence[max(0, m.start() - 40):m.end()]))
        taken.append((num_start, num_end))
        found.append(CasualtyFigure(k, fig, offset + m.start(), offset + m.end(), speculative))
        if k != "injured":  # "killing one and leaving 11 people injured", "one dead and 11 injured"
            rest = _AND_INJ.match(sentence[m.end():])
            if rest:
                f2 = figure_from(rest.group("num"), rest.group("q"))
                if f2:
                    s2 = m.end() + rest.start("num")
                    taken.append((s2, m.end() + rest.end("num")))
                    found.append(CasualtyFigure("injured", f2, offset + s2, offset + m.end() + rest.end(),
                                                speculative))

    for m in _TOLL.finditer(sentence):
        add(m, "killed", "killed")
    for m in _CLAIMED_LIVES.finditer(sentence):
        add(m, "killed", "killed")
    for pattern in (_AROUND_VICTIMS, _TO_DEATH_THEN_COUNT):
        for m in pattern.finditer(sentence):
            add(m, "killed", "killed")
    for m in _LIST.finditer(sentence):
        # the counts of one kind add up: two policemen and one believer are three victims
        parts: dict[str, list[Figure]] = {}
        spans = []
        for i in range(4):
            if m.group(f"num{i}") is None or any(a <= m.start(f"num{i}") < b for a, b in taken):
                continue
            fig = figure_from(m.group(f"num{i}"), m.group(f"q{i}"))
            if fig is None:
                continue
            spans.append((m.start(f"num{i}"), m.end(f"num{i}")))
            parts.setdefault(_kind(m.group("verb"), m.group(f"noun{i}") or ""), []).append(fig)
        if sum(len(v) for v in parts.values()) < 2:
            continue
        taken.extend(spans)
        speculative = bool(_SPECULATIVE.search(sentence[max(0, m.start() - 40):m.end()]))
        for kind, figs in parts.items():
            total = Figure(min=sum(f.min or f.best or 0 for f in figs), max=None if any(f.max is None for f in figs)
                           else sum(f.max for f in figs), best=sum(f.best or 0 for f in figs))
            found.append(CasualtyFigure(kind, total, offset + m.start(), offset + m.end(), speculative))
    for m in _ONE_PERPETRATOR.finditer(sentence):
        num_start = m.start("num")
        if not any(a <= num_start < b for a, b in taken):
            taken.append(m.span("num"))
            found.append(CasualtyFigure("killed_perpetrators", Figure(1, 1, 1), offset + m.start(), offset + m.end()))
    for kind, fig, start, end in _active_lists(sentence, taken):
        found.append(CasualtyFigure(kind, fig, offset + start, offset + end,
                                    bool(_SPECULATIVE.search(sentence[max(0, start - 40):end]))))
    for kind, m in _singular_victims(sentence):
        if not any(a < m.end() and m.start() < b for a, b in taken):
            taken.append(m.span())
            found.append(CasualtyFigure(kind, Figure(1, 1, 1), offset + m.start(), offset + m.end(),
                                        bool(_SPECULATIVE.search(sentence[max(0, m.start() - 40):m.end()]))))
    for m in _LEFT.finditer(sentence):
        add(m, m.group("verb"))
    for m in _VERB_THEN_COUNT.finditer(sentence):
        add(m, m.group("verb"))
    for m in _COUNT_THEN_VERB.finditer(sentence):
        add(m, m.group("verb"))
    found.sort(key=lambda c: c.start)
    return found


_ACTIVE = re.compile(r"\b(?:killing|killed|kills|wounding|wounded|injuring|injured|shot dead|shooting dead)\s+", re.I)
_LIST_PART = re.compile(r"^(?P<q>%s)?(?P<num>%s|a|an)\s+(?:[\w'-]+\s+){0,3}?[\w'-]+$" % (QUALIFIER, NUM), re.I)
_LIST_END = re.compile(r"[.;:!?()\u2014\u2013]|\s-\s|,\s+(?:including|among|most|many|all|both|some|according|"
                       r"police|officials?|the\s+\w+\s+said)|\s+(?:in|at|on|near|inside|outside|during|when|as|after|"
                       r"before|while|and\s+(?:wounding|injuring|killing|leaving|left|wounded|injured))\b", re.I)


_BREAKDOWN = re.compile(r"\bamong (?:them|whom|the (?:dead|victims|wounded|injured))\b", re.I)
_TOTAL_NOUN = re.compile(r"\b(?:people|persons|others|in all|in total)$", re.I)


def _active_lists(sentence: str, taken: list[tuple[int, int]]) -> list[tuple[str, Figure, int, int]]:
    """The counts of a list after an active toll verb, added up: "killing three police officers and two
    civilians" is five killed, "killed two soldiers and a civilian" three.  Each part must be a count (or
    "a"/"an") and a few words; the list ends at a clause, a place or a date ("in Quetta", "on Monday")."""
    out = []
    for verb in _ACTIVE.finditer(sentence):
        rest = sentence[verb.end():]
        stop = _LIST_END.search(rest)
        body = rest[:stop.start()] if stop else rest
        parts, pos = [], verb.end()
        for piece in re.split(r"(\s*,\s*(?:and\s+)?|\s+and\s+)", body):
            if not piece or re.fullmatch(r"\s*,\s*(?:and\s+)?|\s+and\s+", piece):
                pos += len(piece)
                continue
            m = _LIST_PART.match(piece.strip())
            if not m:
                break
            parts.append((m, pos, pos + len(piece)))
            pos += len(piece)
        if len(parts) < 2 or any(a < pos and verb.end() < b for a, b in taken):
            continue
        if _BREAKDOWN.search(body) or _TOTAL_NOUN.search(parts[0][0].group(0)):
            continue  # "12 people, three Americans and a governor among them": the first count holds the others
        by_kind: dict[str, list[Figure]] = {}
        for m, a, b in parts:
            fig = Figure(1, 1, 1) if m.group("num").lower() in ("a", "an") else figure_from(m.group("num"), m.group("q"))
            if fig is None:
                by_kind = {}
                break
            by_kind.setdefault(_kind(verb.group(0).strip(), m.group(0)), []).append(fig)
        if not by_kind:
            continue
        taken.append((verb.end(), pos))
        for kind, figs in by_kind.items():
            total = Figure(min=sum(f.min or f.best or 0 for f in figs),
                           max=None if any(f.max is None for f in figs) else sum(f.max for f in figs),
                           best=sum(f.best or 0 for f in figs))
            out.append((kind, total, verb.start(), pos))
    return out


@functools.cache
def _singular_patterns() -> list[tuple[str, re.Pattern]]:
    """One victim without a number (data/lang/en/casualties.toml [singular]): "a police officer was wounded",
    "killing a soldier"."""
    t = load_toml("lang/en/casualties.toml")["singular"]
    nouns = "|".join(map(re.escape, sorted(t["victims"], key=len, reverse=True)))
    noun = r"\b(?:a|an)\s+(?:[\w-]+\s+){0,2}?(?:%s)\b" % nouns
    out = []
    for kind in ("killed", "injured"):
        passive = "|".join(map(re.escape, t[f"{kind}_passive"]))
        active = "|".join(map(re.escape, t[f"{kind}_active"]))
        out.append((kind, re.compile(r"%s\s+(?:[a-z]+\s+){0,1}?(?:%s)\b" % (noun, passive), re.I)))
        out.append((kind, re.compile(r"\b(?:%s)\s+%s(?!\s+(?:and|or)\s+(?:\d|one|two|three|four|five|six|"
                                     r"seven|eight|nine|ten|several|many|dozens|scores))" % (active, noun), re.I)))
        # headline style, without the article
        bare = r"(?:(?!(?:the|a|an|this|that|his|her|their|its|our|one)\b)[a-z][\w.]*\s+){0,2}?(?:%s)\b" % nouns
        passive = "|".join(map(re.escape, t[f"{kind}_headline_passive"]))
        active = "|".join(map(re.escape, t[f"{kind}_headline_active"]))
        out.append((kind, re.compile(r"^\W*%s\s+(?:%s)\b" % (bare, passive), re.I)))
        out.append((kind, re.compile(r"\b(?:%s)\s+%s(?=\s*(?:$|[,;:]|\s(?:in|at|near|on|as|after|during|outside)\b))"
                                     % (active, bare), re.I)))
    return out


def _singular_victims(sentence: str) -> Iterator[tuple[str, re.Match]]:
    for kind, pattern in _singular_patterns():
        for m in pattern.finditer(sentence):
            yield kind, m


def combine(figures: list[Figure]) -> Figure:
    """One article's several figures for one count: best is the highest firm figure."""
    figs = [f for f in figures if f.known]
    if not figs:
        return Figure()
    bests = [f.best for f in figs if f.best is not None]
    lows = [f.min if f.min is not None else f.best for f in figs if (f.min if f.min is not None else f.best) is not None]
    # "at least 19" has no upper bound: one open figure leaves the article's maximum open
    highs = [f.max if f.max is not None else (None if f.min is not None else f.best) for f in figs]
    return Figure(min=min(lows) if lows else None,
                  max=None if any(h is None for h in highs) or not highs else max(highs),
                  best=max(bests) if bests else None)
