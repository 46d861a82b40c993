"""Merge one cluster of mentions into an incident, keeping every source's value.

The rules that pick the incident's value are stated in data/fusion.toml (and can
be passed in as a policy):
- date and place: the value most reports give, weighted, later reports winning ties;
  then the most specific of the nearby towns the sources name.
- casualties: the highest figure that an official is cited for or that two or more
  sources give; min and max span every source.
- types: a category counts when enough of the sources that code types give it.
- perpetrators: groups that claimed it, or that a source names (see extract.claims).
A source that contradicts the others (a date weeks away, a toll four times the
others', a different claimant) is flagged with the contradiction spelled out and
counts for less.  Every source's value of every field is kept in `values`.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import statistics
from collections import Counter
from typing import Any

from ..extract.actors import family
from ..extract.claims import best_supported
from ..extract.lexicon import load_toml
from ..model import Claim, Figure, Incident, Mention, Source
from .confidence import assess

NEAR_KM = 30
FIELDS = ("date", "city", "admin1", "country", "attack_types", "target_types", "weapon_types", "killed",
          "killed_perpetrators", "injured", "perpetrators", "claimed_by")


@functools.cache
def default_policy() -> dict:
    return load_toml("fusion.toml")


def incident_id(mentions: list[Mention]) -> str:
    first = min(m.id for m in mentions)
    return "inc-" + hashlib.sha1(first.encode("utf-8")).hexdigest()[:12]


def _recency(m: Mention) -> tuple:
    return (m.published or dt.date.min, m.id)


def _vote(values: list[tuple[object, Mention]], weight: dict[str, float] | None = None):
    """The value with the most (weighted) reports; ties to the value of the latest report."""
    values = [(v, m) for v, m in values if v not in (None, "", [])]
    if not values:
        return None
    counts: Counter = Counter()
    for v, m in values:
        counts[v] += (weight or {}).get(m.id, 1.0)
    top = max(counts.values())
    tied = {v for v, c in counts.items() if c >= top - 1e-9}
    latest = max((m for v, m in values if v in tied), key=_recency)
    return next(v for v, m in values if m is latest and v in tied)


def _value(m: Mention, field: str) -> Any:
    if field == "date":
        return m.date.isoformat() if m.date else None
    if field in ("killed", "killed_perpetrators", "injured"):
        return getattr(m, field).best
    if field == "claimed_by":
        return m.claimed_by
    return getattr(m, field)


def _values(ms: list[Mention]) -> dict[str, list[dict]]:
    """Every source's value of every field, with the article and when it was published."""
    out: dict[str, list[dict]] = {}
    for field in FIELDS:
        rows = [{"value": _value(m, field), "article_id": m.article_id, "role": m.role,
                 "published": m.published.isoformat() if m.published else None}
                for m in ms if _value(m, field) not in (None, "", [])]
        if rows:
            out[field] = rows
    return out


def _conflict(field: str, values: list[tuple[object, Mention]]) -> list[dict] | None:
    distinct = {repr(v) for v, _ in values if v not in (None, "", [])}
    if len(distinct) < 2:
        return None
    return [{"value": v, "article_id": m.article_id,
             "published": m.published.isoformat() if m.published else None}
            for v, m in values if v not in (None, "", [])]


# --- consistency -------------------------------------------------------------------------------------------

def _consensus_date(others: list[Mention]) -> dt.date | None:
    exact = [m for m in others if m.date and m.date_precision == "day"]
    return _vote([(m.date, m) for m in exact])


