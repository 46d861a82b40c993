"""RSS and Atom feed files: one article per item, through feedparser."""
from __future__ import annotations

import datetime as dt
from typing import Iterator

import feedparser
import lxml.html

from ..model import Article
from .errors import Rejected
from .metadata import date_from_url, site_from_url
from .text import article_from_text


class EmptyFeed(Rejected):
    """A well-formed feed without items (a quiet search feed): nothing to read, but nothing wrong."""


def html_to_text(fragment: str) -> str:
    if "<" not in fragment:
        return fragment.strip()
    try:
        root = lxml.html.fromstring(f"<div>{fragment}</div>")
    except Exception:
        return fragment.strip()
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for p in root.iter("p", "div", "li"):
        p.tail = "\n\n" + (p.tail or "")
    lines = [ln.strip() for ln in root.text_content().splitlines()]
    text = "\n".join(lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip()


def _entry_date(entry) -> dt.date | None:
    for key in ("published_parsed", "updated_parsed"):
        t = entry.get(key)
        if t:
            return dt.date(t.tm_year, t.tm_mon, t.tm_mday)
    return None


def read(data: bytes, source: str, titles_only: bool = False) -> Iterator[Article]:
    """One article per item with text.  With `titles_only`, an item with a title and a link but no text
    is kept too, as its title (the watcher then fetches the page it links to)."""
    feed = feedparser.parse(data)
    if not feed.entries:
        if feed.get("version") and not feed.get("bozo"):
            raise EmptyFeed("feed has no items")
        why = getattr(feed.get("bozo_exception"), "args", None) or ["no items"]
        raise Rejected(f"feed does not parse ({str(why[0]).splitlines()[0]})")
    site = (feed.feed.get("title") or "").strip() or None
    found = 0
    for entry in feed.entries:
        body = ""
        if entry.get("content"):
            body = max((c.get("value", "") for c in entry.content), key=len)
        body = html_to_text(body or entry.get("summary", "") or "")
        title = html_to_text(entry.get("title", "") or "")
        url = entry.get("link")
        if not body.strip() and not (titles_only and title.strip() and url):
            continue
        published, how = _entry_date(entry), "feed"
        if published is None:
            published, _ = date_from_url(url)
            how = "url" if published else None
        text = f"{title}\n\n{body}" if title and not body.startswith(title) else body
        found += 1
        yield article_from_text(text, source, fmt="feed", id=entry.get("id") or None,
                                title=title, url=url, site=site or site_from_url(url),
                                published=published, published_source=how)
    if not found:  # e.g. a truncated feed: feedparser recovers an empty item and no error is raised
        why = getattr(feed.get("bozo_exception"), "args", None)
        raise Rejected(f"feed does not parse ({str(why[0]).splitlines()[0]})" if why
                       else "feed has no items with article text")
