"""Write incident records (Incident.to_dict() form) in each export format."""
from __future__ import annotations

import csv
import json
from typing import IO, Callable, Iterable

# GTD codebook column names where one exists; lists are joined with "; ".
CSV_COLUMNS = [
    ("eventid", "id"), ("date", "date"), ("date_end", "date_end"), ("iyear", None), ("imonth", None),
    ("iday", None), ("country_txt", "country"), ("provstate", "admin1"), ("city", "city"),
    ("latitude", "lat"), ("longitude", "lon"), ("attacktype1_txt", None), ("attack_types", "attack_types"),
    ("targtype1_txt", None), ("target_types", "target_types"), ("weaptype1_txt", None),
    ("weapon_types", "weapon_types"), ("gname", None), ("perpetrators", "perpetrators"), ("claimed", None),
    ("claimed_by", "claimed_by"), ("nkill", None), ("nkill_min", None), ("nkill_max", None), ("nkillter", None),
    ("nwound", None), ("nwound_min", None), ("nwound_max", None), ("nsources", None), ("source_ids", None),
    ("source_urls", None), ("derived", None),
]


def _csv_row(inc: dict) -> dict:
    def first(key):
        v = inc.get(key) or []
        return v[0] if v else ""

    def fig(key, part="best"):
        v = (inc.get(key) or {}).get(part)
        return "" if v is None else v

    date = inc.get("date") or ""
    row = {col: inc.get(key) for col, key in CSV_COLUMNS if key}
    for col in ("attack_types", "target_types", "weapon_types", "perpetrators", "claimed_by"):
        row[col] = "; ".join(row.get(col) or [])
    row.update({
        "iyear": date[:4], "imonth": date[5:7], "iday": date[8:10],
        "attacktype1_txt": first("attack_types"), "targtype1_txt": first("target_types"),
        "weaptype1_txt": first("weapon_types"), "gname": first("perpetrators") or "Unknown",
        "claimed": 1 if inc.get("claimed_by") else 0,
        "nkill": fig("killed"), "nkill_min": fig("killed", "min"), "nkill_max": fig("killed", "max"),
        "nkillter": fig("killed_perpetrators"), "nwound": fig("injured"),
        "nwound_min": fig("injured", "min"), "nwound_max": fig("injured", "max"),
        "nsources": len(inc.get("sources") or []),
        "source_ids": "; ".join(s["article_id"] for s in inc.get("sources") or []),
        "source_urls": "; ".join(s.get("url") or "" for s in inc.get("sources") or []),
        # figures no source gave (a 0 where no report tells of a death), with their rule
        "derived": "; ".join(f"{k}: {v}" for k, v in (inc.get("derived") or {}).items()),
    })
    return {k: ("" if v is None else v) for k, v in row.items()}


def write_jsonl(incidents: Iterable[dict], out: IO[str]) -> int:
    n = 0
    for inc in incidents:
        out.write(json.dumps(inc, ensure_ascii=False, sort_keys=False) + "\n")
        n += 1
    return n


def write_csv(incidents: Iterable[dict], out: IO[str]) -> int:
    w = csv.DictWriter(out, fieldnames=[c for c, _ in CSV_COLUMNS], extrasaction="ignore")
    w.writeheader()
    n = 0
    for inc in incidents:
        w.writerow(_csv_row(inc))
        n += 1
    return n


def write_geojson(incidents: Iterable[dict], out: IO[str]) -> int:
    """A FeatureCollection of the located incidents, properties flat enough for QGIS."""
    out.write('{"type": "FeatureCollection", "features": [\n')
    n = 0
    for inc in incidents:
        if inc.get("lat") is None or inc.get("lon") is None:
            continue
        props = {k: v for k, v in _csv_row(inc).items() if k not in ("latitude", "longitude")}
        feature = {"type": "Feature", "id": inc["id"],
                   "geometry": {"type": "Point", "coordinates": [inc["lon"], inc["lat"]]},
                   "properties": props}
        out.write((",\n" if n else "") + json.dumps(feature, ensure_ascii=False))
        n += 1
    out.write("\n]}\n")
    return n


FORMATS: dict[str, Callable[[Iterable[dict], IO[str]], int]] = {
    "jsonl": write_jsonl, "csv": write_csv, "geojson": write_geojson,
}


def _writer(fmt: str) -> Callable[[Iterable[dict], IO[str]], int]:
    try:
        return FORMATS[fmt]
    except KeyError:
        raise ValueError(f"unknown export format {fmt!r} (choose from {', '.join(FORMATS)})") from None


def write(fmt: str, incidents: Iterable[dict], out: IO[str]) -> int:
    """Write incidents in a format; returns how many were written."""
    return _writer(fmt)(incidents, out)


class _Chunks:
    """A file-like object that hands what is written to a queue, in chunks of about `size` characters."""

    def __init__(self, queue, size: int):
        self.queue, self.size, self.parts, self.length = queue, size, [], 0

    def write(self, s: str) -> int:
        self.parts.append(s)
        self.length += len(s)
        if self.length >= self.size:
            self.flush()
        return len(s)

    def flush(self) -> None:
        if self.parts:
            self.queue.put("".join(self.parts))
            self.parts, self.length = [], 0


def stream(fmt: str, incidents: Iterable[dict], size: int = 1 << 16):
    """The export as a sequence of text chunks, written while they are read (for a download of any size,
    in bounded memory).  The writer runs in a thread; an error in it is raised here."""
    import queue
    import threading

    writer = _writer(fmt)
    q: queue.Queue = queue.Queue(maxsize=8)
    done = object()
    failure: list[BaseException] = []

    def run():
        out = _Chunks(q, size)
        try:
            writer(incidents, out)
            out.flush()
        except BaseException as exc:  # handed to the reader
            failure.append(exc)
        finally:
            q.put(done)

    threading.Thread(target=run, daemon=True).start()
    while (chunk := q.get()) is not done:
        yield chunk
    if failure:
        raise failure[0]