def contradictions(m: Mention, others: list[Mention], policy: dict) -> list[dict]:
    """What in one report contradicts what the other reports of the incident agree on."""
    if len(others) < 2:
        return []
    cons = policy["consistency"]
    flags = []
    date = _consensus_date(others)
    if date is not None:
        days = dt.timedelta(days=cons["date_days"])
        if m.date and m.date_precision == "day" and abs(m.date - date) > days:
            flags.append({"field": "date", "says": m.date.isoformat(), "consensus": date.isoformat()})
        for ref in m.date_refs:
            said = dt.date.fromisoformat(ref["date"]) if ref.get("date") else None
            if said is None and ref.get("month"):
                try:
                    said = dt.date(date.year, ref["month"], ref["day"])
                except (TypeError, ValueError):
                    continue
            if said is not None and abs(said - date) > days and not any(f["field"] == "date" for f in flags):
                flags.append({"field": "date", "says": ref["text"], "consensus": date.isoformat(),
                              "text": ref.get("sentence")})
    others_killed = [o.killed.best for o in others if o.killed.best is not None]
    if m.killed.best is not None and len(others_killed) >= 2:
        med = statistics.median(others_killed)
        factor = cons["casualty_factor"]
        if med and abs(m.killed.best - med) > 5 and not (med / factor <= m.killed.best <= med * factor):
            flags.append({"field": "killed", "says": m.killed.best, "consensus": med})
    claimed_elsewhere = {family(a) for o in others for a in o.claimed_by}
    mine = {family(a) for a in m.claimed_by}
    if mine and claimed_elsewhere and not (mine & claimed_elsewhere):
        flags.append({"field": "claimed_by", "says": sorted(mine), "consensus": sorted(claimed_elsewhere)})
    for f in flags:
        f["article_id"] = m.article_id
    return flags


# --- figures -----------------------------------------------------------------------------------------------

def _official(m: Mention, kind: str, value: int) -> bool:
    return any(f.get("kind") == kind and f.get("official") and f.get("best") == value for f in m.figures)


def _without_attackers(total: int, ms: list[Mention]) -> int:
    """A toll that equals another report's victims plus attackers ("seven dead" where another says
    three victims and four attackers) counts the attackers: victims only are wanted."""
    for o in ms:
        a, b = o.killed.best, o.killed_perpetrators.best
        if a is not None and b and a < total and abs(a + b - total) <= 1:
            return total - b
    return total


def choose_figure(field: str, ms: list[Mention], weight: dict[str, float], policy: dict) -> Figure:
    figs = [(getattr(m, field), m) for m in ms if getattr(m, field).known]
    if not figs:
        return Figure()
    lows = [x for f, _ in figs for x in (f.min, f.best) if x is not None]
    highs = [x for f, _ in figs for x in (f.max, f.best) if x is not None]
    span = Figure(min=min(lows) if lows else None, max=max(highs) if highs else None)
    trusted = [(f.best, m) for f, m in figs if f.best is not None and weight.get(m.id, 1.0) >= 1.0] or \
        [(f.best, m) for f, m in figs if f.best is not None]
    if not trusted:
        return span
    if field == "killed":
        trusted = [(_without_attackers(v, ms), m) for v, m in trusted]
    rule = policy["casualties"]["rule"]
    tol = policy["casualties"]["agree_within"]
    if rule == "median":
        span.best = int(statistics.median(v for v, _ in trusted))
    elif rule == "latest":
        latest = max(trusted, key=lambda x: (_recency(x[1]), x[0]))
        span.best = latest[0]
    elif rule == "highest":
        span.best = max(v for v, _ in trusted)
    else:  # highest_supported
        def supported(v: int, m: Mention) -> bool:
            agree = {o.article_id for w, o in trusted if abs(w - v) <= max(1, tol * v)}
            return _official(m, field, v) or len(agree) >= 2
        backed = [v for v, m in trusted if supported(v, m)]
        span.best = max(backed) if backed else max(v for v, _ in trusted)
    return span


# --- merge -------------------------------------------------------------------------------------------------

