"""Where the reported incident happened: the place its sentences agree on.

A place counts for more where the attack is said to be ("opened fire in Derbent"),
in the headline and the lead, and inside the region the article keeps naming; for
less as a dateline ("MOSCOW (AP) —"), as an adjective ("Russian"), or standing for
a government ("Moscow has said").
"""
from __future__ import annotations

import functools
import re
from collections import Counter

from .gazetteer import Place, fold, gazetteer
from .lexicon import load_toml
from .places import _CALENDAR, PlaceMention, distance_km
from .sentences import Sentence, event_spans


# "MOSCOW (AP) —", "Moscow (AFP) –", "Kerman, Iran -": where the reporter files from
DATELINE = re.compile(r"^\s*[A-Z][\w.' -]{1,40}(?:,\s*[A-Z][\w' -]{1,30})?(?:,\s*[A-Z][a-z]{2,9}\.?\s+\d{1,2}(?:,\s*\d{4})?)?"
                       r"\s*(?:\([A-Za-z .]{2,20}\))?\s*[—–:-]")


def is_dateline(m: PlaceMention, s: Sentence) -> bool:
    head = s.text[:m.end - s.start + 40]
    return m.start - s.start < 3 and bool(DATELINE.match(head))


_LOCATIVE = re.compile(r"\b(?:in|at|near|outside|inside|of|from)\s+(?:the\s+)?(?:(?:city|town|village|region|republic|"
                       r"capital|district|province|suburb|outskirts|centre|center)\s+(?:of\s+)?)?$", re.I)
# "Moscow has said", "Moscow's bombing campaign": the capital standing for its government


# "Moscow has said", "Moscow's bombing campaign": the capital standing for its government
_METONYMY = re.compile(r"^(?:\s+(?:has|have|is|was|said|says|announced|accused|blamed|denied|claimed|warned|launched|began|"
                       r"insisted|responded|vowed|condemned|sent|wants|will)\b|['’]s\s+(?:\w+\s+)?(?:campaign|government|"
                       r"response|decision|war|forces|military|policy|security services|leadership|officials))", re.I)


@functools.cache
def _cues(table: str, key: str) -> re.Pattern:
    """One list of data/lang/en/places.toml as a single pattern."""
    return re.compile("(?:%s)" % "|".join(load_toml("lang/en/places.toml")[table][key]), re.I)


def is_elsewhere(m: PlaceMention, s: Sentence) -> bool:
    """"survivors fled to Mubi", "taken to hospital in Quetta": a place the attack did not happen in."""
    a = m.start - s.start
    return bool(_cues("elsewhere", "before").search(s.text[max(0, a - 80):a]))


def is_reference(m: PlaceMention, s: Sentence) -> bool:
    """"northwest of Grozny", "30 km from Maiduguri": a town named as another place's reference point."""
    a = m.start - s.start
    return bool(_cues("elsewhere", "reference").search(s.text[max(0, a - 40):a]))


def is_beside(m: PlaceMention, s: Sentence) -> bool:
    """"close to the frontier with Pakistan": what the place lies beside, not the place."""
    a = m.start - s.start
    before = s.text[max(0, a - 60):a]
    return bool(_cues("elsewhere", "beside").search(before) or
                (m.place is not None and m.place.kind == "country" and
                 _cues("elsewhere", "beside_country").search(before)))


def recalls_earlier(s: Sentence) -> bool:
    """"In an earlier kidnapping the group ...": the sentence tells another, older attack."""
    return bool(_cues("elsewhere", "recalled").search(s.text))


@functools.cache
def _nationals() -> re.Pattern:
    words = load_toml("lang/en/places.toml")["elsewhere"]["nationals"]
    return re.compile(r"^\s+(?:[a-z]+\s+)?(?:%s)\b" % "|".join(map(re.escape, words)), re.I)


def _place_weight(m: PlaceMention, s: Sentence) -> float:
    a, b = m.start - s.start, m.end - s.start
    if m.weak:
        # "three Chinese nationals", "the Iranian embassy": people or a mission abroad, not the place; so is
        # the nationality said as a noun ("a Norwegian and two Canadians")
        as_noun = re.search(r"\b(?:a|an|one|two|three|four|five|six|several|\d+)\s+$", s.text[max(0, a - 12):a], re.I) \
            and re.match(r"^s?(?:\s*[,.;:)]|\s+(?:and|or|among|in|from|were|was|who|had|have|with|on|at|as)\b|$)",
                         s.text[b:b + 10])
        return 0.0 if as_noun or _nationals().match(s.text[b:b + 40]) else 0.3
    if is_dateline(m, s):
        return 0.2
    if s.caption or is_elsewhere(m, s) or is_beside(m, s):
        return 0.1
    if _cues("elsewhere", "team").match(s.text[b:b + 30]):
        return 0.0  # "the Lyon striker": a team
    if _METONYMY.match(s.text[b:b + 40]) or re.search(r"\b(?:pro|anti)-$", s.text[max(0, a - 5):a], re.I):
        return 0.2
    if _LOCATIVE.search(s.text[max(0, a - 40):a]) and any(
            abs(a - (ea - s.start)) < 100 for ea, _ in event_spans(s)):
        return 2.0  # "... opened fire in Derbent": where the attack happened
    return 1.0


