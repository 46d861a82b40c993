"""Place names in an article, resolved against the gazetteer in the article's context.

A name is looked up exactly, then (for names the gazetteer lacks) by fuzzy
match among places in the countries and regions the article itself names, so
that transliteration variants (Makhachqala, Magharamakint) still resolve.
Ambiguous names go to the candidate that agrees with the rest of the article:
"Derbent, Dagestan" is the Russian city, "Kerman" is Iran's unless the text
says California.
"""
from __future__ import annotations

import functools
import math
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from .gazetteer import Gazetteer, Place, fold, gazetteer, haversine_km, translit_key
from .lexicon import load_toml

PLACE_LABELS = {"GPE", "LOC", "FAC", "NORP", "ORG"}
_LEADING = re.compile(r"^(?:the|a|an|in|near|of)\s+", re.I)
_TRAILING = re.compile(r"(?:['’]s|['’])$")
# names the gazetteer knows as villages but that in news are almost always something else
_NOT_PLACES = {"police", "islamic state", "state", "government", "interior", "kremlin", "west", "east",
               "north", "south", "central", "capital", "media", "city", "republic", "region", "district"}


@dataclass
class PlaceMention:
    start: int
    end: int
    text: str
    candidates: list[Place]
    place: Place | None = None
    weak: bool = False  # an adjective ("Russian"), not a name
    label: str = "GPE"
    name: str = ""  # the name as looked up ("Magaramkent" for "Magaramkent village")


@functools.cache
def _venue_words() -> re.Pattern:
    words = load_toml("lang/en/places.toml")["venues"]["words"]
    return re.compile(r"\s+(?:%s)\b" % "|".join(map(re.escape, words)))


def _venue_town(name: str) -> str | None:
    """The words before a venue word in an organisation's name ("Kisumu" of "Kisumu University"),
    when they are one or two capitalised words."""
    m = _venue_words().search(name)
    if not m:
        return None
    town = name[:m.start()].strip()
    return town if re.fullmatch(r"[A-Z][\w'’-]+(?: [A-Z][\w'’-]+)?", town) else None


_LOCATIVE = re.compile(r"\b(?:in|near|outside)\s+$", re.I)


def _after_locative(text: str, start: int) -> bool:
    """Does "in", "near" or "outside" stand right before the name starting at `start`?"""
    return bool(_LOCATIVE.search(text[max(0, start - 12):start]))
TRUSTED_CITY = 100_000  # people: a city this large named after "in" is the place, whatever the tagger says


def _clean(text: str) -> str:
    text = _TRAILING.sub("", _LEADING.sub("", text.strip()))
    return text.strip(" ,.;:\"'“”")


def find_place_mentions(doc, gz: Gazetteer | None = None) -> list[PlaceMention]:
    """Named places in a parsed document (spaCy entities), with their gazetteer candidates."""
    gz = gz or gazetteer()
    out: list[PlaceMention] = []
    for ent in doc.ents:
        if ent.label_ == "PERSON" and _after_locative(doc.text, ent.start_char):
            # the tagger calls a town it does not know a person ("in Lyon"): after "in" or "near" a name the
            # gazetteer knows as a city is one: trusted as a place when the city is a large one, else taken
            # when the article names its country ("PREP")
            cands = [c for c in gz.lookup(_clean(ent.text)) if c.kind == "city"]
            if cands and fold(_clean(ent.text)) not in _NOT_PLACES:
                label = "GPE" if cands[0].population >= TRUSTED_CITY else "PREP"
                out.append(PlaceMention(ent.start_char, ent.end_char, ent.text, cands, label=label,
                                        name=_clean(ent.text)))
            continue
        if ent.label_ not in PLACE_LABELS:
            continue
        name = _clean(ent.text)
        key = fold(name)
        if not key or key in _NOT_PLACES or key in gz.macro_regions or len(key) < 3:
            continue
        if ent.label_ == "NORP" or (ent.label_ == "ORG" and key in gz.adjectives):
            country = gz.adjectives.get(key)
            if country and gz.country(country):
                out.append(PlaceMention(ent.start_char, ent.end_char, ent.text, [gz.country(country)], weak=True))
            continue
        cands = gz.lookup(name)
        if not cands and ent.label_ in ("ORG", "FAC") and (town := _venue_town(name)):
            # "Kisumu University", "Herat Airport": the venue's town, where the name starts
            cands = [c for c in gz.lookup(town) if c.kind == "city"]
            if cands:
                at = ent.text.find(town)
                out.append(PlaceMention(ent.start_char + at, ent.start_char + at + len(town), town, cands,
                                        label=ent.label_, name=town))
            continue
        if not cands and ent.label_ in ("GPE", "LOC"):
            # "Dagestan's Karabudakhkent district", "Makhachkala region": try without the tail word
            short = re.sub(r"\s+(district|region|province|village|town|city|island|republic|settlement|state|"
                           r"governorate|county|prefecture|oblast|krai|department|municipality)$", "", name, flags=re.I)
            if short != name:
                name = short
                cands = gz.lookup(short)
        label = ent.label_
        if label in ("ORG", "FAC") and any(c.kind == "city" for c in cands) and _after_locative(doc.text, ent.start_char):
            label = "PREP"  # "kidnapped in Soledad", tagged an organisation: a town, if of the country named
        out.append(PlaceMention(ent.start_char, ent.end_char, ent.text, cands, label=label, name=name))
    # names the tagger missed: capitalised words that are places (kept only if the context supports them)
    covered = [(m.start, m.end) for m in out]
    for m in _CAPITALISED.finditer(doc.text):
        if any(a <= m.start() < b for a, b in covered) or fold(m.group(0)) in _NOT_PLACES or \
                fold(m.group(0)) in gz.macro_regions or m.group(0).lower() in _CALENDAR:
            continue
        cands = [c for c in gz.lookup(m.group(0)) if c.kind == "city"]
        if cands:
            out.append(PlaceMention(m.start(), m.end(), m.group(0), cands, label="SCAN"))
    out.sort(key=lambda m: m.start)
    return out


