"""The values of an incident that the workbench filters on, one row each, so that a filter is an index
lookup rather than a scan of every incident's JSON."""
from __future__ import annotations

from ..model import lone_undated

FACETS = {"group": ("perpetrators", "claimed_by"), "attack_type": ("attack_types",),
          "target_type": ("target_types",), "weapon_type": ("weapon_types",)}


def facet_rows(incident_id: str, data: dict) -> list[dict]:
    rows: set[tuple[str, str]] = set()
    for facet, keys in FACETS.items():
        for key in keys:
            for value in data.get(key) or []:
                if value:
                    rows.add((facet, str(value)[:200]))
    rows.add(("claimed", "yes" if data.get("claimed_by") else "no"))
    if data.get("background_only"):
        rows.add(("background", "only"))
    if lone_undated(data):
        rows.add(("date", "none"))
    if data.get("not_an_attack"):
        rows.add(("review", "not_an_attack"))
    return [{"incident_id": incident_id, "facet": f, "value": v} for f, v in sorted(rows)]


def perpetrator(data: dict) -> str | None:
    """The one group an incident is filed under in charts: its perpetrator, else who claimed it."""
    for key in ("perpetrators", "claimed_by"):
        if data.get(key):
            return str(data[key][0])[:200]
    return None
