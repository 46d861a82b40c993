"""Plain text files: the first line is the title when it looks like a headline."""
from __future__ import annotations

import re
from typing import Iterator

from ..model import Article
from .decode import UndecodableError, decode_text
from .errors import Rejected
from .metadata import article_id_for, date_from_dateline

_SENTENCE_END = re.compile(r"[.!?:;,]['\"”’)]?$")


def split_title(text: str) -> str:
    """A short first line that does not end like a sentence is a headline."""
    lines = text.lstrip().splitlines()
    if len(lines) < 2:
        return ""
    first = lines[0].strip()
    if 0 < len(first) <= 200 and not _SENTENCE_END.search(first):
        return first
    return ""


def article_from_text(text: str, source: str, fmt: str = "text", **meta) -> Article:
    published = meta.pop("published", None)
    published_source = meta.pop("published_source", None)
    if published is None:
        published = date_from_dateline(text)
        published_source = "dateline" if published else None
    return Article(
        id=meta.pop("id", None) or article_id_for(text),
        text=text,
        title=meta.pop("title", None) or split_title(text),
        published=published,
        published_source=published_source,
        source=source,
        format=fmt,
        **meta,
    )


def read(data: bytes, source: str) -> Iterator[Article]:
    try:
        text = decode_text(data)
    except UndecodableError as e:
        raise Rejected(str(e)) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise Rejected("file has no text")
    yield article_from_text(text, source)
