"""Analysts' corrections applied to incident records: a pure function over dicts, so that the store,
the exports and the web show the same corrected record.

A correction replaces one field's value; the machine's value stays beside it (in `review`), with who
corrected it and when.  A confirmation records that an analyst checked the machine's value.
"""
from __future__ import annotations

import datetime as dt

# fields an analyst may correct, and how a typed-in value becomes the record's value
LIST_FIELDS = ("attack_types", "target_types", "weapon_types", "perpetrators", "claimed_by", "attackers")
FIGURE_FIELDS = ("killed", "injured")
TEXT_FIELDS = ("country", "admin1", "city", "name")
DATE_FIELDS = ("date",)
FIELDS = DATE_FIELDS + TEXT_FIELDS + FIGURE_FIELDS + LIST_FIELDS


# an analyst's verdict that an incident is no attack (a drill, a crime, a misread story): it leaves every list
# and export, now and after re-ingest or `reextract`; RESTORE takes the verdict back
NOT_AN_ATTACK = "not_an_attack"
RESTORE = "restore"
VERDICTS = (NOT_AN_ATTACK, RESTORE)


class InvalidCorrection(ValueError):
    pass


def parse_value(field: str, raw: str):
    """The record value for a typed-in correction; InvalidCorrection says why not."""
    raw = (raw or "").strip()
    if field not in FIELDS:
        raise InvalidCorrection(f"{field!r} cannot be corrected (fields: {', '.join(FIELDS)})")
    if field in DATE_FIELDS:
        try:
            return dt.date.fromisoformat(raw).isoformat() if raw else None
        except ValueError:
            raise InvalidCorrection(f"{raw!r} is not a date (YYYY-MM-DD)") from None
    if field in FIGURE_FIELDS:
        if not raw:
            return {"min": None, "max": None, "best": None}
        if not (raw.isascii() and raw.isdecimal()):
            raise InvalidCorrection(f"{raw!r} is not a whole number")
        n = int(raw)
        return {"min": n, "max": n, "best": n}
    if field in LIST_FIELDS:
        return [v.strip() for v in raw.split(",") if v.strip()]
    return raw or None


def reviewer_name(name: str) -> str:
    """The reviewer's name as stored; InvalidCorrection if there is none."""
    if not (name or "").strip():
        raise InvalidCorrection("a reviewer name is required")
    return name.strip()


def anchor(record: dict) -> str | None:
    """The incident's first mention: it stays in the incident when re-ingest re-fuses it."""
    ids = record.get("mention_ids") or []
    return min(ids) if ids else None


def apply(record: dict, corrections: list[dict]) -> dict:
    """The record with its corrections applied, oldest first (the latest correction of a field wins), and a
    `review` list of what was done."""
    if not corrections:
        return record
    out = dict(record)
    review = []
    for c in sorted(corrections, key=lambda c: (str(c["created_at"]), c.get("id") or 0)):
        if c["action"] == "correct" and c.get("field") in FIELDS:
            out[c["field"]] = c["value"]
        elif c["action"] == NOT_AN_ATTACK:
            out["not_an_attack"] = {"reviewer": c["reviewer"], "note": c.get("note"), "at": str(c["created_at"])}
        elif c["action"] == RESTORE:
            out.pop("not_an_attack", None)
        review.append({"action": c["action"], "field": c.get("field"), "value": c.get("value"),
                       "machine_value": c.get("machine_value"), "reviewer": c["reviewer"],
                       "note": c.get("note"), "at": str(c["created_at"])})
    out["review"] = review
    return out
