"""HTML pages: main text and metadata (title, date, site) through trafilatura."""
from __future__ import annotations

import datetime as dt
from typing import Iterator

import trafilatura

from ..model import Article
from .errors import Rejected
from .metadata import date_from_url, site_from_url
from .text import article_from_text


def _published(meta) -> dt.date | None:
    value = getattr(meta, "date", None) if meta else None
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def read(data: bytes, source: str) -> Iterator[Article]:
    # trafilatura decodes bytes itself, honouring the page's declared charset
    doc = trafilatura.bare_extraction(data, with_metadata=True, include_comments=False,
                                      include_tables=False, favor_precision=True)
    text = getattr(doc, "text", None) if doc else None
    if not text or not text.strip():
        raise Rejected("HTML page has no main text")
    url = getattr(doc, "url", None)
    published = _published(doc)
    how = "meta" if published else None
    if published is None and url:
        published, _ = date_from_url(url)
        how = "url" if published else None
    title = (getattr(doc, "title", None) or "").strip()
    body = text.strip()
    if title and not body.startswith(title):
        body = f"{title}\n\n{body}"
    yield article_from_text(body, source, fmt="html", title=title, url=url,
                            site=getattr(doc, "sitename", None) or site_from_url(url),
                            published=published, published_source=how)
