"""Merge one cluster of mentions into an incident, keeping every source's value.

Policy (stated, so an analyst can check it):
- date and place: the value most reported mentions give; ties go to the later report.
- casualties: the highest firm figure any report gives (early reports undercount);
  min and max span all reports.
- types: a category counts when at least a third of the reports that code any give it.
- perpetrators: groups claimed or attributed in any report; claimed_by: claims only.
Disagreements between sources are kept in `conflicts`.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter

from ..extract.claims import best_supported
from ..model import Claim, Figure, Incident, Mention, Source

NEAR_KM = 30


def incident_id(mentions: list[Mention]) -> str:
    first = min(m.id for m in mentions)
    return "inc-" + hashlib.sha1(first.encode("utf-8")).hexdigest()[:12]


def _recency(m: Mention) -> tuple:
    return (m.published or dt.date.min, m.id)


def _vote(values: list[tuple[object, Mention]]):
    """The most common value; ties to the value of the latest report."""
    values = [(v, m) for v, m in values if v not in (None, "", [])]
    if not values:
        return None
    counts = Counter(v for v, _ in values)
    top = max(counts.values())
    tied = {v for v, c in counts.items() if c == top}
    latest = max((m for v, m in values if v in tied), key=_recency)
    return next(v for v, m in values if m is latest and v in tied)


def _figure(figs: list[Figure]) -> Figure:
    known = [f for f in figs if f.known]
    if not known:
        return Figure()
    bests = [f.best for f in known if f.best is not None]
    lows = [x for f in known for x in (f.min, f.best) if x is not None]
    highs = [x for f in known for x in (f.max, f.best) if x is not None]
    return Figure(min=min(lows) if lows else None, max=max(highs) if highs else None,
                  best=max(bests) if bests else None)


def _most_specific(key: tuple, mentions: list[Mention]) -> tuple:
    """Of the towns sources name within a short distance of each other, the smallest:
    "Krasnogorsk" over "Moscow" for a hall on the city's edge."""
    from ..extract.gazetteer import gazetteer, haversine_km

    gz = gazetteer()

    def population(city: str, country: str) -> int:
        return max((p.population for p in gz.lookup(city) if p.kind == "city" and p.country == country), default=0)

    ref = next(m for m in mentions if (m.city, m.admin1, m.country) == key)
    best, best_pop = key, population(key[0], key[2])
    for m in mentions:
        if m.city and m.city != best[0] and m.country == key[2] and \
                haversine_km(ref.lat, ref.lon, m.lat, m.lon) <= NEAR_KM:
            pop = population(m.city, m.country)
            if pop < best_pop:
                best, best_pop = (m.city, m.admin1, m.country), pop
    return best


def _conflict(field: str, values: list[tuple[object, Mention]]) -> list[dict] | None:
    distinct = {repr(v) for v, _ in values if v not in (None, "", [])}
    if len(distinct) < 2:
        return None
    return [{"value": v, "article_id": m.article_id,
             "published": m.published.isoformat() if m.published else None}
            for v, m in values if v not in (None, "", [])]


def merge(mentions: list[Mention]) -> Incident:
    ms = sorted(mentions, key=lambda m: m.id)
    reported = [m for m in ms if m.role == "reported"] or ms
    inc = Incident(id=incident_id(ms), mention_ids=[m.id for m in ms])
    conflicts: dict[str, list[dict]] = {}

    day_exact = [m for m in reported if m.date and m.date_precision == "day"] or [m for m in reported if m.date]
    date = _vote([(m.date, m) for m in day_exact])
    if date is not None:
        inc.date = date
        src = next(m for m in day_exact if m.date == date)
        inc.date_end, inc.date_precision = src.date_end, src.date_precision
    place_key = _vote([((m.city, m.admin1, m.country) if m.city else None, m) for m in reported]) or \
        _vote([((None, m.admin1, m.country) if m.admin1 else None, m) for m in reported]) or \
        _vote([((None, None, m.country) if m.country else None, m) for m in reported])
    if place_key and place_key[0]:
        place_key = _most_specific(place_key, reported)
    if place_key:
        inc.city, inc.admin1, inc.country = place_key
        src = next(m for m in reported if m.country == inc.country and (
            m.city == inc.city if inc.city else (m.admin1 == inc.admin1 and not m.city) if inc.admin1
            else not (m.city or m.admin1)))
        inc.lat, inc.lon = src.lat, src.lon
    for field in ("attack_types", "target_types", "weapon_types"):
        coded = [m for m in reported if getattr(m, field)]
        counts = Counter(t for m in coded for t in set(getattr(m, field)))
        need = max(1, len(coded) / 3)
        setattr(inc, field, sorted(t for t, c in counts.items() if c >= need))
    claims: list[Claim] = [c for m in ms for c in m.claims]
    inc.claims = claims
    inc.claimed_by = list(dict.fromkeys(c.actor for c in claims if c.status == "claimed"))
    inc.perpetrators = best_supported(claims)
    inc.attackers = list(dict.fromkeys(a for m in ms for a in m.attackers))
    for field in ("killed", "injured", "killed_perpetrators"):
        setattr(inc, field, _figure([getattr(m, field) for m in reported]))
        c = _conflict(field, [(getattr(m, field).best, m) for m in reported])
        if c:
            conflicts[field] = c
    for field in ("date", "city", "country"):
        vals = [(getattr(m, field).isoformat() if field == "date" and m.date else getattr(m, field), m)
                for m in reported]
        c = _conflict(field, vals)
        if c:
            conflicts[field] = c
    inc.conflicts = conflicts
    inc.name = next((m.name for m in ms if m.name), None)
    inc.sources = [Source(m.article_id, m.url, m.published, m.role) for m in ms]
    inc.evidence = [e for m in ms for e in m.evidence]
    return inc
