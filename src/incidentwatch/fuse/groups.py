"""Event groups: separate incidents that are parts of one coordinated attack.

As the Global Terrorism Database links related incidents, two incidents are
linked when they happened within a day of each other in the same country and
one article reports both; or, in the same region (or within a few hundred
kilometres), the same group (family) is named for both, or the reports call
the attacks coordinated and they are of the same kind.  Each incident keeps its own
place and figures; the group gets an id and each member lists the others.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict

from ..extract.actors import family
from ..extract.gazetteer import haversine_km
from ..model import Incident

LINK_KM = 300


def _related(a: Incident, b: Incident) -> bool:
    if a.date is None or b.date is None or abs(a.date - b.date) > dt.timedelta(days=1):
        return False
    if not a.country or a.country != b.country:
        return False
    if a.date_precision not in ("day", "reported") or b.date_precision not in ("day", "reported"):
        return False
    shared = {s.article_id for s in a.sources if s.role == "reported"} & \
             {s.article_id for s in b.sources if s.role == "reported"}
    if shared:
        return True
    near = (a.admin1 and a.admin1 == b.admin1) or haversine_km(a.lat, a.lon, b.lat, b.lon) <= LINK_KM
    fa, fb = {family(p) for p in a.perpetrators}, {family(p) for p in b.perpetrators}
    if fa & fb and near:
        return True
    # reports that call the attack one of several coordinated ones, of the same kind, in the same region
    same_kind = not (a.attack_types and b.attack_types) or bool(set(a.attack_types) & set(b.attack_types))
    return (a.coordinated or b.coordinated) and same_kind and bool(near)


def link_groups(incidents: list[Incident]) -> list[Incident]:
    """Set group_id and linked on incidents that belong to one coordinated attack."""
    parent = {i.id: i.id for i in incidents}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    ordered = sorted(incidents, key=lambda i: i.id)
    dated = sorted((i for i in incidents if i.date), key=lambda i: (i.date, i.id))
    for n, a in enumerate(dated):
        for b in dated[n + 1:]:
            if b.date - a.date > dt.timedelta(days=1):
                break
            if _related(a, b):
                ra, rb = sorted((find(a.id), find(b.id)))
                parent[rb] = ra
    members: dict[str, list[Incident]] = defaultdict(list)
    for i in ordered:
        members[find(i.id)].append(i)
    for root, group in members.items():
        if len(group) < 2:
            continue
        gid = "grp-" + hashlib.sha1(root.encode("utf-8")).hexdigest()[:12]
        for i in group:
            i.group_id = gid
            i.linked = [{"id": o.id, "date": o.date.isoformat() if o.date else None, "city": o.city,
                         "admin1": o.admin1} for o in group if o is not i]
    return incidents