def aside(place: Place, sents: list[Sentence]) -> str | None:
    """How the sentences name a place when they never name it as a place of their own: "dateline" (only
    where the reporter files from), "landmark" (only where people went afterwards, or were treated); None when some mention names it plainly."""
    kinds = set()
    for s in sents:
        for m in s.places:
            if m.place is not place:
                continue
            if is_dateline(m, s):
                kinds.add("dateline")
            elif is_elsewhere(m, s):
                kinds.add("landmark")
            else:
                return None
    return "landmark" if "landmark" in kinds else ("dateline" if kinds else None)


def choose_place(sents: list[Sentence], title_end: int, plain_only: bool = False,
                 earlier=None) -> tuple[Place | None, PlaceMention | None]:
    """The most specific place the incident's sentences agree on.  With `plain_only`, towns the sentences
    name only aside (see `aside`) are passed over; `earlier(pos, sentence)` says a name is told of an older
    attack the sentence recalls ("recalled the 2013 siege of a shopping mall in Nairobi"), which counts for nothing."""
    weight: Counter = Counter()
    first: dict[Place, PlaceMention] = {}
    region: Counter = Counter()
    for rank, s in enumerate(sents):
        w = 2.0 if s.start < title_end else (1.5 if rank < 3 else 1.0)
        if s.attack:
            w *= 1.5
        if any(r.precision in ("year", "month") and not r.relative for r in s.dates) or recalls_earlier(s):
            w *= 0.3  # "bombing the Moscow metro in 2010", "in an earlier kidnapping": history, not the event
        for m in s.places:
            pw = w * _place_weight(m, s)
            if not pw or (earlier is not None and s.start >= title_end and earlier(m.start, s)):
                continue
            weight[m.place] += pw
            if m.place.kind in ("city", "admin1"):
                region[(m.place.cc, m.place.admin1)] += pw
            first.setdefault(m.place, m)
    if not weight:
        return None, None
    cities = [p for p in weight if p.kind == "city" and not (plain_only and aside(p, sents))]
    if cities:
        # a town inside the region the article keeps naming beats a bigger city named in passing
        best = max(cities, key=lambda p: (weight[p] + 0.5 * region[(p.cc, p.admin1)], p.population))
        # "Krasnogorsk, near Moscow": prefer the named town over the big city it is near
        # and a town named beside a city given as its reference point ("Naurskaya, northwest of Grozny")
        reference = any(is_reference(m, s) for s in sents for m in s.places if m.place is best)
        # "in Aktobe, some 1,500 km west of Astana": the town the sentence places by the reference point
        # when the sentences name that city only so
        only_reference = all(is_reference(m, s) for s in sents for m in s.places if m.place is best)
        placed = {o.place for s in sents if s.attack for m in s.places if m.place is best
                  for o in s.places if o.start < m.start and o.place is not best and o.place.kind == "city"} \
            if only_reference else set()
        for p in cities:
            if p is not best and weight[p] >= 0.5 * weight[best] and (p in placed or (
                    p.population < best.population and distance_km(p, best) < (120 if reference else 40))):
                best = p
        return best, first[best]
    regions = [p for p in weight if p.kind == "admin1"]
    if regions:
        best = max(regions, key=lambda p: weight[p])
        return best, first[best]
    best = max(weight, key=lambda p: weight[p])
    return best, first[best]


_NAME = r"(?P<name>[A-Z][\w'’-]+(?:[ -][A-Z][\w'’-]+){0,2})"


@functools.cache
def _unlisted_patterns() -> list[re.Pattern]:
    nouns = "|".join(map(re.escape, sorted(load_toml("lang/en/places.toml")["unlisted"]["nouns"], key=len,
                                           reverse=True)))
    return [re.compile(r"\b(?:%s) of %s" % (nouns, _NAME)),  # "the village of Djibassou"
            re.compile(r"%s, an? (?:[a-z-]+ ){0,2}(?:%s)\b" % (_NAME, nouns)),  # "Djibassou, a farming village"
            re.compile(r"\b(?:in|near|at|on|attacked|raided|stormed) (?:the )?%s (?:%s)\b" % (_NAME, nouns))]


def unlisted_town(sents: list[Sentence], around: Place | None) -> tuple[str, Sentence, int, int] | None:
    """A town the sentences name as a settlement but the gazetteer does not know in the country of `around`
    (the region or country the report's places give): its name, sentence and span.  A name the gazetteer
    knows there is no unlisted town (the places found it, or passed it over for a reason)."""
    gz = gazetteer()
    for s in sents:
        if s.caption or recalls_earlier(s):
            continue
        for pat in _unlisted_patterns():
            for m in pat.finditer(s.text):
                name = m.group("name")
                key = fold(name)
                if key.lower() in _CALENDAR or key in gz.macro_regions or len(key) < 3:
                    continue
                known = gz.lookup(name)
                if any(p.kind in ("country", "admin1") for p in known) or \
                        (around is not None and any(p.cc == around.cc for p in known)):
                    continue
                if any(pm.start - s.start <= m.start("name") < pm.end - s.start and pm.place is not None
                       and pm.place.kind != "city" for pm in s.places):
                    continue
                return name, s, s.start + m.start("name"), s.start + m.end("name")
    return None
