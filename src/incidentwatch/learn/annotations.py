"""Annotated documents for training: text, labelled role spans, and incident types.

The first reader is for MUC-4 in GTT's processed form (one JSON object a line:
docid, doctext, templates with role entities as [mention, offset] pairs); a
user's own annotations use the same shape, so `incidentwatch train` reads both.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

ROLE_LABELS = {"PerpInd": "PERP_IND", "PerpOrg": "PERP_ORG", "Target": "TARGET", "Victim": "VICTIM",
               "Weapon": "WEAPON"}
LABEL_ROLES = {v: k for k, v in ROLE_LABELS.items()}
NO_INCIDENT = "none"


@dataclass
class Annotated:
    id: str
    text: str
    spans: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, label)
    types: list[str] = field(default_factory=list)  # incident types, one per template
    templates: list[dict] = field(default_factory=list)

    @property
    def doc_type(self) -> str:
        """The document's class for the type classifier: its first incident's type, or none."""
        if not self.types:
            return NO_INCIDENT
        first = self.types[0].split("/")[0].strip()
        return first or NO_INCIDENT


def _occurrences(text: str, mention: str):
    """Every whole-word occurrence of a mention in the text."""
    for m in re.finditer(r"(?<!\w)" + re.escape(mention) + r"(?!\w)", text):
        yield m.start(), m.end()


def from_record(rec: dict, every_occurrence: bool = True) -> Annotated:
    """An annotated document from a record.  Annotations mark one occurrence of each mention (MUC-4's mark
    the first); with `every_occurrence`, the later ones are labelled too, so that a tagger is not taught
    that the same words in the same document are a role filler once and nothing the next time."""
    text = rec.get("doctext") or rec.get("text") or ""
    spans: set[tuple[int, int, str]] = set()
    types = []
    for t in rec.get("templates") or []:
        types.append(t.get("incident_type") or "attack")
        for role, label in ROLE_LABELS.items():
            for ent in t.get(role) or []:
                for mention in ent:
                    if isinstance(mention, list) and len(mention) == 2 and isinstance(mention[1], int):
                        s, m = mention[1], mention[0]
                        if text[s:s + len(m)] == m:
                            spans.add((s, s + len(m), label))
                        if every_occurrence and m.strip():
                            spans.update((a, b, label) for a, b in _occurrences(text, m))
    # overlapping spans: keep the longer (a tagger labels each token once)
    kept: list[tuple[int, int, str]] = []
    for s in sorted(spans, key=lambda x: (-(x[1] - x[0]), x[0])):
        if all(s[1] <= k[0] or s[0] >= k[1] for k in kept):
            kept.append(s)
    return Annotated(str(rec.get("docid") or rec.get("id")), text, sorted(kept), types, rec.get("templates") or [])


def read(path: str | Path, every_occurrence: bool = True) -> list[Annotated]:
    with open(path, encoding="utf-8") as f:
        return [from_record(json.loads(line), every_occurrence) for line in f if line.strip()]
