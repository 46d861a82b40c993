"""The watch configuration file (TOML): sources to follow, alert rules, where alerts go.

    [watch]
    db = "sqlite:///desk.db"          # optional; --db and INCIDENTWATCH_DB also work
    user_agent = "incidentwatch/0.1 (desk@example.org)"
    timeout = 20                      # seconds per request
    per_host_interval = 2             # seconds between two requests to one host
    robots = true                     # honour robots.txt
    max_backoff = 3600                # seconds: the longest wait after repeated failures

    [[source]]
    name = "kavkaz"                   # names the source in logs and keeps its state
    feed = "https://example.org/rss"  # or: folder = "drop/", or: jsonl = "stream.jsonl"
    every = 300                       # seconds between polls
    pages = true                      # fetch an item's page when the feed gives only a summary
    settle = 2                        # folders: read a file once it has been still this long (seconds)

    [[rule]]
    name = "North Caucasus"
    country = ["Russia"]
    region = ["Dagestan", "Chechnya"]
    on = ["new", "claimed", "toll", "contradiction"]
    min_killed = 1
    toll_change = 1

    [[output]]
    type = "terminal"                 # or jsonl (path), webhook (url), email (host, port, from, to, ...)
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

CHANGES = ("new", "claimed", "toll", "contradiction")


class ConfigError(ValueError):
    """A configuration that cannot be used; the message names the file and the entry."""


@dataclass
class Source:
    name: str
    kind: str  # feed | folder | jsonl
    where: str  # URL or path
    every: float = 300.0
    pages: bool = True
    settle: float = 2.0  # a dropped file is read once it has not changed for this long (seconds)


@dataclass
class Rule:
    name: str
    on: tuple[str, ...] = CHANGES
    country: list[str] = field(default_factory=list)
    region: list[str] = field(default_factory=list)
    group: list[str] = field(default_factory=list)
    attack_type: list[str] = field(default_factory=list)
    min_killed: int | None = None
    toll_change: int = 1


@dataclass
class Output:
    name: str
    kind: str  # terminal | jsonl | webhook | email
    options: dict = field(default_factory=dict)


@dataclass
class Config:
    sources: list[Source]
    rules: list[Rule]
    outputs: list[Output]
    db: str | None = None
    user_agent: str = "incidentwatch/0.1 (+https://github.com/incidentwatch/incidentwatch)"
    timeout: float = 20.0
    per_host_interval: float = 2.0
    robots: bool = True
    max_backoff: float = 3600.0
    max_bytes: int = 10_000_000


def _list(v, where: str) -> list[str]:
    if v is None:
        return []
    items = v if isinstance(v, list) else [v]
    if not all(isinstance(x, str) for x in items):
        raise ConfigError(f"{where} must be a name or a list of names")
    return list(items)


def _number(d: dict, key: str, default: float, where: str, minimum: float = 0.0) -> float:
    v = d.get(key, default)
    if isinstance(v, bool) or not isinstance(v, (int, float)) or v < minimum:
        raise ConfigError(f"{where}: {key} must be a number of at least {minimum:g}, not {v!r}")
    return float(v)


def _flag(d: dict, key: str, default: bool, where: str) -> bool:
    v = d.get(key, default)
    if not isinstance(v, bool):
        raise ConfigError(f"{where}: {key} must be true or false, not {v!r}")
    return v


def _tables(raw: dict, key: str, path) -> list[dict]:
    v = raw.get(key, [])
    if isinstance(v, dict):
        raise ConfigError(f"{path}: write [[{key}]] (a list of tables), not [{key}]")
    if not isinstance(v, list) or not all(isinstance(x, dict) for x in v):
        raise ConfigError(f"{path}: {key} must be a list of tables ([[{key}]])")
    return v


def load(path: str | os.PathLike) -> Config:
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text("utf-8"))
    except OSError as e:
        raise ConfigError(f"{path}: cannot read ({e.strerror or e})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: not valid TOML ({e})") from None
    return parse(raw, path)


def parse(raw: dict, path: str | os.PathLike = "<config>") -> Config:
    base = Path(path).parent if str(path) != "<config>" else Path(".")
    w = raw.get("watch", {})
    if not isinstance(w, dict):
        raise ConfigError(f"{path}: [watch] must be a table")
    sources: list[Source] = []
    for i, s in enumerate(_tables(raw, "source", path), 1):
        kinds = [k for k in ("feed", "folder", "jsonl") if k in s]
        if len(kinds) != 1:
            raise ConfigError(f"{path}: source {i} needs exactly one of feed, folder or jsonl")
        kind = kinds[0]
        if not isinstance(s[kind], str) or not s[kind]:
            raise ConfigError(f"{path}: source {i}: {kind} must be a URL or path")
        where = s[kind]
        if kind == "feed" and not where.startswith(("http://", "https://")):
            raise ConfigError(f"{path}: source {i}: a feed is an http(s) URL, not {where!r}")
        if kind != "feed":
            where = str((base / where).resolve()) if not Path(where).is_absolute() else where
        name = str(s.get("name") or where)
        if name.startswith("("):
            raise ConfigError(f"{path}: source {i}: a name may not start with '(' ({name!r})")
        if any(x.name == name for x in sources):
            raise ConfigError(f"{path}: two sources are named {name!r}")
        at = f"{path}: source {name!r}"
        every = _number(s, "every", 300, at)
        if every <= 0:
            raise ConfigError(f"{at}: every must be a positive number of seconds")
        sources.append(Source(name, kind, where, every, _flag(s, "pages", True, at), _number(s, "settle", 2, at)))
    rules = []
    for i, r in enumerate(_tables(raw, "rule", path), 1):
        at = f"{path}: rule {i}"
        on = tuple(_list(r.get("on"), f"{at}: on") or CHANGES)
        bad = [c for c in on if c not in CHANGES]
        if bad:
            raise ConfigError(f"{at}: unknown change {bad[0]!r} (one of {', '.join(CHANGES)})")
        min_killed = int(_number(r, "min_killed", 0, at)) if "min_killed" in r else None
        rules.append(Rule(str(r.get("name") or f"rule {i}"), on, _list(r.get("country"), f"{at}: country"),
                          _list(r.get("region"), f"{at}: region"), _list(r.get("group"), f"{at}: group"),
                          _list(r.get("attack_type"), f"{at}: attack_type"), min_killed,
                          int(_number(r, "toll_change", 1, at, minimum=1))))
    outputs: list[Output] = []
    for i, o in enumerate(_tables(raw, "output", path) or [{"type": "terminal"}], 1):
        kind = o.get("type")
        need = {"terminal": (), "jsonl": ("path",), "webhook": ("url",), "email": ("host", "from", "to")}
        if kind not in need:
            raise ConfigError(f"{path}: output {i}: type must be one of {', '.join(need)}")
        missing = [k for k in need[kind] if not o.get(k)]
        if missing:
            raise ConfigError(f"{path}: output {i} ({kind}) needs {missing[0]}")
        opts = {k: v for k, v in o.items() if k not in ("type", "name")}
        if kind == "jsonl" and not Path(opts["path"]).is_absolute():
            opts["path"] = str((base / opts["path"]).resolve())
        # an output is known by what it is, not by its place in the file: moving it or adding another
        # must not make it take every alert again
        target = {"jsonl": opts.get("path"), "webhook": opts.get("url"), "email": opts.get("to")}.get(kind)
        name = str(o.get("name") or (f"{kind}:{target}" if target else kind))
        if any(x.name == name for x in outputs):
            raise ConfigError(f"{path}: output {i}: another output is {name!r}; give one of them a name")
        outputs.append(Output(name, kind, opts))
    if not sources:
        raise ConfigError(f"{path}: no [[source]] to watch")
    at = f"{path}: [watch]"
    return Config(sources, rules, outputs, db=w.get("db"),
                  user_agent=str(w.get("user_agent") or Config.user_agent),
                  timeout=_number(w, "timeout", 20, at), per_host_interval=_number(w, "per_host_interval", 2, at),
                  robots=_flag(w, "robots", True, at), max_backoff=_number(w, "max_backoff", 3600, at))
