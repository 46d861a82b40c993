"""The typed records that flow through the pipeline.

files/feeds -> Article -> Mention (one per incident an article speaks of)
-> Incident (mentions of one real event, fused across articles).

Every extracted value carries Evidence: the article, the character span and
the sentence that says it.  Records are plain dataclasses so each stage can be
tested without a database; ``to_dict``/``from_dict`` give their JSON form.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

ROLES = ("reported", "background")
CLAIM_STATUSES = ("claimed", "praised", "attributed", "blamed", "denied", "disputed")


@dataclass
class Evidence:
    """Where a fact comes from: a span of an article's text and its sentence."""

    field: str
    article_id: str
    start: int
    end: int
    text: str  # the sentence holding the span

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


@dataclass
class Figure:
    """A count as reports give it: "at least 19" is min 19, no max, best 19."""

    min: int | None = None
    max: int | None = None
    best: int | None = None

    @property
    def known(self) -> bool:
        return self.best is not None or self.min is not None or self.max is not None

    def to_dict(self) -> dict:
        return {"min": self.min, "max": self.max, "best": self.best}

    @classmethod
    def from_dict(cls, d: dict | None) -> "Figure":
        d = d or {}
        return cls(d.get("min"), d.get("max"), d.get("best"))


PLAUSIBLE_DATES = (dt.date(1800, 1, 1), dt.date(2200, 12, 31))


@dataclass
class Article:
    id: str
    text: str
    title: str = ""
    url: str | None = None
    published: dt.date | None = None
    published_source: str | None = None  # where the date came from: field, meta, dateline, url
    site: str | None = None
    source: str = ""  # the input it was read from: "path" or "path:line"
    format: str = "text"

    def __post_init__(self) -> None:
        # a publication date at the ends of the calendar ("0001-01-01") is no date: the date arithmetic of
        # extraction and fusion would overflow on it
        if self.published is not None and not PLAUSIBLE_DATES[0] <= self.published <= PLAUSIBLE_DATES[1]:
            self.published, self.published_source = None, None

    def to_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d["published"] = self.published.isoformat() if self.published else None
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Article":
        names = {f.name for f in dataclasses.fields(cls)}
        d = {k: v for k, v in d.items() if k in names}
        d["published"] = dt.date.fromisoformat(d["published"]) if d.get("published") else None
        return cls(**d)


@dataclass
class Claim:
    """One statement of responsibility: who is said to have done it, by whom."""

    actor: str
    status: str  # one of CLAIM_STATUSES
    source: str | None = None
    channel: str | None = None
    verified: str = "unknown"  # "true" | "false" | "unknown"
    hedge: str | None = None
    evidence: Evidence | None = None
    unlisted: bool = False  # the actor is a name the report gives, not a group of data/groups.toml

    def to_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d["evidence"] = self.evidence.to_dict() if self.evidence else None
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Claim":
        ev = d.get("evidence")
        return cls(**{**d, "evidence": Evidence(**ev) if ev else None})


# Lists, exports, timelines and the workbench leave out incidents whose confidence (fuse.confidence) is below
# this, unless told otherwise (--min-confidence).  Chosen on the development corpora's check half: no real
# incident there scores below it, and most of what does is not real (BENCHMARKS.md, the reliability table).
DEFAULT_MIN_CONFIDENCE = 0.4


def lone_undated(record: dict) -> bool:
    """An incident record that one report alone tells, without any date (no day, month or year in its text,
    and no publication date to read "on Sunday" against).  Lists leave these out unless asked: on the
    development corpora they were mostly a report's stray fragment of an attack other reports date.  Two
    reports that agree on an undated attack are kept."""
    if record.get("date"):
        return False
    return len({s["article_id"] for s in record.get("sources") or [] if s.get("role", "reported") == "reported"}) < 2


