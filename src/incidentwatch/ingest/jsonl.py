"""JSON Lines: one article per line with id, url, published, title, text."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator

from ..model import Article
from .decode import UndecodableError, decode_text
from .errors import Rejected, Rejection
from .metadata import date_from_url, parse_date, site_from_url
from .text import article_from_text


def _published(value) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return parse_date(str(value))


def read(data: bytes, source: str) -> Iterator[Article | Rejection]:
    try:
        content = decode_text(data)
    except UndecodableError as e:
        raise Rejected(str(e)) from None
    if not content.strip():
        raise Rejected("file has no text")
    # lines end at "\n" only: U+2028 and kin may stand unescaped inside a JSON string
    yield from _records(enumerate(content.split("\n"), start=1), source)


def read_stream(path: Path, source: str, max_line: int) -> Iterator[Article | Rejection]:
    """A JSON Lines file of any size, a line at a time: memory holds one record, not the file."""
    with open(path, "rb") as f:
        yield from _records(_decoded_lines(f, source, max_line), source)


def _decoded_lines(f: BinaryIO, source: str, max_line: int) -> Iterator[tuple[int, str | Rejection]]:
    for n, raw in enumerate(f, start=1):
        if len(raw) > max_line:
            yield n, Rejection(f"{source}:{n}", f"line is {len(raw) / 1048576:.1f} MB, over the "
                                                f"{max_line // 1048576} MB limit")
            continue
        try:
            yield n, raw.decode("utf-8-sig" if n == 1 else "utf-8")
        except UnicodeDecodeError:
            try:
                yield n, decode_text(raw)
            except UndecodableError as e:
                yield n, Rejection(f"{source}:{n}", str(e))


def _records(lines: Iterable[tuple[int, str | Rejection]], source: str) -> Iterator[Article | Rejection]:
    for n, line in lines:
        if isinstance(line, Rejection):
            yield line
            continue
        where = f"{source}:{n}"
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as e:
            at = "" if e.msg.endswith(" at") else " at"  # "Unterminated string starting at"
            yield Rejection(where, f"invalid JSON ({e.msg}{at} column {e.colno})")
            continue
        if not isinstance(rec, dict):
            yield Rejection(where, "not a JSON object")
            continue
        text = rec.get("text", rec.get("doctext"))  # "doctext": MUC-4 in GTT's form
        if not isinstance(text, str) or not text.strip():
            yield Rejection(where, "no 'text' field with article text")
            continue
        url = rec.get("url") if isinstance(rec.get("url"), str) else None
        published, how = _published(rec.get("published")), "field"
        if published is None:
            published, _ = date_from_url(url)
            how = "url" if published else None
        rid = rec.get("id", rec.get("docid"))
        yield article_from_text(
            text.replace("\r\n", "\n"), where, fmt="jsonl",
            id=str(rid) if rid not in (None, "") else None,
            title=rec.get("title") if isinstance(rec.get("title"), str) else None,
            url=url, site=site_from_url(url), published=published, published_source=how)
