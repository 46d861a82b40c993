"""Militant groups named in text: aliases, branches and their parents.

Group names come from data/groups.toml (edit it to add groups).  "Vilayat
Kavkaz", "Caucasus Province" and "the Islamic State's so-called province in
the Caucasus" are one group, a branch of the Islamic State.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .gazetteer import fold
from .lexicon import load_toml, phrase_pattern


@dataclass
class GroupMention:
    start: int
    end: int
    text: str
    group: str


@dataclass(frozen=True)
class Group:
    name: str
    parent: str | None


@functools.cache
def groups() -> dict[str, Group]:
    return {g["name"]: Group(g["name"], g.get("parent")) for g in load_toml("groups.toml")["group"]}


def _key(text: str) -> str:
    """An alias as the one pattern matches it: case, spaces and hyphens aside ("al-Nusra" = "al Nusra")."""
    return re.sub(r"[\s\-]+", "", text.lower())


@functools.cache
def _alias_patterns() -> list[tuple[re.Pattern, dict[str, str], bool]]:
    """All groups' names as few patterns, each with the table from a matched name to its group: one pattern
    for the names that match ignoring case, one for the `exact` ones, and one per name with a wildcard (a
    pattern per group made every sentence pay for every group)."""
    plain: dict[str, str] = {}
    exact: dict[str, str] = {}
    wild: list[tuple[re.Pattern, dict[str, str], bool]] = []
    for g in load_toml("groups.toml")["group"]:
        for n in list(g.get("aliases", [])) + [g["name"]]:
            if n.strip().endswith("*"):
                wild.append((phrase_pattern([n]), {}, False))
                wild[-1][1][""] = g["name"]
                continue
            for v in {n, n.replace("-", " ")}:  # "al-Nusra" / "al Nusra"; "the Islamic State"
                plain.setdefault(_key(v), g["name"])
        for n in g.get("exact", []):
            exact.setdefault(n, g["name"])
    pats = [(phrase_pattern(list(plain_names())), plain, False)] if plain else []
    if exact:
        pats.append((phrase_pattern(list(exact), case_sensitive=True), exact, True))
    return pats + wild


_WORD = re.compile(r"(?<![\w-])[\w'’-]+")


@functools.cache
def _first_words() -> frozenset[str]:
    """The first words of the names that ignore case, as `_WORD` reads them ("al-nusra", "al", "islamic")."""
    out = set()
    for n in plain_names():
        first = n.strip().lower().split()[0] if n.strip() else ""
        out |= {first, first.split("-", 1)[0], first.replace("-", "")}
    return frozenset(out - {""})


@functools.cache
def plain_names() -> tuple[str, ...]:
    names = []
    for g in load_toml("groups.toml")["group"]:
        for n in list(g.get("aliases", [])) + [g["name"]]:
            if not n.strip().endswith("*"):
                names += [n, n.replace("-", " ")]
    return tuple(names)


def canonical_group(name: str) -> str | None:
    """The group a name refers to, or None: "Vilayat Kavkaz" -> "Islamic State – Caucasus Province"."""
    name = re.sub(r"^\s*the\s+", "", name.strip(), flags=re.I)
    for m in find_groups(name):
        if m.start == 0 and m.end >= len(name) - 1:
            return m.group
    key = fold(name)
    for g in groups():
        if fold(g) == key:
            return g
    return None


def family(name: str) -> str:
    """The top of a group's family: a branch's parent, or itself."""
    seen = set()
    while name in groups() and groups()[name].parent and name not in seen:
        seen.add(name)
        name = groups()[name].parent
    return name


def find_groups(text: str, offset: int = 0) -> list[GroupMention]:
    """Group names in text, longest match winning where they overlap."""
    hits = []
    upper_line = text.isupper() and len(text) > 20  # a headline in capitals, where "IS" is just a word
    starts = _first_words()
    (plain, plain_table, _), *rest = _alias_patterns()
    # the names that ignore case are tried only where a word that begins one stands: one pattern of a
    # thousand alternatives, tried at every position of every sentence, was the cost of extraction
    for w in _WORD.finditer(text):
        word = w.group(0).lower()
        if word in starts or word.split("-", 1)[0] in starts:
            m = plain.match(text, w.start())
            if m and (name := plain_table.get(_key(m.group(0)))):
                hits.append(GroupMention(offset + m.start(), offset + m.end(), m.group(0), name))
    for pat, table, as_written in rest:
        for m in pat.finditer(text):
            if upper_line and m.group(0) == "IS":
                continue
            name = table.get(m.group(0) if as_written else _key(m.group(0))) or table.get("")
            if name:
                hits.append(GroupMention(offset + m.start(), offset + m.end(), m.group(0), name))
    hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
    out: list[GroupMention] = []
    for h in hits:
        if out and h.start < out[-1].end:
            continue
        out.append(h)
    out = [_branch_by_region(h, text, offset) for h in out]
    # "the Vilayat Kavkaz branch of the Islamic State": one mention of the branch, not two groups
    merged: list[GroupMention] = []
    for h in out:
        if merged and _BRANCH_OF.fullmatch(text[merged[-1].end - offset:h.start - offset]) \
                and groups().get(merged[-1].group, Group("", None)).parent:
            prev = merged[-1]
            merged[-1] = GroupMention(prev.start, h.end, text[prev.start - offset:h.end - offset], prev.group)
            continue
        merged.append(h)
    return merged


@functools.cache
def _region_branches() -> list[tuple[re.Pattern, str, str]]:
    """(pattern after the parent's name, parent, branch) for branches that list their regions."""
    out = []
    for g in load_toml("groups.toml")["group"]:
        if g.get("parent") and g.get("regions"):
            regions = "|".join(re.escape(r) for r in sorted(g["regions"], key=len, reverse=True))
            out.append((re.compile(
                r"^(?:\s+group)?(?:['’]s)?(?:\s+(?:so[- ]called|self[- ](?:declared|proclaimed|styled)|local|"
                r"regional|new))*\s*(?:[“\"‘']?(?:province|branch|affiliate|arm|wing|franchise|offshoot|chapter|"
                r"cell|fighters|militants)[”\"’']?\s*)?(?:(?:in|of|for)\s+)?(?:the\s+)?(?:\w+['’]s\s+)?"
                r"(?:North(?:ern)?\s+)?(?:%s)\b" % regions, re.I),
                g["parent"], g["name"]))
    return out


def _branch_by_region(h: GroupMention, text: str, offset: int) -> GroupMention:
    """"the Islamic State group in Afghanistan" is the Khorasan branch, by the regions in groups.toml."""
    after = text[h.end - offset:h.end - offset + 80]
    for pat, parent, branch in _region_branches():
        if h.group == parent:
            m = pat.match(after)
            if m:
                return GroupMention(h.start, h.end + m.end(), text[h.start - offset:h.end - offset + m.end()], branch)
    return h


_BRANCH_OF = re.compile(r"\s+(?:branch|affiliate|wing|arm|offshoot|province|faction|chapter)\s+of\s+(?:the\s+)?", re.I)
