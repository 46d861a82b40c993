"""Group mentions into incidents.

Two reported mentions are one incident when their dates are within a day (or
one is undated) and their places agree (same city; or one names only the
region or country the other's city lies in).  Coordinated attacks in two
cities stay two incidents.  A background mention joins the incident it
recalls when that incident's date lies in its date range and the place agrees.
The result depends only on the set of mentions, never on their order.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from ..extract.actors import family
from ..extract.gazetteer import fold, haversine_km
from ..model import Incident, Mention
from .groups import link_groups
from .merge import NEAR_KM, merge


REPORTED_WINDOW = dt.timedelta(days=3)


def _span(m: Mention) -> tuple[dt.date, dt.date] | None:
    if m.date is None:
        return None
    if m.date_precision == "reported":  # dated only by publication: it happened on or shortly before
        return m.date - REPORTED_WINDOW, m.date
    return m.date, m.date_end or m.date


def dates_agree(a: Mention, b: Mention, slack: int = 1) -> bool:
    sa, sb = _span(a), _span(b)
    if sa is None or sb is None:
        return True
    d = dt.timedelta(days=slack)
    return sa[0] - d <= sb[1] and sb[0] - d <= sa[1]


def _km(a: Mention, b: Mention) -> float:
    return haversine_km(a.lat, a.lon, b.lat, b.lon)


def places_agree(a: Mention, b: Mention) -> bool:
    if a.country and b.country and fold(a.country) != fold(b.country):
        return False
    if a.city and b.city:
        if fold(a.city) == fold(b.city):
            return True
        if None in (a.lat, b.lat):
            # a town the gazetteer lacks ("the village of Djibassou"): how far it lies is unknown, its region not
            return not (a.admin1 and b.admin1) or fold(a.admin1) == fold(b.admin1)
        # "Krasnogorsk" and "Moscow" for one concert hall: a town and the city it is near
        return _km(a, b) <= NEAR_KM
    if a.admin1 and b.admin1:
        return fold(a.admin1) == fold(b.admin1)
    return bool(a.country and b.country)


def figures_agree(a: Mention, b: Mention) -> bool:
    """Early and late tolls differ, but not by an order of magnitude."""
    x, y = a.killed.best, b.killed.best
    if x is None or y is None:
        return True
    lo, hi = sorted((x, y))
    return hi - lo <= 3 or hi <= 4 * lo


def types_agree(a: Mention, b: Mention) -> bool:
    return not (a.attack_types and b.attack_types) or bool(set(a.attack_types) & set(b.attack_types))


def _words(names: list[str]) -> set[str]:
    return {w for n in names for w in fold(n).split() if len(w) > 3 and w not in _GENERIC}


_GENERIC = {"church", "hall", "city", "airport", "station", "hotel", "mosque", "synagogue", "embassy", "market",
            "orthodox", "international", "music", "centre", "center", "square", "gate", "school"}


def same_words(a: Mention, b: Mention) -> bool:
    """Both reports name the same venue ("Crocus City Hall", "Archangel Michael Church")."""
    return bool(_words(a.keywords) & _words(b.keywords))


THRESHOLD = 0.5


def match_score(a: Mention, b: Mention) -> float:
    """How surely two reported mentions are one incident: date and place must agree (an undated pair needs a
    shared town); agreeing types, groups, tolls and venue names raise the score, contradictions lower it."""
    if a.country and b.country and fold(a.country) != fold(b.country):
        return 0.0
    if a.article_id == b.article_id:
        return 0.0  # the extractor told them apart: a roundup's attacks are one incident each
    dated = a.date is not None and b.date is not None
    if dated and not dates_agree(a, b):
        return 0.0
    place = places_agree(a, b)
    words = same_words(a, b)
    if not place and not words:
        return 0.0
    if dated:
        score = 0.6
    else:
        if not (a.city and b.city and place) and not words:
            return 0.0
        score = 0.3
    if a.attack_types and b.attack_types:
        score += 0.1 if types_agree(a, b) else -0.2
    fa = {family(p) for p in a.perpetrators}
    fb = {family(p) for p in b.perpetrators}
    if fa and fb:
        score += 0.1 if fa & fb else -0.2
    score += 0.15 if figures_agree(a, b) else -0.15
    if words:
        score += 0.2
    return score


def same_incident(a: Mention, b: Mention) -> bool:
    return match_score(a, b) >= THRESHOLD


def may_relate(a: Mention, b: Mention) -> bool:
    """Could these two mentions end up in one incident or one event group?  A cheap, generous test,
    used to re-fuse only the incidents a new article can touch."""
    if a.role != "reported" or b.role != "reported":
        return bool(a.date and b.date and dates_agree(a, b, 1) and (places_agree(a, b) or same_words(a, b))) or \
            (a.date is None or b.date is None) and same_words(a, b)
    if same_incident(a, b):
        return True
    if a.date and b.date and a.country == b.country and dates_agree(a, b, 1):
        return (a.admin1 is not None and a.admin1 == b.admin1) or haversine_km(a.lat, a.lon, b.lat, b.lon) <= 300
    return False


class _UnionFind:
    def __init__(self, items):
        self.parent = {i: i for i in items}

    def find(self, x):
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            lo, hi = sorted((ra, rb))
            self.parent[hi] = lo


@dataclass
class Decisions:
    """What analysts decided about fusion: mentions that are one incident whatever the matcher says
    (`together`, pairs of mention ids), and mentions that stand alone (`apart`)."""

    together: list[tuple[str, str]] = field(default_factory=list)
    apart: set[str] = field(default_factory=set)


class _Constrained(_UnionFind):
    """Union-find that never joins a mention an analyst split off."""

    def __init__(self, items, apart: set[str]):
        super().__init__(items)
        self.apart = apart

    def union(self, a, b):
        if a in self.apart or b in self.apart:
            return
        super().union(a, b)


def cluster(mentions: list[Mention], decisions: Decisions | None = None) -> list[list[Mention]]:
    """Mentions grouped by incident, deterministic whatever the input order; analysts' decisions win."""
    decisions = decisions or Decisions()
    ms = sorted({m.id: m for m in mentions}.values(), key=lambda m: m.id)
    reported = [m for m in ms if m.role == "reported"]
    background = [m for m in ms if m.role != "reported"]
    uf = _Constrained([m.id for m in ms], decisions.apart)
    # dated mentions first, so an undated one joins the incident it agrees with best
    # dated mentions in date order: each is compared only with those whose span starts close enough
    dated = sorted((m for m in reported if m.date is not None), key=lambda m: (m.date, m.id))
    undated = [m for m in reported if m.date is None]
    reach = dt.timedelta(days=1) + REPORTED_WINDOW
    for i, a in enumerate(dated):
        end = _span(a)[1]
        for b in dated[i + 1:]:
            if b.date - reach > end:
                break
            if same_incident(a, b):
                uf.union(a.id, b.id)
    for u in undated:
        fits = [d for d in dated if same_incident(u, d)]
        exact = [d for d in fits if d.city and u.city and fold(d.city) == fold(u.city)] or fits
        roots = sorted({uf.find(d.id) for d in exact})
        if len(roots) == 1:
            uf.union(u.id, roots[0])
        elif not roots:
            for v in undated:
                if v.id < u.id and same_incident(u, v):
                    uf.union(u.id, v.id)
    for bm in background:
        # a recalled attack joins the incident it recalls: its date range holds the incident's date, and
        # its place or its venue's name agrees
        fits = [r for r in reported if r.date and bm.date and dates_agree(bm, r, 0)
                and (places_agree(bm, r) or same_words(bm, r))]
        targets = sorted({uf.find(r.id) for r in fits})
        if len(targets) > 1:  # the venue's name settles which of several incidents that month it recalls
            targets = sorted({uf.find(r.id) for r in fits if same_words(bm, r)})
        if len(targets) == 1:
            uf.union(bm.id, targets[0])
        else:
            for other in background:
                if other.id < bm.id and other.date and bm.date and dates_agree(bm, other, 0) and places_agree(bm, other):
                    uf.union(bm.id, other.id)
    for a, b in decisions.together:
        if a in uf.parent and b in uf.parent:
            _UnionFind.union(uf, a, b)
    groups: dict[str, list[Mention]] = defaultdict(list)
    for m in ms:
        groups[uf.find(m.id)].append(m)
    return [groups[k] for k in sorted(groups)]


def fuse(mentions: list[Mention], policy: dict | None = None, decisions: Decisions | None = None) -> list[Incident]:
    """Incidents from mentions: cluster, merge each cluster's fields, link coordinated attacks."""
    return link_groups([merge(group, policy) for group in cluster(mentions, decisions)])
