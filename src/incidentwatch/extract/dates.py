"""Date expressions in a sentence, resolved against the article's publication date.

"on Sunday", "Tuesday night", "yesterday" resolve to a day on or before the
publication date; "June 23" takes the publication year (the year before if
that would put it in the future); "last December", "in February" give a month;
"in 2013" a year.  Without a publication date only absolute dates resolve.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from ..ingest.metadata import parse_date
from .lexicon import load_toml

MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTHS["sept"] = 9
WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}

_M = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|" \
     r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
_D = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_Y = r"(?:19|20)\d\d"
_WD = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"

_NAMED_DAYS = load_toml("lang/en/dates.toml")["holidays"]
_HOLIDAY_DAYS = {name.replace("'", "").lower(): day for name, day in _NAMED_DAYS.items()}
HOLIDAYS = "(?P<hol>" + "|".join(re.escape(name).replace("'", "'?").replace(r"\ ", r"\s+")
                                 for name in sorted(_NAMED_DAYS, key=len, reverse=True)) + ")"

PATTERNS = [
    ("holiday", re.compile(rf"\b{HOLIDAYS}\b")),
    ("mdy", re.compile(rf"\b(?P<m>{_M})\s+(?P<d>{_D}),?\s+(?P<y>{_Y})\b")),
    ("dmy", re.compile(rf"\b(?P<d>{_D})\s+(?:of\s+)?(?P<m>{_M}),?\s+(?P<y>{_Y})\b")),
    ("iso", re.compile(rf"\b(?P<y>{_Y})-(?P<m>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12]\d|3[01])\b")),
    ("md", re.compile(rf"\b(?P<m>{_M})\s+(?P<d>{_D})\b(?!\s*,?\s*(?:19|20)\d\d)(?!\d)")),
    ("dm", re.compile(rf"\b(?P<d>{_D})\s+(?:of\s+)?(?P<m>{_M})\b(?!\s*,?\s*(?:19|20)\d\d)")),
    ("weekday", re.compile(rf"\b(?:(?P<rel>last|this|on|late|early)\s+)?(?P<wd>{_WD})(?:'s)?"
                           r"(?P<part>\s+(?:night|evening|morning|afternoon))?\b", re.I)),
    ("relday", re.compile(r"\b(?P<rel>yesterday|today|tonight|last night|this morning|this evening|"
                          r"earlier today|overnight)\b", re.I)),
    ("my", re.compile(rf"\b(?:in\s+|of\s+|since\s+)?(?P<m>{_M})\s+(?P<y>{_Y})\b")),
    ("month", re.compile(rf"\b(?P<rel>last|in|early|late|mid|earlier in|this|since|on)[\s-]+(?P<m>{_M})(?:'s)?"
                         r"(?!\s+(?:[12]\d|3[01]|0?[1-9])\b)", re.I)),
    ("month", re.compile(rf"\b(?P<rel>)(?P<m>{_M})['’]s\b")),
    ("relmonth", re.compile(r"\b(?P<rel>earlier this month|last month|this month|earlier this year|"
                            r"last year|this year|last week|earlier this week|this week)\b", re.I)),
    ("offset", re.compile(r"\b(?P<n>\d{1,2}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                          r"several|a few)\s+(?P<unit>days?|weeks?|months?|years?)\s+(?P<dir>ago|earlier|before|after)\b",
                          re.I)),
    ("year", re.compile(rf"\b(?:in|since|of|during)\s+(?P<y>{_Y})\b", re.I)),
    # "the 2013 siege of a mall": data/lang/en/dates.toml [year_events]
    ("year", re.compile(rf"\b(?:the|a|an|its|their|that)\s+(?P<y>{_Y})(?=\s+(?:[\w-]+\s+){{0,2}}?(?:"
                        + "|".join(map(re.escape, sorted(load_toml("lang/en/dates.toml")["year_events"]["nouns"],
                                                         key=len, reverse=True)))
                        + r")\b)", re.I)),
]


@dataclass
class DateRef:
    start: int
    end: int
    text: str
    date: dt.date | None
    precision: str  # day | month | year | week
    date_end: dt.date | None = None
    relative: bool = False  # needed the publication date to resolve
    kind: str = ""  # which pattern found it: mdy, weekday, offset, ...

    @property
    def resolved(self) -> bool:
        return self.date is not None


def holiday(name: str, year: int) -> dt.date | None:
    """The date of a named holiday in a year (Western Easter; Orthodox Easter by its own reckoning)."""
    from dateutil import easter

    day = _HOLIDAY_DAYS.get(re.sub(r"\s+", " ", name.replace("'", "")).lower())
    if day == "orthodox-easter":
        return easter.easter(year, easter.EASTER_ORTHODOX)
    if day == "easter":
        return easter.easter(year)
    if day:
        month, mday = (int(x) for x in day.split("-"))
        return dt.date(year, month, mday)
    return None


def _month(name: str) -> int:
    return MONTHS[name.lower().rstrip(".")]


def _day(d: str) -> int:
    return int(re.match(r"\d+", d).group())


def _month_span(y: int, m: int) -> tuple[dt.date, dt.date]:
    return dt.date(y, m, 1), dt.date(y, m, calendar.monthrange(y, m)[1])


def _resolve(kind: str, m: re.Match, anchor: dt.date | None) -> DateRef | None:
    g = m.groupdict()
    text = m.group(0)
    try:
        if kind in ("mdy", "dmy", "iso"):
            month = int(g["m"]) if kind == "iso" else _month(g["m"])
            return DateRef(m.start(), m.end(), text, dt.date(int(g["y"]), month, _day(g["d"])), "day")
        if kind == "holiday":
            if anchor is None:
                return DateRef(m.start(), m.end(), text, None, "day", relative=True)
            d = holiday(g["hol"], anchor.year)
            if d is None:
                return None
            if d > anchor + dt.timedelta(days=1):
                d = holiday(g["hol"], anchor.year - 1)
            return DateRef(m.start(), m.end(), text, d, "day", relative=True)
        if kind in ("md", "dm"):
            if anchor is None:
                return DateRef(m.start(), m.end(), text, None, "day", relative=True)
            d = dt.date(anchor.year, _month(g["m"]), _day(g["d"]))
            if d > anchor + dt.timedelta(days=2):
                if d <= anchor + dt.timedelta(days=60):
                    return None  # a date ahead ("until 26 July"), not an event
                d = dt.date(anchor.year - 1, d.month, d.day)
            return DateRef(m.start(), m.end(), text, d, "day", relative=True)
        if kind == "weekday":
            if anchor is None:
                return DateRef(m.start(), m.end(), text, None, "day", relative=True)
            wd = WEEKDAYS[g["wd"].lower()]
            back = (anchor.weekday() - wd) % 7
            if (g.get("rel") or "").lower() == "last" and back == 0:
                back = 7
            return DateRef(m.start(), m.end(), text, anchor - dt.timedelta(days=back), "day", relative=True)
        if kind == "relday":
            if anchor is None:
                return DateRef(m.start(), m.end(), text, None, "day", relative=True)
            back = 1 if g["rel"].lower() in ("yesterday", "last night", "overnight") else 0
            return DateRef(m.start(), m.end(), text, anchor - dt.timedelta(days=back), "day", relative=True)
        if kind == "my":
            lo, hi = _month_span(int(g["y"]), _month(g["m"]))
            return DateRef(m.start(), m.end(), text, lo, "month", hi)
        if kind == "month":
            if g["m"].lower() in ("may",) and g["rel"].lower() in ("this", "on", ""):
                return None  # "this may", "on may": the verb, not the month
            if not g["m"][0].isupper():
                return None
            if anchor is None:
                return DateRef(m.start(), m.end(), text, None, "month", relative=True)
            month = _month(g["m"])
            y = anchor.year if month <= anchor.month else anchor.year - 1
            if g["rel"].lower() == "last" and month == anchor.month:
                y -= 1
            lo, hi = _month_span(y, month)
            return DateRef(m.start(), m.end(), text, lo, "month", hi, relative=True)
        if kind == "relmonth":
            if anchor is None:
                return DateRef(m.start(), m.end(), text, None, "month", relative=True)
            rel = g["rel"].lower()
            if "week" in rel:
                end = anchor if "last" not in rel else anchor - dt.timedelta(days=anchor.weekday() + 1)
                return DateRef(m.start(), m.end(), text, end - dt.timedelta(days=6), "week", end, relative=True)
            if "year" in rel:
                y = anchor.year - (1 if rel == "last year" else 0)
                return DateRef(m.start(), m.end(), text, dt.date(y, 1, 1), "year", dt.date(y, 12, 31), relative=True)
            y, mo = anchor.year, anchor.month
            if rel == "last month":
                y, mo = (y, mo - 1) if mo > 1 else (y - 1, 12)
            lo, hi = _month_span(y, mo)
            if rel != "last month":
                hi = anchor
            return DateRef(m.start(), m.end(), text, lo, "month", hi, relative=True)
        if kind == "offset":
            # "three months after <an earlier event>", "two years ago": that much before now
            if anchor is None:
                return None
            words = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                     "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "several": 3, "a few": 2}
            n = int(g["n"]) if g["n"].isdigit() else words.get(g["n"].lower(), 1)
            unit = g["unit"].lower().rstrip("s")
            days = n * {"day": 1, "week": 7, "month": 30, "year": 365}[unit]
            d = anchor - dt.timedelta(days=days)
            precision = {"day": "day", "week": "week", "month": "month", "year": "year"}[unit]
            if precision == "month":
                lo, hi = _month_span(d.year, d.month)
                return DateRef(m.start(), m.end(), text, lo, "month", hi, relative=True)
            if precision == "year":
                return DateRef(m.start(), m.end(), text, dt.date(d.year, 1, 1), "year", dt.date(d.year, 12, 31),
                               relative=True)
            return DateRef(m.start(), m.end(), text, d, precision, None if precision == "day" else d + dt.timedelta(6),
                           relative=True)
        if kind == "year":
            y = int(g["y"])
            return DateRef(m.start(), m.end(), text, dt.date(y, 1, 1), "year", dt.date(y, 12, 31))
    except (ValueError, KeyError, OverflowError):  # OverflowError: arithmetic past year 1 or 9999
        return None
    return None


def find_dates(sentence: str, anchor: dt.date | None, offset: int = 0) -> list[DateRef]:
    """Date expressions in a sentence, most specific first where they overlap."""
    refs: list[DateRef] = []
    taken: list[tuple[int, int]] = []
    for kind, pat in PATTERNS:
        for m in pat.finditer(sentence):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            ref = _resolve(kind, m, anchor)
            if ref is None:
                continue
            ref.kind = kind
            taken.append((m.start(), m.end()))
            ref.start += offset
            ref.end += offset
            refs.append(ref)
    refs.sort(key=lambda r: r.start)
    return refs


__all__ = ["DateRef", "find_dates", "parse_date"]
