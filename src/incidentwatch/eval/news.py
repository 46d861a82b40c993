"""Scoring exported incidents against gold news events, with the rules of the shared news scorer.

An incident matches a gold event when its date lies within the event's days (a day of
slack either way) and its place agrees (city, else region, else country); an undated
incident matches the event most of its source articles report.  Per event: found or
not, extra incidents beyond its number of sites, and the share of slots right (date,
city, country, type sets by F1, perpetrator and claimant families, killed within 25%
and injured within 35% of the final or the highest reported figure, or one person).
Distractor articles give the false-alarm rate; the combined figure is
score x (1 - false-alarm rate) / (1 + extra per event).
"""
from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections import Counter, defaultdict
from difflib import SequenceMatcher
from pathlib import Path

_COUNTRY_NAMES = {"russian federation": "russia", "uk": "united kingdom", "great britain": "united kingdom",
                  "britain": "united kingdom", "england": "united kingdom", "usa": "united states",
                  "us": "united states", "united states of america": "united states", "turkiye": "turkey",
                  "islamic republic of iran": "iran", "republic of turkey": "turkey",
                  "dr congo": "democratic republic of the congo", "drc": "democratic republic of the congo",
                  "democratic republic of congo": "democratic republic of the congo",
                  "congo kinshasa": "democratic republic of the congo", "the philippines": "philippines",
                  "burkina": "burkina faso", "the gambia": "gambia", "ivory coast": "cote d ivoire",
                  "myanmar burma": "myanmar", "burma": "myanmar"}
# a branch counts as its family: (family, the names that belong to it), first match wins
_FAMILIES = [
    ("islamic state", r"islamic state|isis|isil|daesh|is|is k|iskp|khorasan province|caucasus province|"
                      r"wilayat kavkaz|vilayat kavkaz|sinai province|iswap|iswa|west africa province|isgs|"
                      r"greater sahara|sahel province|(al ?)?barnawi|mozambique province|pakistan province|"
                      r"wilayat sinai|province of sinai|ansar bait al maqdis|ansar beit al maqdis"),
    ("caucasus emirate", r"caucasus emirate|imarat kavkaz"),
    ("pakistani taliban", r"tehrik i taliban|tehreek e taliban|tehrik e taliban|ttp|pakistani taliban|jamaat ul ahrar"),
    ("taliban", r"taliban|islamic emirate of afghanistan"),
    ("kurdistan workers party", r"pkk|kurdistan workers party|partiya karkeren kurdistane|hpg|people s defence forces|"
                                r"tak|kurdistan freedom (falcons|hawks)"),
    ("al shabaab", r"al shabaab|al shabab|shabaab|shabab|shebab|harakat al shabaab"),
    ("boko haram", r"boko haram|jas|jama atu ahlis sunna|jamaat ahl as sunnah"),
    ("baloch liberation army", r"bla|bal[ou]ch(istan)? liberation army|majeed brigade"),
    ("new people s army", r"npa|new people s army|cpp npa"),
    ("communist party of india maoist", r"cpi maoist|cpi m|maoists?|naxal\w*|communist party of india"),
    ("abu sayyaf", r"abu sayy?aff?|asg"),
    ("mujahideen indonesia timur", r"mit|mujahidin indonesia timur|east(ern)? indonesia mujahid(ee|i|e)n|santoso|"
                                   r"ali kalora"),
    ("shining path", r"shining path|sendero luminoso|mpcp|militari[sz]ado partido comunista|"
                     r"militari[sz]ed communist party of peru|communist party of peru|quispe palomino"),
    ("niger delta avengers", r"niger delta avengers|nda"),
    ("macina liberation front", r"katiba macina|macina liberation front|front de liberation du macina|flm"),
    ("national liberation army", r"eln|national liberation army|ejercito de liberacion nacional|northern war front|"
                                 r"frente de guerra norte"),
    ("allied democratic forces", r"adf|allied democratic forces|adf nalu|iscap|central africa province"),
    ("jnim", r"jnim|gsim|support group for islam and muslims|jama a?t nus?s?r al islam"),
    ("al qaeda", r"al qaeda|al qaida|aqap|aqim|al nusra|nusra front|al mourabitoun|al murabitun|al mulathameen|"
                 r"belmokhtar|(al )?m[ou]{1,2}rabit[ou]{1,2}n"),
    ("hamas", r"hamas|qassam"),
    ("kata ib hezbollah", r"kata ?ib hezbollah|kataib hezbollah|kh"),
    ("hezbollah", r"hezbollah|hizbollah|hizballah"),
    ("islamic renaissance party of tajikistan", r"irpt|islamic (renaissance|revival) party"),
    ("jaish al adl", r"jaish al adl|jaish ul adl|army of justice"),
    ("new ira", r"new ira|new irish republican army|nira|dissident republicans?|irish republican army|ira"),
    ("revolutionary struggle", r"revolutionary struggle|epanastatikos agonas"),
    ("jund al khilafah", r"jund al khilafah?|jund al khalifa\w*|djund al khalifat|soldiers of the caliphate"),
]
_FAMILY_RES = [(name, re.compile(rf"\b(?:{pat})\b")) for name, pat in _FAMILIES]
_KNOWN_FAMILIES = {name for name, _ in _FAMILIES}
# words set aside before two names are compared ("Abu Sayyaf militants", "the ELN rebel group")
_GENERIC = re.compile(r"\b(?:the|group|groups|militants?|militia|terrorists?|insurgents?|fighters?|rebels?|"
                      r"jihadists?|guerrillas?|organi[sz]ation|movement|network|faction)\b")