_CALENDAR = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
             "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
             "allah", "god", "christmas", "easter"}
_CAPITALISED = re.compile(r"(?<![\w-])[A-Z][a-z]+(?:[- ][A-Z][a-z]+)?(?![\w-])")
# entity labels whose names are places only when the article's other places vouch for them
_DOUBTFUL = {"ORG", "FAC", "SCAN", "PREP"}


def _context(mentions: list[PlaceMention]) -> tuple[Counter, Counter, dict[str, tuple[Counter, Counter]]]:
    """The countries and regions the article's names vouch for, and each name's own share of them (a name
    must not vouch for itself: a village named in a report from Mali does not make the country of its foreign namesake named)."""
    countries: Counter = Counter()
    regions: Counter = Counter()
    own: dict[str, tuple[Counter, Counter]] = {}
    for m in mentions:
        if m.label in _DOUBTFUL:
            continue  # only names the tagger calls places may vouch for others
        key = fold(m.name or _clean(m.text))
        mine = own.setdefault(key, (Counter(), Counter()))
        # a country's own name ("Colombia", "Mali") vouches for it, whatever towns share the name
        country = next((c for c in m.candidates if c.kind == "country" and fold(c.name) == key), None)
        if country is not None or len(m.candidates) == 1 or (m.candidates and m.candidates[0].kind == "country"):
            c = country or m.candidates[0]
            mine[0][c.cc] += 0.5 if m.weak else 1
            if c.kind in ("admin1", "city") and c.admin1:
                mine[1][(c.cc, c.admin1)] += 1
        elif m.candidates:
            top = m.candidates[0]
            if top.population > 1_000_000:
                mine[0][top.cc] += 0.5
    for c, r in own.values():
        countries.update(c)
        regions.update(r)
    return countries, regions, own


def _without(total: Counter, part: Counter) -> Counter:
    return Counter({k: v - part.get(k, 0) for k, v in total.items() if v - part.get(k, 0) > 0})


def _score(p: Place, countries: Counter, regions: Counter) -> float:
    s = math.log10(p.population + 10) / 2
    s += 2.0 * min(countries.get(p.cc, 0), 3)
    if p.admin1:
        s += 2.0 * min(regions.get((p.cc, p.admin1), 0), 3)
    if p.kind == "country":
        s += 3
    return s


