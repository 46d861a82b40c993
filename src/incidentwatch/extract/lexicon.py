"""Load the editable vocabularies in data/ and compile them to matchers."""
from __future__ import annotations

import functools
import re
import tomllib
from importlib import resources
from typing import Iterable, Iterator


def load_toml(name: str) -> dict:
    """A data file shipped with the package (data/NAME)."""
    return tomllib.loads(resources.files("incidentwatch.data").joinpath(name).read_text("utf-8"))


def phrase_pattern(phrases: Iterable[str], case_sensitive: bool = False) -> re.Pattern:
    """One regex for a list of phrases: whole words, `*` for any word ending, flexible spaces/hyphens."""
    parts = []
    for p in sorted(set(phrases), key=len, reverse=True):
        p = p.strip()
        if not p:
            continue
        wild = p.endswith("*")
        body = re.escape(p.rstrip("*"))
        body = body.replace(r"\ ", "\x00").replace(r"\-", "\x01")
        body = body.replace("\x00", r"[\s\-]+").replace("\x01", r"[\s\-]?")
        body = body.replace(r"m\*n", "m[ae]n").replace(r"\*", r"\w*")
        parts.append(body + (r"[\w'’-]*" if wild else ""))
    if not parts:
        return re.compile(r"(?!x)x")
    flags = 0 if case_sensitive else re.IGNORECASE
    return re.compile(r"(?<![\w-])(?:%s)(?![\w])" % "|".join(parts), flags)


class CategoryMatcher:
    """Finds the categories of a {category: [phrases]} table in text."""

    def __init__(self, table: dict[str, list[str]]):
        self.patterns = {cat: phrase_pattern(words) for cat, words in table.items()}

    def finditer(self, text: str) -> Iterator[tuple[str, int, int]]:
        for cat, pat in self.patterns.items():
            for m in pat.finditer(text):
                yield cat, m.start(), m.end()

    def categories(self, text: str) -> set[str]:
        return {cat for cat, pat in self.patterns.items() if pat.search(text)}


@functools.cache
def lexicon() -> dict:
    return load_toml("lexicon.toml")


@functools.cache
def matcher(section: str) -> CategoryMatcher:
    return CategoryMatcher(lexicon()[section])


@functools.cache
def pattern(section: str, key: str) -> re.Pattern:
    return phrase_pattern(lexicon()[section][key])
