"""Place names in an article, resolved against the gazetteer in the article's context.

A name is looked up exactly, then (for names the gazetteer lacks) by fuzzy
match among places in the countries and regions the article itself names, so
that transliteration variants (Makhachqala, Magharamakint) still resolve.
Ambiguous names go to the candidate that agrees with the rest of the article:
"Derbent, Dagestan" is the Russian city, "Kerman" is Iran's unless the text
says California.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from .gazetteer import Gazetteer, Place, fold, gazetteer

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


def _clean(text: str) -> str:
    text = _TRAILING.sub("", _LEADING.sub("", text.strip()))
    return text.strip(" ,.;:\"'“”")


def find_place_mentions(doc, gz: Gazetteer | None = None) -> list[PlaceMention]:
    """Named places in a parsed document (spaCy entities), with their gazetteer candidates."""
    gz = gz or gazetteer()
    out: list[PlaceMention] = []
    for ent in doc.ents:
        if ent.label_ not in PLACE_LABELS:
            continue
        name = _clean(ent.text)
        key = fold(name)
        if not key or key in _NOT_PLACES or len(key) < 3:
            continue
        if ent.label_ == "NORP" or (ent.label_ == "ORG" and key in gz.adjectives):
            country = gz.adjectives.get(key)
            if country and gz.country(country):
                out.append(PlaceMention(ent.start_char, ent.end_char, ent.text, [gz.country(country)], weak=True))
            continue
        cands = gz.lookup(name)
        if ent.label_ == "ORG":
            # an organisation name is a place only when it is exactly a known region or country
            cands = [c for c in cands if c.kind in ("country", "admin1")]
        if not cands and ent.label_ in ("GPE", "LOC"):
            # "Dagestan's Karabudakhkent district", "Makhachkala region": try without the tail word
            short = re.sub(r"\s+(district|region|province|village|town|city|republic)$", "", name, flags=re.I)
            if short != name:
                cands = gz.lookup(short)
        out.append(PlaceMention(ent.start_char, ent.end_char, ent.text, cands))
    return out


def _context(mentions: list[PlaceMention]) -> tuple[Counter, Counter]:
    countries: Counter = Counter()
    regions: Counter = Counter()
    for m in mentions:
        if len(m.candidates) == 1 or (m.candidates and m.candidates[0].kind == "country"):
            c = m.candidates[0]
            countries[c.cc] += 0.5 if m.weak else 1
            if c.kind in ("admin1", "city") and c.admin1:
                regions[(c.cc, c.admin1)] += 1
        elif m.candidates:
            top = m.candidates[0]
            if top.population > 1_000_000:
                countries[top.cc] += 0.5
    return countries, regions


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
    pool: dict[str, Place] = {}
    for cc in [c for c, _ in countries.most_common(2)]:
        for k, p in gz.by_country.get(cc, []):
            if p.kind == "city" and (not regions or any((p.cc, p.admin1) == r for r in regions)) and abs(len(k) - len(key)) <= 4:
                pool.setdefault(k, p)
    if not pool:
        return []
    hit = process.extractOne(key, list(pool), scorer=fuzz.ratio, score_cutoff=80)
    return [pool[hit[0]]] if hit else []


def resolve(mentions: list[PlaceMention], gz: Gazetteer | None = None) -> list[PlaceMention]:
    """Pick one place per mention, using the article's other places as context."""
    gz = gz or gazetteer()
    countries, regions = _context(mentions)
    for m in mentions:
        if not m.candidates and not m.weak:
            m.candidates = _fuzzy(m.text, gz, countries, regions)
        if not m.candidates:
            continue
        best = max(m.candidates, key=lambda p: _score(p, countries, regions))
        # a small namesake far from anything else in the article is not worth the risk
        if best.kind == "city" and best.population < 5000 and not countries.get(best.cc):
            continue
        m.place = best
    return mentions


def distance_km(a: Place, b: Place) -> float:
    if None in (a.lat, a.lon, b.lat, b.lon):
        return float("inf")
    la1, lo1, la2, lo2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(h))