def merge(mentions: list[Mention], policy: dict | None = None) -> Incident:
    policy = policy or default_policy()
    ms = sorted(mentions, key=lambda m: m.id)
    reported = [m for m in ms if m.role == "reported"] or ms
    inc = Incident(id=incident_id(ms), mention_ids=[m.id for m in ms])
    inc.background_only = not any(m.role == "reported" for m in ms)

    flags: list[dict] = []
    weight: dict[str, float] = {}
    for m in reported:
        found = contradictions(m, [o for o in reported if o is not m], policy)
        if found:
            flags.extend(found)
            weight[m.id] = policy["consistency"]["flagged_weight"]
    inc.flags = flags

    day_exact = [m for m in reported if m.date and m.date_precision == "day"] or [m for m in reported if m.date]
    date = _vote([(m.date, m) for m in day_exact], weight)
    if date is not None:
        inc.date = date
        src = next(m for m in day_exact if m.date == date)
        inc.date_end, inc.date_precision = src.date_end, src.date_precision
    place_key = _vote([((m.city, m.admin1, m.country) if m.city else None, m) for m in reported], weight) or \
        _vote([((None, m.admin1, m.country) if m.admin1 else None, m) for m in reported], weight) or \
        _vote([((None, None, m.country) if m.country else None, m) for m in reported], weight)
    if place_key and place_key[0]:
        place_key = _most_specific(place_key, reported)
    if place_key:
        inc.city, inc.admin1, inc.country = place_key
        src = next(m for m in reported if m.country == inc.country and (
            m.city == inc.city if inc.city else (m.admin1 == inc.admin1 and not m.city) if inc.admin1
            else not (m.city or m.admin1)))
        inc.lat, inc.lon = src.lat, src.lon
    share = policy["types"]["min_share"]
    for field in ("attack_types", "target_types", "weapon_types"):
        coded = [m for m in reported if getattr(m, field)]
        counts: Counter = Counter()
        for m in coded:
            for t in set(getattr(m, field)):
                counts[t] += weight.get(m.id, 1.0)
        total = sum(weight.get(m.id, 1.0) for m in coded)
        setattr(inc, field, sorted(t for t, c in counts.items() if c >= max(min(1.0, total), share * total)))
    claims: list[Claim] = [c for m in ms for c in m.claims]
    inc.claims = claims
    inc.claimed_by = list(dict.fromkeys(c.actor for c in claims if c.status == "claimed"))
    inc.perpetrators = best_supported(claims)
    inc.attackers = list(dict.fromkeys(a for m in ms for a in m.attackers))
    conflicts: dict[str, list[dict]] = {}
    for field in ("killed", "injured", "killed_perpetrators"):
        setattr(inc, field, choose_figure(field, reported, weight, policy))
        c = _conflict(field, [(getattr(m, field).best, m) for m in reported])
        if c:
            conflicts[field] = c
    inc.derived = _derived_zeros(inc, reported)
    for field in ("date", "city", "country"):
        c = _conflict(field, [(_value(m, field), m) for m in reported])
        if c:
            conflicts[field] = c
    inc.conflicts = conflicts
    inc.values = _values(ms)
    inc.name = next((m.name for m in ms if m.name), None)
    inc.coordinated = any(m.coordinated for m in reported)
    inc.sources = [Source(m.article_id, m.url, m.published, "reported" if m.role == "reported" else "reference",
                          weight.get(m.id, 1.0)) for m in ms]
    inc.evidence = [e for m in ms for e in m.evidence]
    assess(inc, ms)
    return inc


def _derived_zeros(inc: Incident, reported: list[Mention]) -> dict[str, str]:
    """A toll of 0 where no report gives a figure, as GTD codes it, labelled with its rule: a report that
    says nobody was killed (hurt), or reports none of which speaks of a death (an injury) at all.  A later
    report's figure replaces it, as it is never a source's value."""
    derived = {}
    for field in ("killed", "injured"):
        if getattr(inc, field).known or not reported:
            continue
        said = [m for m in reported if m.no_figure.get(field) == "none"]
        if said:
            rule = f"0: a report says nobody was {'killed' if field == 'killed' else 'hurt'} ({said[0].article_id})"
        elif all(m.no_figure.get(field) for m in reported):
            rule = (f"0: none of {len(reported)} report(s) tells of "
                    f"{'a death' if field == 'killed' else 'an injury'}")
        else:
            continue
        setattr(inc, field, Figure(0, 0, 0))
        derived[field] = rule
    return derived


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