@dataclass
class Mention:
    """One article's account of one incident."""

    id: str  # "<article_id>#<n>"
    article_id: str
    role: str = "reported"
    date: dt.date | None = None
    date_end: dt.date | None = None
    date_precision: str | None = None  # day | month | year
    country: str | None = None
    admin1: str | None = None
    city: str | None = None
    lat: float | None = None
    lon: float | None = None
    attack_types: list[str] = field(default_factory=list)
    target_types: list[str] = field(default_factory=list)
    weapon_types: list[str] = field(default_factory=list)
    perpetrators: list[str] = field(default_factory=list)
    attackers: list[str] = field(default_factory=list)  # named individuals
    claims: list[Claim] = field(default_factory=list)
    killed: Figure = field(default_factory=Figure)
    killed_perpetrators: Figure = field(default_factory=Figure)
    injured: Figure = field(default_factory=Figure)
    figures: list[dict] = field(default_factory=list)  # every figure the article gives
    date_refs: list[dict] = field(default_factory=list)  # dates the article ties to the attack, as written
    keywords: list[str] = field(default_factory=list)  # names of the venue or target ("Crocus City Hall")
    coordinated: bool = False  # the article calls it one of several coordinated attacks
    name: str | None = None  # a name the article uses, e.g. "Crocus City Hall attack"
    evidence: list[Evidence] = field(default_factory=list)
    published: dt.date | None = None
    url: str | None = None
    # how likely the article tells an attack as news (extract.occurrence); None when no model decided
    occurrence: float | None = None
    # how the report speaks of deaths and injuries where it gives no figure: {"killed": "none"} when it says
    # nobody died, "unmentioned" when none of its sentences about the attack tells of a death
    no_figure: dict[str, str] = field(default_factory=dict)
    # per type section, each category the sentences named, its probability and whether it was kept
    # (extract.what.select): why a type an analyst expected is missing
    type_basis: dict[str, list[dict]] = field(default_factory=dict)

    @property
    def claimed_by(self) -> list[str]:
        seen: list[str] = []
        for c in self.claims:
            if c.status == "claimed" and c.actor not in seen:
                seen.append(c.actor)
        return seen

    def to_dict(self) -> dict:
        d = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        for k in ("date", "date_end", "published"):
            d[k] = d[k].isoformat() if d[k] else None
        for k in ("killed", "killed_perpetrators", "injured"):
            d[k] = d[k].to_dict()
        d["claims"] = [c.to_dict() for c in self.claims]
        d["evidence"] = [e.to_dict() for e in self.evidence]
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Mention":
        d = dict(d)
        for k in ("date", "date_end", "published"):
            d[k] = dt.date.fromisoformat(d[k]) if d.get(k) else None
        for k in ("killed", "killed_perpetrators", "injured"):
            d[k] = Figure.from_dict(d.get(k))
        d["claims"] = [Claim.from_dict(c) for c in d.get("claims") or []]
        d["evidence"] = [Evidence(**e) for e in d.get("evidence") or []]
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in names})


@dataclass
class Source:
    article_id: str
    url: str | None
    published: dt.date | None
    role: str = "reported"  # reported | reference (an article that recalls the incident)
    weight: float = 1.0  # lowered when the source contradicts the others

    def to_dict(self) -> dict:
        return {"article_id": self.article_id, "url": self.url,
                "published": self.published.isoformat() if self.published else None,
                "role": self.role, "weight": self.weight}


@dataclass
class Incident:
    """One real event: the fused view of every mention of it."""

    id: str
    date: dt.date | None = None
    date_end: dt.date | None = None
    date_precision: str | None = None
    country: str | None = None
    admin1: str | None = None
    city: str | None = None
    lat: float | None = None
    lon: float | None = None
    attack_types: list[str] = field(default_factory=list)
    target_types: list[str] = field(default_factory=list)
    weapon_types: list[str] = field(default_factory=list)
    perpetrators: list[str] = field(default_factory=list)
    attackers: list[str] = field(default_factory=list)
    claimed_by: list[str] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    killed: Figure = field(default_factory=Figure)
    killed_perpetrators: Figure = field(default_factory=Figure)
    injured: Figure = field(default_factory=Figure)
    name: str | None = None
    sources: list[Source] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    mention_ids: list[str] = field(default_factory=list)
    conflicts: dict[str, list[dict]] = field(default_factory=dict)
    values: dict[str, list[dict]] = field(default_factory=dict)
    flags: list[dict] = field(default_factory=list)
    group_id: str | None = None
    linked: list[dict] = field(default_factory=list)
    coordinated: bool = False
    # every mention is an article recalling it in passing; no report tells it as news (hidden by default)
    background_only: bool = False
    # how likely this is a real attack, told right (fuse.confidence), and the evidence it was drawn from
    confidence: float | None = None
    confidence_basis: dict[str, float] = field(default_factory=dict)
    # figures no source gave, and the rule each was derived by ({"killed": "..."}), for the dossier and export
    derived: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The export contract (one JSON object per incident)."""
        return {
            "id": self.id,
            "date": self.date.isoformat() if self.date else None,
            "date_end": self.date_end.isoformat() if self.date_end else None,
            "date_precision": self.date_precision,
            "country": self.country,
            "admin1": self.admin1,
            "city": self.city,
            "lat": self.lat,
            "lon": self.lon,
            "attack_types": list(self.attack_types),
            "target_types": list(self.target_types),
            "weapon_types": list(self.weapon_types),
            "perpetrators": list(self.perpetrators),
            "attackers": list(self.attackers),
            "claimed_by": list(self.claimed_by),
            "claims": [c.to_dict() for c in self.claims],
            "killed": self.killed.to_dict(),
            "killed_perpetrators": self.killed_perpetrators.to_dict(),
            "injured": self.injured.to_dict(),
            "name": self.name,
            "sources": [s.to_dict() for s in self.sources],
            "evidence": [e.to_dict() for e in self.evidence],
            "conflicts": self.conflicts,
            "values": self.values,
            "flags": self.flags,
            "group_id": self.group_id,
            "linked": self.linked,
            "background_only": self.background_only,
            "confidence": self.confidence,
            "confidence_basis": self.confidence_basis,
            "derived": self.derived,
        }
