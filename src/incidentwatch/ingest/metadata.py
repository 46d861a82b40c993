"""Article metadata: stable ids, publication dates from datelines and URLs, outlet names."""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from urllib.parse import urlparse

import dateparser

_SPACE = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """The form two copies of one article share: NFC, case-folded, spaces collapsed."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip().casefold()


def content_hash(text: str) -> str:
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


def article_id_for(text: str) -> str:
    """An article without an id of its own is named by its normalised text."""
    return "a-" + content_hash(text)[:16]


def site_from_url(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = urlparse(url).hostname or ""
    except ValueError:  # "http://[bad/x": not a URL, so no site
        return None
    for prefix in ("www.", "m.", "mobile.", "amp."):
        if host.startswith(prefix):
            host = host[len(prefix):]
    return host or None


_URL_DATES = [
    re.compile(r"/((?:19|20)\d\d)[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?:/|\b)"),
    re.compile(r"/((?:19|20)\d\d)(0[1-9]|1[0-2])([0-2]\d|3[01])(?:/|\b)"),
]


def date_from_url(url: str | None) -> tuple[dt.date | None, str | None]:
    """A day written into a URL path (/2024/06/23/, /20240322/); a month alone is no publication date."""
    if not url:
        return None, None
    try:
        path = urlparse(url).path
    except ValueError:
        return None, None
    for pat in _URL_DATES:
        m = pat.search(path)
        if m:
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))), "day"
            except ValueError:
                continue
    return None, None


_MONTHS = ("january|february|march|april|may|june|july|august|september|october|"
           "november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec")
# A date-line: a line (or the start of the first paragraph) that is only a date,
# perhaps after a place name, "Published:" or "Updated:".
_DATELINE = re.compile(
    r"^\s*(?:[A-Z][A-Za-z .'-]{1,40}[,:]?\s+)?(?:(?:published|posted|updated|date)\s*:?\s*)?"
    r"(?P<date>(?:\d{1,2}\s+(?:%s)\.?,?\s+\d{4})|(?:(?:%s)\.?\s+\d{1,2},?\s+\d{4})|"
    r"(?:\d{4}-\d{2}-\d{2})|(?:\d{2}-\d{2}-\d{2}))\b" % (_MONTHS, _MONTHS),
    re.IGNORECASE,
)


def parse_date(text: str) -> dt.date | None:
    """An absolute date in any common written form, or None."""
    text = text.strip()
    m = re.fullmatch(r"(\d{2})-(\d{2})-(\d{2})", text)
    if m:  # "15-09-02": year-month-day in two digits, as some blogs print it
        try:
            return dt.date(2000 + int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    parsed = dateparser.parse(text, languages=["en"],
                              settings={"PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["year"],
                                        "RETURN_AS_TIMEZONE_AWARE": False})
    return parsed.date() if parsed else None


def date_from_dateline(text: str, max_lines: int = 8) -> dt.date | None:
    """The publication date printed near the top of an article, if any."""
    lines = [ln for ln in text.splitlines() if ln.strip()][:max_lines]
    for line in lines:
        if len(line) > 200:
            line = line[:200]
        m = _DATELINE.match(line)
        if m:
            d = parse_date(m.group("date"))
            if d and 1900 < d.year <= dt.date.today().year + 1:
                return d
    return None
