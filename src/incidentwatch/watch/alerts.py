"""Which changes to which incidents alert whom: an incident compared with how it was last seen, and
the rules that match the change.  Plain functions over export records (dicts), no I/O."""
from __future__ import annotations

import json

from rapidfuzz import fuzz

from ..extract.actors import canonical_group, family
from ..extract.gazetteer import fold
from .config import Rule
from .sources import report_of


def snapshot(record: dict) -> dict:
    """What a change is told from: tolls, claimants, contradicted fields."""
    return {"killed": (record.get("killed") or {}).get("best"),
            "injured": (record.get("injured") or {}).get("best"),
            "claimed_by": sorted(record.get("claimed_by") or []),
            "conflicts": contradicted(record)}


def contradicted(record: dict) -> list[str]:
    """The fields on which sources disagree, each report counted in its latest version only: an outlet
    revising its own toll is a revision (a "toll" change), not a contradiction."""
    out = []
    for field_, values in (record.get("conflicts") or {}).items():
        latest: dict[str, tuple[int, object]] = {}
        for v in values:
            report, n = report_of(str(v.get("article_id")))
            if report not in latest or n > latest[report][0]:
                latest[report] = (n, json.dumps(v.get("value"), sort_keys=True, default=str))
        if len({value for _, value in latest.values()}) > 1:
            out.append(field_)
    return sorted(out)


def previous(record: dict, seen: dict[str, dict]) -> dict | None:
    """How the incident looked when last seen: the state of its mentions seen before (when two seen
    incidents have since merged, the one with more reports)."""
    states = [seen[m] for m in record.get("mention_ids") or [] if seen.get(m)]
    if not states:
        return None
    return max(states, key=lambda s: s.get("reports", 0))


def changes(record: dict, before: dict | None) -> list[tuple[str, str]]:
    """(change, what is new) for each way the incident differs from `before`."""
    now = snapshot(record)
    if before is None:
        return [("new", "new incident")]
    out = []
    claimed = [g for g in now["claimed_by"] if g not in before.get("claimed_by", [])]
    if claimed:
        out.append(("claimed", f"now claimed by {', '.join(claimed)}"))
    moved = [f"{field} {before.get(field) if before.get(field) is not None else 'unknown'} → {now[field]}"
             for field in ("killed", "injured") if now[field] is not None and before.get(field) != now[field]]
    if moved:
        out.append(("toll", ", ".join(moved)))
    contradicted = [f for f in now["conflicts"] if f not in before.get("conflicts", [])]
    if contradicted:
        out.append(("contradiction", f"sources now disagree on {', '.join(contradicted)}"))
    return out


def same_name(a: str, b: str) -> bool:
    """Do two spellings name the same place?  Rules are written by people ("Ingushetia", "Stavropol
    Krai"), records carry GeoNames names ("Ingushetiya", "Stavropol'skiy")."""
    fa, fb = fold(a), fold(b)
    if not fa or not fb:
        return False
    if fa == fb or fuzz.ratio(fa, fb) >= 85:
        return True
    short, long_ = sorted((fa, fb), key=len)
    if len(short) >= 8 and long_.startswith(short):  # "north ossetia" of "north ossetia alania"
        return True
    ta, tb = fa.split()[0], fb.split()[0]  # "stavropol krai" and "stavropolskiy"
    return min(len(ta), len(tb)) >= 6 and (ta.startswith(tb) or tb.startswith(ta))


def _any(wanted: list[str], have: list[str | None]) -> bool:
    return any(h and same_name(w, h) for w in wanted for h in have)


def matches(rule: Rule, record: dict, change: str, what: str, before: dict | None) -> str | None:
    """Why the rule fires on this change ("country Russia, killed 7 ≥ 1"), or None."""
    if change not in rule.on:
        return None
    why = []
    if rule.country:
        if not _any(rule.country, [record.get("country")]):
            return None
        why.append(f"country {record.get('country')}")
    if rule.region:
        if not _any(rule.region, [record.get("admin1"), record.get("city")]):
            return None
        why.append(f"region {record.get('admin1') or record.get('city')}")
    if rule.group:
        actors = set(record.get("perpetrators") or []) | set(record.get("claimed_by") or [])
        names = {canonical_group(g) or g for g in rule.group}
        hit = [a for a in actors if a in names or family(a) in names]
        if not hit:
            return None
        why.append(f"group {', '.join(sorted(hit))}")
    if rule.attack_type:
        if not _any(rule.attack_type, record.get("attack_types") or []):
            return None
        why.append(f"attack {', '.join(record.get('attack_types') or [])}")
    killed = (record.get("killed") or {}).get("best")
    if rule.min_killed is not None:
        if killed is None or killed < rule.min_killed:
            return None
        why.append(f"killed {killed} ≥ {rule.min_killed}")
    if change == "toll" and before is not None:
        moved = max(abs((snapshot(record)[f] or 0) - (before.get(f) or 0)) for f in ("killed", "injured"))
        if moved < rule.toll_change:
            return None
        why.append(f"toll moved by {moved} ≥ {rule.toll_change}")
    return "; ".join(why) or "every incident"


def headline(record: dict) -> str:
    """One line naming the incident: date, place, attack, toll, claim."""
    place = ", ".join(x for x in (record.get("city"), record.get("admin1"), record.get("country")) if x)
    parts = [record.get("date") or "date unknown", place or "place unknown"]
    if record.get("attack_types"):
        parts.append("/".join(record["attack_types"]))
    killed, injured = (record.get("killed") or {}).get("best"), (record.get("injured") or {}).get("best")
    if killed is not None or injured is not None:
        parts.append(f"{killed if killed is not None else '?'} killed, {injured if injured is not None else '?'} injured")
    if record.get("claimed_by"):
        parts.append("claimed by " + ", ".join(record["claimed_by"]))
    elif record.get("perpetrators"):
        parts.append("attributed to " + ", ".join(record["perpetrators"]))
    return " — ".join(parts)


def alerts_for(records: list[dict], seen: dict[str, dict], rules: list[Rule]) -> tuple[list[dict], dict[str, dict]]:
    """The alerts these incidents' changes raise, and the state to remember for their mentions."""
    out: list[dict] = []
    remember: dict[str, dict] = {}
    for rec in records:
        before = previous(rec, seen)
        for change, what in changes(rec, before):
            for rule in rules:
                why = matches(rule, rec, change, what, before)
                if why is None:
                    continue
                text = f"[{rule.name}] {change.upper()}: {headline(rec)} ({what}; matched: {why})"
                out.append({"rule": rule.name, "incident_id": rec["id"], "change": change, "text": text,
                            "payload": {"rule": rule.name, "change": change, "what": what, "why": why,
                                        "headline": headline(rec), "incident": _brief(rec)}})
        state = {**snapshot(rec), "reports": len(rec.get("mention_ids") or [])}
        remember.update({m: state for m in rec.get("mention_ids") or []})
    return out, remember


def _brief(rec: dict) -> dict:
    keys = ("id", "date", "country", "admin1", "city", "attack_types", "target_types", "perpetrators",
            "claimed_by", "killed", "injured", "conflicts")
    return {k: rec.get(k) for k in keys} | {"sources": [s.get("url") or s.get("article_id")
                                                          for s in rec.get("sources") or []]}
