"""What is new at each kind of source since the last poll: feed items, files dropped in a folder, lines
appended to a JSON Lines file.  Each poll returns the new articles and the source's next state; the state
is saved only once the articles are stored, so a crash in between re-reads them (and the store's
duplicate check drops what was already stored) instead of losing them."""
from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from typing import Callable

from ..ingest import Rejection, feeds, html, jsonl
from ..ingest.errors import Rejected
from ..ingest.metadata import content_hash
from ..ingest.read import MAX_BYTES, iter_files, read_file
from ..model import Article
from .config import Source
from .fetch import Fetcher, FetchError

# a feed item shorter than this is a summary: the page it links to has the article
SUMMARY_CHARS = 600
# items remembered per feed (a feed lists its latest few dozen)
SEEN_ITEMS = 2000

Log = Callable[[str], None]


class SourceDown(Exception):
    """The source gave nothing usable this time; the message is the log line."""


def poll(source: Source, state: dict, fetcher: Fetcher, log: Log) -> tuple[list[Article | Rejection], dict]:
    if source.kind == "feed":
        return poll_feed(source, state, fetcher, log)
    if source.kind == "folder":
        return poll_folder(source, state)
    return poll_jsonl(source, state)


def poll_feed(source: Source, state: dict, fetcher: Fetcher, log: Log):
    try:
        r = fetcher.get(source.where, state.get("etag"), state.get("last_modified"))
    except FetchError as e:
        raise SourceDown(str(e)) from None
    if r.status == 304:
        return [], state
    try:
        items = list(feeds.read(r.body, source.where, titles_only=source.pages))
    except feeds.EmptyFeed:
        items = []
    except Rejected as e:
        kind = f" (got {r.content_type.split(';')[0]})" if r.content_type else ""
        raise SourceDown(f"{source.where}: not a feed{kind}: {e}") from None
    # an item is new when its link (or id) and text were not seen: an item rewritten with a new toll is new
    seen: list[str] = list(state.get("seen", []))
    known = set(seen)
    out: list[Article | Rejection] = []
    for a in items:
        key = f"{a.url or a.id}|{content_hash(a.text)[:16]}"
        if key in known:
            continue
        if source.pages and a.url and len(a.text) < SUMMARY_CHARS:
            a = _page(a, fetcher, log)
        out.append(a)
        seen.append(key)
        known.add(key)
    return out, {"etag": r.etag, "last_modified": r.last_modified, "seen": seen[-SEEN_ITEMS:]}


def _page(summary: Article, fetcher: Fetcher, log: Log) -> Article:
    """The linked page's article, with the feed's date when the page has none; the summary if the page
    cannot be had."""
    try:
        r = fetcher.get(summary.url)
        page = next(html.read(r.body, summary.url))
    except (FetchError, Rejected, StopIteration) as e:
        log(f"{summary.url}: page not used, keeping the feed's summary ({e or 'no article'})")
        return summary
    return dataclasses.replace(page, id=summary.id, url=summary.url, source=summary.source,
                               published=page.published or summary.published,
                               published_source=page.published_source or summary.published_source,
                               site=summary.site or page.site)


def poll_folder(source: Source, state: dict):
    """Files new or changed (size or modification time) since the last poll, once they have been still
    for `settle` seconds: a file being written is read when it is whole, not half of it first."""
    folder = Path(source.where)
    if not folder.is_dir():
        raise SourceDown(f"{folder}: no such folder")
    before: dict = state.get("files", {})
    now: dict = {}
    out: list[Article | Rejection] = []
    for path in iter_files([folder]):
        if isinstance(path, Rejection):
            continue
        try:
            st = path.stat()
        except OSError:
            continue
        key = str(path.relative_to(folder))
        if time.time() - st.st_mtime < source.settle:
            if key in before:
                now[key] = before[key]  # the earlier version stays the one read until this one settles
            continue
        now[key] = [st.st_mtime_ns, st.st_size]
        if before.get(key) != now[key]:
            out.extend(read_file(path))
    return out, {"files": now}


def poll_jsonl(source: Source, state: dict):
    """Lines appended since the last poll (whole lines only: a line being written waits for the next
    poll).  A file replaced or cut shorter is read again from the start."""
    path = Path(source.where)
    try:
        st = path.stat()
        f = open(path, "rb")
    except OSError as e:
        raise SourceDown(f"{path}: cannot be read ({e.strerror or e})") from None
    offset = state.get("offset", 0)
    if state.get("inode") != st.st_ino or st.st_size < offset:
        offset = 0
    with f:
        f.seek(offset)
        data = f.read(MAX_BYTES)
    end = data.rfind(b"\n") + 1
    if end == 0 and len(data) >= MAX_BYTES:  # one line over the limit: skip it, say so
        return [Rejection(f"{path}:@{offset}", f"line over the {MAX_BYTES:,}-byte limit")], \
            {"inode": st.st_ino, "offset": offset + len(data)}
    chunk = data[:end]
    out: list[Article | Rejection] = []
    if chunk.strip():
        try:
            out = list(jsonl.read(chunk, f"{path}@{offset}"))
        except Rejected as e:
            out = [Rejection(f"{path}@{offset}", str(e))]
    return out, {"inode": st.st_ino, "offset": offset + end}


def version(article: Article, stored: Callable[[str], Article | None]) -> Article:
    """An article whose id is stored with other text (a feed item rewritten with a new toll, a file saved
    again) is a new version of that report: it is stored beside the earlier ones as ID~v2, ID~v3, ...
    rather than dropped as a duplicate.  `stored(id)` looks an article up."""
    first = stored(article.id)
    if first is None or first.text == article.text:
        return article
    n = 2
    while (earlier := stored(f"{article.id}~v{n}")) is not None:
        if earlier.text == article.text:
            return dataclasses.replace(article, id=earlier.id)  # that version again: a duplicate
        n += 1
    return dataclasses.replace(article, id=f"{article.id}~v{n}")


def report_of(article_id: str) -> tuple[str, int]:
    """The report an article id is a version of, and which version (1 for the first)."""
    base, sep, v = article_id.rpartition("~v")
    return (base, int(v)) if sep and v.isdigit() else (article_id, 1)


