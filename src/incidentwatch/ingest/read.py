"""Walk input paths, pick a reader for each file, and report what could not be read.

Readers yield Article records or Rejection records; nothing raises past here,
so one bad file never stops a batch.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Iterator

from ..model import Article
from . import feeds, html, jsonl, text
from .errors import Rejected, Rejection

MAX_BYTES = 10 * 1024 * 1024  # per document: a file, or a line of JSON Lines
STREAMED = {".jsonl", ".ndjson"}  # above MAX_BYTES, read a line at a time: a back-fill may be gigabytes

READERS = {
    ".txt": text.read, ".text": text.read, ".md": text.read,
    ".html": html.read, ".htm": html.read, ".xhtml": html.read,
    ".jsonl": jsonl.read, ".ndjson": jsonl.read, ".json": jsonl.read,
    ".xml": feeds.read, ".rss": feeds.read, ".atom": feeds.read,
}



def _sniff(head: bytes):
    h = head.lstrip()[:200].lower()
    if h.startswith(b"<?xml") or h.startswith(b"<rss") or h.startswith(b"<feed") or b"<rss" in h:
        return feeds.read
    if h.startswith(b"<!doctype html") or h.startswith(b"<html") or b"<body" in h:
        return html.read
    if h.startswith(b"{"):
        return jsonl.read
    return text.read


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters: not a text document."""
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls > max(8, len(sample) // 20)


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def read_file(path: Path) -> Iterator[Article | Rejection]:
    name = str(path)
    try:
        size = path.stat().st_size
        with open(path, "rb") as f:
            head = f.read(8192)
        # past the per-document limit a JSON Lines file is read a line at a time (UTF-16 is read whole)
        streamed = path.suffix.lower() in STREAMED and size > MAX_BYTES and not head.startswith(_UTF16_BOMS)
        if size > MAX_BYTES and not streamed:
            yield Rejection(name, f"file is {size / 1048576:.1f} MB, over the 10 MB limit")
            return
        data = head if streamed else path.read_bytes()
    except OSError as e:
        yield Rejection(name, f"cannot be read ({e.strerror or e})")
        return
    if not streamed and not data.strip():  # a streamed file's first lines may be blank
        yield Rejection(name, "file is empty")
        return
    if looks_binary(data) and not data.startswith(_UTF16_BOMS):
        yield Rejection(name, "binary file, not text")
        return
    try:
        if streamed:
            yield from jsonl.read_stream(path, name, MAX_BYTES)
        else:
            yield from (READERS.get(path.suffix.lower()) or _sniff(data[:2048]))(data, name)
    except Rejected as e:
        yield Rejection(name, str(e))
    except Exception as e:  # a reader bug (or a file that fails while streamed) must not stop the batch
        yield Rejection(name, f"could not be read: {type(e).__name__}: {e}")


def iter_files(paths: Iterable[str | os.PathLike]) -> Iterator[Path | Rejection]:
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for sub in sorted(path.rglob("*")):
                if sub.is_file() and not sub.name.startswith("."):
                    yield sub
        elif path.is_file():
            yield path
        else:
            yield Rejection(str(path), "no such file or directory")


def read_paths(paths: Iterable[str | os.PathLike]) -> Iterator[Article | Rejection]:
    """Every article in the given files and directories (recursively), in order."""
    for item in iter_files(paths):
        if isinstance(item, Rejection):
            yield item
        else:
            yield from read_file(item)