_NO_GROUP = re.compile(r"\b(?:unknown|unidentified|none|lone|no group|individual)\b")


def fold(s) -> str:
    s = unicodedata.normalize("NFKD", str(s or "")).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9 ]", " ", s.lower()).split())


def _same_name(a, b) -> bool:
    a, b = fold(a), fold(b)
    if not a or not b:
        return False
    wa, wb = set(a.split()), set(b.split())
    return a == b or wa <= wb or wb <= wa or SequenceMatcher(None, a, b).ratio() >= 0.85


def _country(s) -> str:
    s = fold(s)
    return _COUNTRY_NAMES.get(s, s)


def _family(name) -> str | None:
    """A group's family (a branch counts as its parent), else its name without generic words."""
    n = fold(name)
    if not n or _NO_GROUP.search(n):
        return None
    fam = next((fam for fam, rx in _FAMILY_RES if rx.search(n)), None)
    return fam or " ".join(_GENERIC.sub(" ", n).split()) or None


def _groups_agree(a, b) -> bool:
    """A family or name in a is one in b: known families by identity, other names as places are compared."""
    return any(x == y or (not {x, y} & _KNOWN_FAMILIES and _same_name(x, y)) for x in a for y in b)


def _number(v):
    if isinstance(v, dict):
        return next((v[k] for k in ("best", "max", "min") if isinstance(v.get(k), (int, float))), None)
    return v if isinstance(v, (int, float)) else None


def _day(s):
    try:
        return dt.date.fromisoformat(str(s)[:10])
    except (TypeError, ValueError):
        return None


def _source_ids(inc) -> list:
    return [s.get("article_id") if isinstance(s, dict) else s for s in inc.get("sources") or []]


def _set_f1(found, gold) -> float | None:
    f = {fold(t) for t in found or [] if fold(t) and fold(t) != "unknown"}
    g = {fold(t) for t in gold or [] if fold(t) and fold(t) != "unknown"}
    if not g:
        return None
    hit = len(f & g)
    return 2 * hit / (len(f) + len(g)) if hit else 0.0


def _place_fit(inc, ev) -> int:
    """How well an incident's place fits an event: 3 its city, 2 its region, 1 its country, 0 not at all."""
    if inc.get("city") and any(_same_name(inc["city"], c) for c in ev.get("cities") or []):
        return 3
    if inc.get("admin1") and ev.get("admin1") and _same_name(inc["admin1"], ev["admin1"]):
        return 2
    if inc.get("city") or inc.get("admin1"):
        return int(not ev.get("cities") and _country(inc.get("country")) == _country(ev.get("country")))
    return int(bool(inc.get("country")) and _country(inc["country"]) == _country(ev.get("country")))


def _assign(incidents, gold, article_events):
    """Each incident to the event in its days whose place it fits best (undated: the event most of its
    sources report)."""
    matched = defaultdict(list)
    for inc in incidents:
        d = _day(inc.get("date"))
        votes = Counter(e for a in _source_ids(inc) for e in article_events.get(a, ()))
        best, best_fit = None, 0
        for ev in gold:
            lo, hi = _day(ev["date"]), _day(ev.get("date_end") or ev["date"])
            if d is not None:
                ok = lo - dt.timedelta(days=1) <= d <= hi + dt.timedelta(days=1)
            else:
                ok = bool(votes) and votes[ev["event"]] == max(votes.values())
            fit = _place_fit(inc, ev) if ok else 0
            if fit > best_fit:
                best, best_fit = ev, fit
        if best is not None:
            matched[best["event"]].append(inc)
    return matched


def grouping(articles, incidents) -> dict:
    """B-cubed precision, recall and F1 of how news reports were grouped into incidents (a report in no
    incident is a group of its own; roundups are left out; a report in several incidents counts in its largest)."""
    truth = {a["id"]: a["event"] for a in articles if a.get("event") and not a.get("events")}
    if not truth:
        return {"precision": None, "recall": None, "f1": None}
    groups = [ids for ids in ({*_source_ids(inc)} & truth.keys() for inc in incidents) if ids]
    placed = {}
    for g in sorted(groups, key=len, reverse=True):
        for a in g:
            placed.setdefault(a, g)
    size = Counter(truth.values())
    p = r = 0.0
    for a, e in truth.items():
        g = placed.get(a, {a})
        same = sum(1 for b in g if truth[b] == e)
        p, r = p + same / len(g), r + same / size[e]
    p, r = p / len(truth), r / len(truth)
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def _close(estimate, gold, share) -> bool:
    return estimate is not None and abs(estimate - gold) <= max(1, share * gold)


