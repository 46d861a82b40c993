"""Build the workbench's map outlines from an installed map package: world-atlas's TopoJSON of Natural
Earth country borders (npm), decoded here into SVG path data in degrees, with each country's bounding box
so a page draws only the countries in view.

    python -m incidentwatch.web.outlines node_modules/world-atlas/countries-110m.json OUT.json

`make web-assets` runs it; the result is static/world.json, which the map reads (charts.outlines).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path


def _arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """The arcs in degrees: quantized arcs are delta-encoded integers, scaled and translated."""
    transform = topology.get("transform")
    out = []
    for arc in topology["arcs"]:
        if transform:
            (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
            x = y = 0
            points = []
            for dx, dy in arc:
                x, y = x + dx, y + dy
                points.append((x * sx + tx, y * sy + ty))
        else:
            points = [(p[0], p[1]) for p in arc]
        out.append(points)
    return out


def _ring(indices: list[int], arcs) -> list[tuple[float, float]]:
    ring: list[tuple[float, float]] = []
    for i in indices:
        points = arcs[i] if i >= 0 else arcs[~i][::-1]
        ring.extend(points[1:] if ring else points)
    return ring


def outlines(topology: dict, name: str = "countries", digits: int = 2) -> list[dict]:
    arcs = _arcs(topology)
    out = []
    for geom in topology["objects"][name]["geometries"]:
        polygons = {"Polygon": [geom.get("arcs", [])], "MultiPolygon": geom.get("arcs", [])}.get(geom["type"], [])
        parts, xs, ys = [], [], []
        for polygon in polygons:
            for indices in polygon:
                ring = _ring(indices, arcs)
                if len(ring) < 3:
                    continue
                xs += [p[0] for p in ring]
                ys += [p[1] for p in ring]
                parts.append("M" + "L".join(f"{x:.{digits}f},{-y:.{digits}f}" for x, y in ring) + "Z")
        if parts:
            out.append({"name": (geom.get("properties") or {}).get("name"), "bbox": [min(xs), min(ys), max(xs), max(ys)],
                        "d": "".join(parts)})
    return out


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    topology = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    shapes = outlines(topology)
    Path(argv[1]).write_text(json.dumps(shapes, separators=(",", ":")), encoding="utf-8")
    print(f"{len(shapes)} outlines -> {argv[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
