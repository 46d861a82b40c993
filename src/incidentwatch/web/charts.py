"""Charts drawn on the server as SVG: no script, no tiles, nothing fetched from elsewhere.  Every label
that comes from the data is escaped."""
from __future__ import annotations

import json
import math
from functools import cache
from importlib import resources

from markupsafe import Markup, escape

PALETTE = ["#1f6f8b", "#e07a1f", "#5a9e3a", "#b8336a", "#7b5ea7", "#a07850", "#888888"]


def _colour(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def timeline(data: dict, width: int = 760, height: int = 220) -> Markup:
    """Stacked bars of incidents per period by group, and a row of deaths per period beneath."""
    periods = _with_empty_periods(data["periods"])
    if not periods:
        return Markup('<p class="empty">No dated incidents in this selection.</p>')
    groups = data["groups"]
    top = max(sum(p["incidents"].values()) for _, p in periods) or 1
    most_killed = max(p["killed"] for _, p in periods) or 1
    left, bottom, deaths_h = 34, 26, 50
    plot_h = height - bottom - deaths_h - 10
    step = (width - left - 10) / len(periods)
    bar = max(1.0, step * 0.8)
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height + 24 + 16 * math.ceil(len(groups) / 3)}" '
             f'role="img" aria-label="incidents and deaths over time">']
    parts.append(f'<text x="2" y="12" class="axis">{top}</text>')
    parts.append(f'<text x="2" y="{plot_h + 10}" class="axis">0</text>')
    for i, (period, slot) in enumerate(periods):
        x = left + i * step
        y = plot_h + 10
        for g_index, g in enumerate(groups):
            n = slot["incidents"].get(g, 0)
            if not n:
                continue
            h = plot_h * n / top
            y -= h
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                         f'fill="{_colour(g_index)}"><title>{escape(period)}: {n} incident(s), '
                         f'{escape(g)}</title></rect>')
        kh = deaths_h * slot["killed"] / most_killed
        base = height - bottom
        parts.append(f'<rect x="{x:.1f}" y="{base - kh:.1f}" width="{bar:.1f}" height="{kh:.1f}" fill="#a33">'
                     f'<title>{escape(period)}: {slot["killed"]} killed</title></rect>')
        if len(periods) <= 12 or i % math.ceil(len(periods) / 12) == 0:
            parts.append(f'<text x="{x:.1f}" y="{height - 8}" class="axis">{escape(period)}</text>')
    parts.append(f'<text x="2" y="{height - bottom - deaths_h + 8}" class="axis">killed</text>')
    for g_index, g in enumerate(groups):
        lx = left + (g_index % 3) * 240
        ly = height + 14 + 16 * (g_index // 3)
        parts.append(f'<rect x="{lx}" y="{ly - 9}" width="10" height="10" fill="{_colour(g_index)}"/>'
                     f'<text x="{lx + 14}" y="{ly}" class="legend">{escape(g)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _with_empty_periods(periods: dict) -> list[tuple[str, dict]]:
    """Every month (or year) from the first to the last, empty ones included, so time reads evenly."""
    keys = sorted(periods)
    if not keys or len(keys[0]) not in (4, 7):
        return list(periods.items())
    if len(keys[0]) == 4:
        span = [str(y) for y in range(int(keys[0]), int(keys[-1]) + 1)]
    else:
        (y0, m0), (y1, m1) = (map(int, keys[0].split("-")), map(int, keys[-1].split("-")))
        span = [f"{(i // 12):04d}-{(i % 12) + 1:02d}" for i in range(y0 * 12 + m0 - 1, y1 * 12 + m1)]
    if len(span) > 400:
        return list(periods.items())
    empty = {"incidents": {}, "killed": 0}
    return [(k, periods.get(k, empty)) for k in span]


@cache
def outlines() -> list[dict]:
    """Country outlines ({name, bbox, d}: SVG path data in degrees, x = lon, y = -lat), from the static file
    that `make web-assets` builds from an installed map package (web/outlines.py); none if not built."""
    try:
        raw = resources.files("incidentwatch.web").joinpath("static/world.json").read_text("utf-8")
    except (FileNotFoundError, OSError):
        return []
    shapes = json.loads(raw)
    for shape in shapes:  # each country's path, escaped once: the outlines are most of a map's bytes
        shape["svg"] = (f'<path d="{escape(shape["d"])}" class="land" vector-effect="non-scaling-stroke">'
                        f'<title>{escape(shape.get("name") or "")}</title></path>')
    return shapes


def world_map(points: list[dict], width: int = 760, height: int = 380) -> Markup:
    """The located incidents on an equirectangular map, zoomed to where they are; a dot's area grows with
    the death toll; each dot links to its dossier."""
    if not points:
        return Markup('<p class="empty">No located incidents in this selection.</p>')
    lons = [p["lon"] for p in points]
    lats = [p["lat"] for p in points]
    pad = 4.0
    x0, x1 = max(-180.0, min(lons) - pad), min(180.0, max(lons) + pad)
    y0, y1 = max(-90.0, min(lats) - pad), min(90.0, max(lats) + pad)
    # keep the map's proportions: widen the narrower side
    want = width / height
    if (x1 - x0) / (y1 - y0) < want:
        extra = ((y1 - y0) * want - (x1 - x0)) / 2
        x0, x1 = x0 - extra, x1 + extra
    else:
        extra = ((x1 - x0) / want - (y1 - y0)) / 2
        y0, y1 = y0 - extra, y1 + extra
    span = x1 - x0
    parts = [f'<svg class="map" viewBox="{x0:.3f} {-y1:.3f} {span:.3f} {y1 - y0:.3f}" '
             f'preserveAspectRatio="xMidYMid meet" role="img" aria-label="map of incidents">',
             f'<rect x="{x0:.3f}" y="{-y1:.3f}" width="{span:.3f}" height="{y1 - y0:.3f}" class="sea"/>']
    for shape in outlines():
        bx0, by0, bx1, by1 = shape["bbox"]
        if bx1 >= x0 and bx0 <= x1 and by1 >= y0 and by0 <= y1:  # only the countries in view
            parts.append(shape["svg"])
    grid = 10 if span > 40 else 5 if span > 15 else 1
    for lon in range(int(math.floor(x0 / grid) * grid), int(x1) + 1, grid):
        parts.append(f'<line x1="{lon}" y1="{-y1:.3f}" x2="{lon}" y2="{-y0:.3f}" class="grid" '
                     f'vector-effect="non-scaling-stroke"/>')
    for lat in range(int(math.floor(y0 / grid) * grid), int(y1) + 1, grid):
        parts.append(f'<line x1="{x0:.3f}" y1="{-lat}" x2="{x1:.3f}" y2="{-lat}" class="grid" '
                     f'vector-effect="non-scaling-stroke"/>')
    unit = span / width
    for p in points:
        r = unit * (3 + math.sqrt(p.get("killed") or 0))
        label = f'{p.get("date") or "undated"} {p.get("city") or ""}: {p.get("killed") or 0} killed'
        parts.append(f'<a href="/incidents/{escape(p["id"])}"><circle cx="{p["lon"]:.4f}" cy="{-p["lat"]:.4f}" '
                     f'r="{r:.4f}" class="dot"><title>{escape(label)}</title></circle></a>')
    parts.append("</svg>")
    return Markup("".join(parts))


def highlight(text: str, spans: list[tuple[int, int, str]]) -> Markup:
    """The article's text, escaped, with the evidence spans marked (overlapping spans merged)."""
    spans = sorted((max(0, s), min(len(text), e), f) for s, e, f in spans if e > s)
    out, pos = [], 0
    for s, e, f in spans:
        if s < pos:
            if e <= pos:
                continue
            s = pos
        out.append(escape(text[pos:s]))
        out.append(Markup('<mark title="{}">{}</mark>').format(f, text[s:e]))
        pos = e
    out.append(escape(text[pos:]))
    return Markup("").join(out)