def _estimates(incs, key):
    main = max(incs, key=lambda i: len(i.get("sources") or []))
    by_place = {}
    for i in incs:
        v = _number(i.get(key))
        if v is not None:
            place = fold(i.get("city") or i.get("admin1") or "")
            by_place[place] = max(by_place.get(place, 0), v)
    return _number(main.get(key)), (sum(by_place.values()) if by_place else None)


def _score_event(ev, incs) -> dict:
    if not incs:
        return {"found": False, "extra": 0, "slots": {}, "score": 0.0}
    slots = {}
    main = max(incs, key=lambda i: len(i.get("sources") or []))
    lo, hi = _day(ev["date"]), _day(ev.get("date_end") or ev["date"])
    d = _day(main.get("date"))
    slots["date"] = float(d is not None and lo <= d <= hi)
    if ev.get("cities"):
        slots["city"] = float(any(_same_name(i.get("city"), c) for i in incs for c in ev["cities"]))
    slots["country"] = float(_country(main.get("country")) == _country(ev.get("country")))
    for key in ("attack_types", "target_types", "weapon_types"):
        f = _set_f1({t for i in incs for t in i.get(key) or []}, ev.get(key))
        if f is not None:
            slots[key] = f
    named = ev.get("perpetrator_groups") or []
    gold_groups = {_family(g) for g in named} - {None}
    none_ok = not gold_groups or any(_family(g) is None for g in named)
    found_groups = {_family(g) for i in incs for g in i.get("perpetrators") or []} - {None}
    slots["perpetrator"] = float(_groups_agree(gold_groups, found_groups) or (none_ok and not found_groups))
    gold_claim = {_family(g) for g in ev.get("claimed_by") or []} - {None}
    found_claim = {_family(g) for i in incs for g in i.get("claimed_by") or []} - {None}
    slots["claimed_by"] = float(_groups_agree(gold_claim, found_claim) if gold_claim else not found_claim)
    for key, gkey, share in (("killed", "killed_victims", 0.25), ("injured", "injured", 0.35)):
        targets = [g for g in (ev.get(gkey), ev.get(gkey + "_seen")) if isinstance(g, (int, float))]
        if targets:
            a, b = _estimates(incs, key)
            slots[key] = float(any(_close(a, g, share) or _close(b, g, share) for g in targets))
    extra = max(0, len(incs) - max(1, int(ev.get("subevents") or 1)))
    return {"found": True, "extra": extra, "slots": slots, "score": sum(slots.values()) / len(slots)}


def evaluate(gold: list[dict], articles: list[dict], incidents: list[dict]) -> dict:
    # a roundup counts for each event it lists
    article_events = {a["id"]: a.get("events") or ([a["event"]] if a.get("event") else []) for a in articles}
    distractors = {a["id"] for a in articles if a.get("kind") == "distractor"}
    matched = _assign(incidents, gold, article_events)
    per_event = {ev["event"]: _score_event(ev, matched.get(ev["event"], [])) for ev in gold}
    alarms = set()
    for inc in incidents:
        srcs = set(_source_ids(inc))
        if srcs and srcs <= distractors:
            alarms |= srcs
    by_slot = defaultdict(list)
    for r in per_event.values():
        for k, v in (r["slots"] if r["found"] else {}).items():
            by_slot[k].append(v)
    n = len(gold) or 1
    score = sum(r["score"] for r in per_event.values()) / n
    extra = sum(r["extra"] for r in per_event.values()) / n
    far = len(alarms) / (len(distractors) or 1)
    return {"events": len(gold), "found": sum(r["found"] for r in per_event.values()) / n, "score": score,
            "extra_incidents_per_event": extra, "distractor_false_alarm_rate": far,
            "combined": score * (1 - far) / (1 + extra),
            "slots": {k: sum(v) / len(v) for k, v in sorted(by_slot.items())},
            "grouping": grouping(articles, incidents), "per_event": per_event, "incidents": len(incidents)}


def read_jsonl(path: str | Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def format_report(rep: dict) -> str:
    lines = []
    for ev, r in rep["per_event"].items():
        slots = " ".join(f"{k}={v:.2f}" for k, v in r["slots"].items())
        lines.append(f"{ev:24s} found={int(r['found'])} extra={r['extra']} score={r['score']:.2f} {slots}")
    lines.append("slot accuracy (over found events): " + " ".join(f"{k}={v:.2f}" for k, v in rep["slots"].items()))
    lines.append(f"incidents={rep['incidents']} found={rep['found']:.2f} "
                 f"extra/event={rep['extra_incidents_per_event']:.2f} "
                 f"false-alarm rate={rep['distractor_false_alarm_rate']:.2f}")
    g = rep.get("grouping") or {}
    if g.get("f1") is not None:
        lines.append(f"grouping of reports (B-cubed): precision={g['precision']:.2f} recall={g['recall']:.2f} "
                     f"f1={g['f1']:.2f}")
    lines.append(f"combined {rep['combined']:.3f} = score x (1 - false-alarm rate) / (1 + extra/event)")
    lines.append(f"news score {rep['score']:.3f} (mean slot accuracy over {rep['events']} gold events, "
                 f"missed events count 0)")
    return "\n".join(lines)