def _fuzzy(name: str, gz: Gazetteer, countries: Counter, regions: Counter) -> list[Place]:
    """Transliteration variants, searched only inside the countries (regions) the article names."""
    key = fold(name)
    if len(key) < 5:
        return []
    top = [c for c, _ in countries.most_common(2)]
    places = [r for r in regions if r[0] in top] if regions else None
    if not top or places == []:
        return []

    def inside(p: Place) -> bool:
        return (p.cc, p.admin1) in places if places else p.cc in top

    same = sorted({p for p in gz.cities_by_skeleton(translit_key(key)) if inside(p)}, key=lambda p: -p.population)
    if same:
        return same[:1]
    keys: list[str] = []
    found: list[int] = []
    for cc in top:
        names = gz.city_names(cc)
        i, j = bisect_left(names.lengths, len(key) - 4), bisect_right(names.lengths, len(key) + 4)
        near = zip(names.keys[i:j], names.places[i:j], names.regions[i:j])
        if places:
            wanted = {a for c, a in places if c == cc}
            near = ((k, pid, r) for k, pid, r in near if r in wanted)
        for k, pid, _ in near:
            keys.append(k)
            found.append(pid)
    # the first best match: a name listed twice counts where it is first listed
    hit = process.extractOne(key, keys, scorer=fuzz.ratio, score_cutoff=85)
    return [gz.place(found[hit[2]])] if hit else []


# between a place and the country or region that qualifies it: "Tinoc, Ifugao", "the airport in
# Kandahar, Afghanistan", "Tinoc in the province of Ifugao"
_QUALIFIED_BY = re.compile(r"^(?:\s+[a-z]+){0,2}?\s*(?:,|\s+in)\s+(?:the\s+)?(?:(?:province|state|region|district|"
                           r"county|governorate|republic|department)\s+of\s+)?$")


def _qualifier(i: int, mentions: list[PlaceMention], text: str | None) -> Place | None:
    """The country or region named just after mention i, as its qualifier, if there is one."""
    if text is None or i + 1 >= len(mentions):
        return None
    m, q = mentions[i], mentions[i + 1]
    if q.weak or not q.candidates or q.start - m.end > 40 or not _QUALIFIED_BY.match(text[m.end:q.start]):
        return None
    containers = [p for p in q.candidates if p.kind in ("country", "admin1")]
    return containers[0] if len(containers) == 1 or (containers and containers[0].kind == "country") else None


def _inside(p: Place, container: Place) -> bool:
    return p.cc == container.cc and (container.kind == "country" or p.admin1 == container.admin1)


def resolve(mentions: list[PlaceMention], gz: Gazetteer | None = None, text: str | None = None) -> list[PlaceMention]:
    """Pick one place per mention, using the article's other places as context.  With the article's `text`,
    a name qualified by the country or region right after it ("Tinoc, Ifugao") is looked for inside it."""
    gz = gz or gazetteer()
    # a name qualified once is that place wherever the article names it (in the headline too); a
    # qualified name none of whose namesakes lies inside its qualifier is none of them ("Kech in Pakistan"
    # is not Ketsch in Germany), and may still be found by spelling inside it
    qualified = {}
    for i, m in enumerate(mentions):
        container = _qualifier(i, mentions, text)
        if container is not None:
            qualified.setdefault(fold(m.name or _clean(m.text)), container)
    for m in mentions:
        container = qualified.get(fold(m.name or _clean(m.text)))
        if container is not None and m.candidates:
            m.candidates = [p for p in m.candidates if p is not container and _inside(p, container)]
    all_countries, all_regions, own = _context(mentions)
    for m in mentions:
        name = m.name or _clean(m.text)
        mine = own.get(fold(name))
        countries, regions = (_without(all_countries, mine[0]), _without(all_regions, mine[1])) if mine else \
            (all_countries, all_regions)
        if not m.candidates and not m.weak and m.label in ("GPE", "LOC"):
            m.candidates = _fuzzy(name, gz, countries, regions)
        if not m.candidates:
            continue
        cands = m.candidates
        if m.label in _DOUBTFUL:
            # "Derbent" tagged as an organisation: a city only inside a region (or a big city inside a
            # country) that the article names
            cands = [p for p in cands if p.kind in ("country", "admin1") and m.label != "SCAN" or
                     (p.kind == "city" and ((p.cc, p.admin1) in regions or (p.cc in countries and (
                         p.population >= 100_000 or m.label == "PREP"))))]  # "in Saravan": a town, if of the country
            if not cands:
                continue
        best = max(cands, key=lambda p: _score(p, countries, regions))
        if best.kind == "city" and not countries.get(best.cc) and (
                best.population < 5000 or (countries and best.population < 20_000)):
            # a small namesake in a country the article never names is not worth the risk, the less so when
            # the article names other countries (a village in a report from Mali is not its namesake
            # abroad)
            continue
        m.place = best
    return mentions


def distance_km(a: Place, b: Place) -> float:
    return haversine_km(a.lat, a.lon, b.lat, b.lon)
