"""When the reported incident happened, and which dates belong to other, earlier incidents.

The incident's date is the earliest day-exact date that attaches to an attack word
("Sunday's blasts", "opened fire on Tuesday night"), not one that dates a statement
("officials said on Monday"), a dateline, or another event ("four days after").
"""
from __future__ import annotations

import datetime as dt
import re

from .dates import MONTHS, DateRef
from .sentences import Sentence, event_spans
from .where import DATELINE


BACKGROUND_GAP_DAYS = 6


_SPEECH = re.compile(r"\b(said|says|told|claim(?:ed|s)(?!\s+(?:the lives|\d|\w+\s+(?:lives|victims)))|announced|reported|quoted|confirmed|declared|stated|added|"
                     r"news conference|press conference|warned|mourning|funeral|vigil|statement|interview|"
                     r"published|posted|updated|wrote|tweeted|identified|named|arrested|detained|charged)\b", re.I)


def date_score(ref: DateRef, s: Sentence, rank: int) -> float:
    """How surely a date expression dates the attack, not a statement about it."""
    events = event_spans(s)
    gap = min((max(a - ref.end, ref.start - b, 0) for a, b in events), default=999)
    score = 3.0 if gap < 25 else 1.5 if gap < 60 else 0.0
    after = s.text[ref.end - s.start:ref.end - s.start + 30]
    if re.match(r"['’]s\s+(?:\w+\s+)?(?:attacks?|bombings?|blasts?|explosions?|shootings?|assault|massacre|raid)",
                after, re.I) or re.match(r"\s+(?:\w+\s+)?(?:attacks?|bombings?|blasts?|explosions?|shootings?)", after, re.I):
        score += 3
    speech = [m for m in _SPEECH.finditer(s.text)]
    sgap = min((max(s.start + m.start() - ref.end, ref.start - s.start - m.end(), 0) for m in speech), default=999)
    if sgap < 20 and sgap < gap:
        score -= 3
    return score - 0.05 * rank


def incident_date(sents: list[Sentence], anchor: dt.date | None, published: dt.date | None):
    """The reported incident's date: the day-exact date that best attaches to an attack word."""
    def near(ref: DateRef) -> bool:
        if ref.date is None or ref.precision != "day":
            return False
        if anchor is None:
            return True
        return (anchor - ref.date).days <= BACKGROUND_GAP_DAYS and (ref.date - anchor).days <= 1

    scored = [(date_score(ref, s, rank), -rank, ref, s)
              # a photo caption's date is when the picture was taken
              for rank, s in enumerate(x for x in sents if x.attack and not x.caption) for ref in s.dates
              if near(ref) and not in_dateline(ref, s) and ref.kind != "offset"]  # "four days after" dates another event
    if anchor is None:  # only absolute dates that clearly attach to the attack
        scored = [x for x in scored if x[0] >= 2.5]
    if not scored:
        return None, None
    # of the dates that attach to attack words, the earliest: later ones tell of claims, funerals, a second blast
    attached = [x for x in scored if x[0] >= 1.5]
    if attached:
        best = min(attached, key=lambda x: (x[2].date, -x[0], -x[1]))
    else:
        best = max(scored, key=lambda x: (x[0], x[1]))
    return best[2], best[3]


def in_dateline(ref: DateRef, s: Sentence) -> bool:
    """"MAKHACHKALA, Feb. 16, 2016 —": the day of the report, not of the attack."""
    m = DATELINE.match(s.text)
    return bool(m) and ref.end - s.start <= m.end()


def is_background(ref: DateRef, main: dt.date | None) -> bool:
    if ref.date is None or main is None:
        return False
    end = ref.date_end or ref.date
    return end < main - dt.timedelta(days=BACKGROUND_GAP_DAYS) or ref.date > main + dt.timedelta(days=BACKGROUND_GAP_DAYS)


def date_refs(sents: list[Sentence], title_end: int) -> list[dict]:
    """Day-exact dates the article ties to the attack (title, or near an attack word), as written,
    kept so that fusion can spot a report that gets the date wrong."""
    out = []
    for rank, s in enumerate(sents):
        for ref in s.dates:
            if ref.precision != "day" or in_dateline(ref, s):
                continue
            m = re.search(r"(?P<m>[A-Z][a-z]+)\.?\s+(?P<d>\d{1,2})\b|\b(?P<d2>\d{1,2})\s+(?P<m2>[A-Z][a-z]+)", ref.text)
            month = day = None
            if m:
                name = (m.group("m") or m.group("m2")).lower()
                if name in MONTHS:
                    month, day = MONTHS[name], int(m.group("d") or m.group("d2"))
            if month is None:
                continue  # only dates written with a month name can be checked against the others
            if s.start < title_end or date_score(ref, s, 0) >= 3:
                out.append({"text": ref.text.strip(), "start": ref.start, "end": ref.end,
                            "date": ref.date.isoformat() if ref.date else None, "month": month, "day": day,
                            "sentence": s.text})
    return out


def in_aside(ref: DateRef, s: Sentence) -> bool:
    """Is the date inside a relative clause set off by commas ("Vilayat Kavkaz, which claimed March's raid,
    praised ..."), telling of something else than the sentence's own news?"""
    a, b = ref.start - s.start, ref.end - s.start
    before, after = s.text[:a], s.text[b:]
    opener = max(before.rfind(", which"), before.rfind(", who"))
    return opener >= 0 and "," not in before[opener + 2:] and "," in after


def about_earlier(pos: int, s: Sentence, main: dt.date | None) -> bool:
    """Is the item at `pos` closest to a date that puts it well before the reported incident?"""
    dates = [r for r in s.dates if not in_aside(r, s)]
    if not dates or main is None:
        return False
    nearest = min(dates, key=lambda r: min(abs(pos - r.start), abs(pos - r.end)))
    return is_background(nearest, main)
