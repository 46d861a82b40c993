"""Counts as news writes them: digits, words, and vague quantities, with qualifiers."""
from __future__ import annotations

import re

from ..model import Figure

UNITS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen".split())}
TENS = {w: 10 * i for i, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()) if w != "_"}
# vague quantities become a lower bound (the GTD reading of "dozens" is at least 24)
VAGUE = {"a dozen": (12, 12), "dozen": (12, 12), "dozens": (24, None), "dozens of": (24, None),
         "scores": (40, None), "scores of": (40, None), "hundreds": (200, None), "hundreds of": (200, None),
         "several": (3, None), "a few": (2, None), "a handful": (3, None), "a couple of": (2, 2),
         "a number of": (2, None), "many": (5, None), "a hundred": (100, 100), "an": (1, 1), "a": (1, 1),
         "one hundred": (100, 100), "a single": (1, 1)}

_WORD_NUM = r"(?:%s)(?:[\s-](?:%s))?" % ("|".join(sorted(TENS, key=len, reverse=True)),
                                          "|".join(sorted(UNITS, key=len, reverse=True)))
NUM = (r"(?:\d{1,3}(?:,\d{3})+|\d+|%s|%s|%s)" %
       (_WORD_NUM, "|".join(sorted(UNITS, key=len, reverse=True)),
        "a dozen|dozens(?: of)?|scores(?: of)?|hundreds(?: of)?|several|a few|a handful|a couple of|a number of"))
QUALIFIER = (r"(?:(?:at least|more than|over|nearly|almost|about|around|approximately|roughly|some|up to|"
             r"as many as|fewer than|less than|under|close to|an estimated|a total of|at most)\s+)")


def parse_count(text: str) -> tuple[int | None, int | None]:
    """"19" -> (19, 19); "dozens" -> (24, None): the lower and upper bound a phrase gives."""
    t = " ".join(text.lower().replace("-", " ").split())
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+|\d+", t):
        n = int(t.replace(",", ""))
        return n, n
    if t in VAGUE:
        return VAGUE[t]
    parts = t.split()
    total = 0
    for p in parts:
        if p in TENS:
            total += TENS[p]
        elif p in UNITS:
            total += UNITS[p]
        else:
            return None, None
    return total, total


def figure_from(number: str, qualifier: str | None) -> Figure | None:
    lo, hi = parse_count(number)
    if lo is None:
        return None
    q = " ".join((qualifier or "").lower().split())
    if q in ("at least", "an estimated", "a total of", "as many as") or not q:
        if q == "at least" or hi is None:
            return Figure(min=lo, max=None, best=lo)
        if q == "as many as":
            return Figure(min=None, max=lo, best=lo)
        return Figure(min=lo, max=hi, best=lo)
    if q in ("more than", "over"):
        return Figure(min=lo + 1, max=None, best=lo + 1)
    if q in ("nearly", "almost", "close to", "fewer than", "less than", "under", "up to", "at most"):
        strict = q in ("fewer than", "less than", "under")
        return Figure(min=None, max=lo - 1 if strict else lo, best=lo - 1 if strict else lo)
    return Figure(min=None, max=None, best=lo)  # about, around, some, roughly
