"""Load the editable vocabularies in data/ and compile them to matchers.

A user data directory (the INCIDENTWATCH_DATA environment variable, or `incidentwatch --data DIR`) overrides
or extends the packaged files without editing the package: a file there at the same path as a packaged one
(`groups.toml`, `lang/en/occurrence.toml`, `occurrence_model.json`) is read with it.  For TOML, the user's file
is merged into the packaged one (see `merged`); with a top-level `replace = true` it replaces it.  Other files
(the models' JSON) replace the packaged ones.  `incidentwatch reextract` applies a change to stored articles.
"""
from __future__ import annotations

import functools
import os
import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Iterable, Iterator

DATA_ENV = "INCIDENTWATCH_DATA"


class UserDataError(ValueError):
    """The user data directory named is not a directory, or a file in it cannot be read."""


def user_data_dir() -> Path | None:
    """The user data directory named in the environment, if any."""
    name = os.environ.get(DATA_ENV)
    if not name:
        return None
    path = Path(name).expanduser()
    if not path.is_dir():
        raise UserDataError(f"{DATA_ENV}={name}: not a directory")
    return path


def user_file(name: str) -> Path | None:
    """The user data directory's file at this path, if there is one."""
    root = user_data_dir()
    if root is None:
        return None
    path = root / name
    return path if path.is_file() else None


def read_data(name: str) -> str:
    """A data file's text: the user's, else the packaged one (FileNotFoundError if neither exists)."""
    mine = user_file(name)
    if mine is not None:
        return mine.read_text("utf-8")
    return resources.files("incidentwatch.data").joinpath(name).read_text("utf-8")


def merged(base, extra):
    """`extra` merged into `base`: tables key by key; lists extended (entries of a list of tables that have
    the `name` of a packaged entry replace it); any other value replaced."""
    if isinstance(base, dict) and isinstance(extra, dict):
        out = dict(base)
        for k, v in extra.items():
            out[k] = merged(base[k], v) if k in base else v
        return out
    if isinstance(base, list) and isinstance(extra, list):
        if all(isinstance(x, dict) and "name" in x for x in base + extra):
            names = {x["name"]: i for i, x in enumerate(base)}
            out = list(base)
            for x in extra:
                if x["name"] in names:
                    out[names[x["name"]]] = x
                else:
                    out.append(x)
            return out
        return base + [x for x in extra if x not in base]
    return extra


def load_toml(name: str) -> dict:
    """A data file (data/NAME): the packaged one, with the user data directory's merged in."""
    packaged = tomllib.loads(resources.files("incidentwatch.data").joinpath(name).read_text("utf-8"))
    mine = user_file(name)
    if mine is None:
        return packaged
    try:
        extra = tomllib.loads(mine.read_text("utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise UserDataError(f"{mine}: not valid TOML ({e})") from None
    if extra.pop("replace", False) is True:
        return extra
    return merged(packaged, extra)


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
