"""MUC-4 template scoring with the template-level metric of GTT (Du, Rush & Cardie 2021).

For each document, predicted templates are matched one-to-one to gold templates
(or to nothing) in the way that maximises micro F1.  A matched pair counts only
when the predicted incident type is contained in the gold one ("bombing" fits
"bombing / attack").  A predicted entity (a list of mention strings) is right
when every one of its mentions is a mention of a single gold entity in the same
role.  Counts are summed over documents, then over the incident type and the
five roles for the micro average.  Mentions are compared lower-cased, without
punctuation or articles.
"""
from __future__ import annotations

import itertools
import json
import re
import string
from dataclasses import dataclass, field
from pathlib import Path

ROLES = ("PerpInd", "PerpOrg", "Target", "Victim", "Weapon")
SLOTS = ("incident_type",) + ROLES
EXHAUSTIVE_LIMIT = 200_000
_DROP_PUNCT = str.maketrans("", "", string.punctuation)
_ARTICLE = re.compile(r"\b(?:a|an|the)\b")


def normalise(mention: str) -> str:
    return " ".join(_ARTICLE.sub(" ", str(mention).lower().translate(_DROP_PUNCT)).split())


@dataclass
class Counts:
    """Precision numerator/denominator and recall numerator/denominator for one slot."""

    pn: int = 0
    pd: int = 0
    rn: int = 0
    rd: int = 0

    def add(self, other: "Counts") -> None:
        self.pn += other.pn
        self.pd += other.pd
        self.rn += other.rn
        self.rd += other.rd

    def prf(self) -> tuple[float, float, float]:
        p = self.pn / self.pd if self.pd else 0.0
        r = self.rn / self.rd if self.rd else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


@dataclass
class DocCounts:
    slots: dict[str, Counts] = field(default_factory=lambda: {s: Counts() for s in SLOTS})

    def total(self) -> Counts:
        t = Counts()
        for c in self.slots.values():
            t.add(c)
        return t

    def f1(self) -> float:
        return self.total().prf()[2]


def normalised_template(raw: dict, gold: bool) -> dict:
    """A template in the form scoring compares: incident type, and each role as lists of normalised mentions."""
    t = {"incident_type": raw.get("incident_type") if isinstance(raw.get("incident_type"), str) else "attack"}
    for role in ROLES:
        ents = []
        for ent in raw.get(role) or []:
            if not ent:
                continue
            mentions = ent if isinstance(ent, list) else [ent]
            # gold mentions come as [string, offset]; predictions as plain strings
            ents.append([normalise(m[0] if gold and isinstance(m, list) else m) for m in mentions])
        t[role] = ents
    return t


def read_gold(path: str | Path) -> dict[str, list[dict]]:
    gold: dict[str, list[dict]] = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                doc = json.loads(line)
                templates: list[dict] = []
                for raw in doc.get("templates") or []:
                    t = normalised_template(raw, gold=True)
                    if t not in templates:
                        templates.append(t)
                gold[doc["docid"]] = templates
    return gold


def gtt_numeric(docid: str) -> str:
    """GTT's numeric form of a MUC-4 id: TST3-MUC4-0001 -> 30001."""
    head, *_, tail = docid.split("-")
    return str(int(head[-1]) * 10000 + int(tail))


def read_predictions(path: str | Path, gold_ids: set[str]) -> dict[str, list[dict]]:
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    numeric = {gtt_numeric(d): d for d in gold_ids}
    out: dict[str, list[dict]] = {}
    for key, value in raw.items():
        docid = key if key in gold_ids else numeric.get(str(key))
        if docid is None:
            continue
        templates = value.get("pred_templates", []) if isinstance(value, dict) else value
        out[docid] = [normalised_template(t, gold=False) for t in templates]
    return out


def _pair_counts(mapping: dict[int, int], pred: list[dict], gold: list[dict]) -> DocCounts:
    dc = DocCounts()
    used_p, used_g = set(), set()
    for pi, gi in mapping.items():
        if gi < 0 or pred[pi]["incident_type"] not in gold[gi]["incident_type"]:
            continue
        used_p.add(pi)
        used_g.add(gi)
        c = dc.slots["incident_type"]
        c.pn, c.pd, c.rn, c.rd = c.pn + 1, c.pd + 1, c.rn + 1, c.rd + 1
        for role in ROLES:
            p_ents, g_ents = pred[pi][role], gold[gi][role]
            slot = dc.slots[role]
            slot.pd += len(p_ents)
            slot.pn += sum(1 for pe in p_ents if any(set(pe) <= set(ge) for ge in g_ents))
            slot.rd += len(g_ents)
            slot.rn += sum(1 for ge in g_ents if any(set(pe) <= set(ge) for pe in p_ents))
    for pi, t in enumerate(pred):
        if pi not in used_p:
            dc.slots["incident_type"].pd += 1
            for role in ROLES:
                dc.slots[role].pd += len(t[role])
    for gi, t in enumerate(gold):
        if gi not in used_g:
            dc.slots["incident_type"].rd += 1
            for role in ROLES:
                dc.slots[role].rd += len(t[role])
    return dc


def _candidate_mappings(n_pred: int, n_gold: int):
    choices = list(range(n_gold)) + [-1]
    if (n_gold + 1) ** n_pred > EXHAUSTIVE_LIMIT:
        return None
    maps = []
    for combo in itertools.product(choices, repeat=n_pred):
        taken = [g for g in combo if g >= 0]
        if len(taken) == len(set(taken)):
            maps.append(dict(enumerate(combo)))
    return maps


def _greedy_mapping(pred: list[dict], gold: list[dict]) -> dict[int, int]:
    mapping: dict[int, int] = {}
    free = set(range(len(gold)))
    for pi in range(len(pred)):
        best, best_f = -1, -1.0
        for gi in sorted(free):
            f = _pair_counts({0: gi}, [pred[pi]], gold).f1()
            if f > best_f:
                best, best_f = gi, f
        mapping[pi] = best
        free.discard(best)
    return mapping


def score_document(pred: list[dict], gold: list[dict]) -> DocCounts:
    maps = _candidate_mappings(len(pred), len(gold))
    if maps is None:
        maps = [_greedy_mapping(pred, gold)]
    best = None
    for m in maps or [{}]:
        dc = _pair_counts(m, pred, gold)
        if best is None or dc.f1() > best.f1():
            best = dc
    return best


def evaluate(pred: dict[str, list[dict]], gold: dict[str, list[dict]]) -> dict[str, dict[str, float]]:
    total = DocCounts()
    for docid, g in gold.items():
        dc = score_document(pred.get(docid, []), g)
        for s in SLOTS:
            total.slots[s].add(dc.slots[s])
    report = {}
    for s in SLOTS:
        p, r, f = total.slots[s].prf()
        report[s] = {"p": p, "r": r, "f1": f}
    p, r, f = total.total().prf()
    report["micro_avg"] = {"p": p, "r": r, "f1": f}
    return report


def format_report(report: dict[str, dict[str, float]]) -> str:
    return "\n".join(f"{k:14s} P {100 * v['p']:6.2f}  R {100 * v['r']:6.2f}  F1 {100 * v['f1']:6.2f}"
                     for k, v in report.items())
