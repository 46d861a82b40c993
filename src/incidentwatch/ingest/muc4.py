"""MUC-4 documents (GTT's JSON Lines: docid, doctext, templates) as Articles.

The generic JSON Lines reader already takes `docid`/`doctext`; this module only
names the format and keeps the gold templates out of the article.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

from ..model import Article
from .errors import Rejection
from .jsonl import read as read_jsonl


def read_documents(path: str | Path) -> Iterator[Article | Rejection]:
    data = Path(path).read_bytes()
    for item in read_jsonl(data, str(path)):
        if isinstance(item, Article):
            item.format = "muc4"
        yield item
