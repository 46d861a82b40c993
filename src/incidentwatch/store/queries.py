"""Filtered, sorted, paged views of the incidents for the workbench: a filter is index lookups (columns,
facets, full text), and counts, the timeline and the map are aggregated in the database."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, fields

from sqlalchemy import and_, bindparam, column, func, intersect, literal_column, or_, select, text

from ..model import DEFAULT_MIN_CONFIDENCE
from . import schema as t

SORTS = {"date": t.incidents.c.date, "killed": t.incidents.c.killed, "injured": t.incidents.c.injured,
         "country": t.incidents.c.country, "city": t.incidents.c.city, "group": t.incidents.c.perpetrator,
         "confidence": t.incidents.c.confidence}


@dataclass
class Filters:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    country: str | None = None
    region: str | None = None  # first-level administrative region (admin1)
    group: str | None = None
    attack_type: str | None = None
    target_type: str | None = None
    weapon_type: str | None = None
    min_killed: int | None = None
    claimed: bool | None = None
    q: str | None = None  # words in the articles that report the incident
    # incidents that articles only recall in passing (background_only) are left out unless asked for
    include_background: bool | None = None
    # incidents below this confidence are left out (model.DEFAULT_MIN_CONFIDENCE unless told; 0 keeps all)
    min_confidence: float | None = DEFAULT_MIN_CONFIDENCE
    # incidents an analyst marked "not an attack" are left out unless asked for
    include_rejected: bool | None = None
    # incidents one report alone tells without any date (model.lone_undated) likewise
    include_undated: bool | None = None

    def as_params(self) -> dict[str, str]:
        """The filters as query-string parameters (for links that keep them)."""
        out = {}
        for f in fields(self):
            v = getattr(self, f.name)
            if v is None or v == "" or v == f.default:
                continue
            out[f.name] = ("yes" if v else "no") if isinstance(v, bool) else str(v)
        return out


def _fts_query(words: str) -> str:
    """An FTS5 query that matches all the words, each quoted (so no word is read as an operator)."""
    return " ".join(f'"{tok}"' for tok in re.findall(r"\w+", words))


def _common(engine, facet: str, value: str) -> bool:
    """Whether a facet value holds more than 1 in 50 incidents (both counts come from indexes)."""
    fc = t.incident_facets.c
    with engine.connect() as conn:
        n = conn.execute(select(func.count()).where(fc.facet == facet, fc.value == value)).scalar_one()
        total = conn.execute(select(func.count()).select_from(t.incidents)).scalar_one()
    return n * 50 > total


def _holding(facet: str, value: str):
    """The ids of the incidents that have this facet value (a lookup in the facet index)."""
    facets = t.incident_facets.c
    return select(facets.incident_id).where(facets.facet == facet, facets.value == value)


def confident(min_confidence: float, background_too: bool = True):
    """The incidents at or above this confidence.  Those stored before confidence existed have none and
    pass; so do those only recalled in passing (background_only), which their own switch governs (a list
    that leaves them out anyway, `background_too=False`, spares the lookup)."""
    c = t.incidents.c
    either = [c.confidence.is_(None), c.confidence >= min_confidence]
    if background_too:
        either.append(c.id.in_(_holding("background", "only")))
    return or_(*either)


def conditions(engine, f: Filters, ordered: bool = False) -> list:
    """The filters as SQL conditions.  With `ordered` (a query that sorts and stops early), a facet that
    holds many incidents is tested row by row along the sort order's index, which finds the first page at
    once, instead of fetching every member and sorting them."""
    c = t.incidents.c
    out = []
    if f.date_from:
        out.append(c.date >= f.date_from)
    if f.date_to:
        out.append(c.date <= f.date_to)
    if f.country:
        out.append(c.country == f.country)
    if f.region:
        out.append(c.admin1 == f.region)
    if f.min_killed is not None:
        out.append(c.killed >= f.min_killed)
    for shown, facet, value in ((f.include_background, "background", "only"), (f.include_undated, "date", "none"),
                                (f.include_rejected, "review", "not_an_attack")):
        if not shown:
            out.append(c.id.not_in(_holding(facet, value)))
    if f.min_confidence:
        out.append(confident(f.min_confidence, background_too=bool(f.include_background)))
    wanted = [(facet, value) for facet, value in (
        ("group", f.group), ("attack_type", f.attack_type), ("target_type", f.target_type),
        ("weapon_type", f.weapon_type), ("claimed", None if f.claimed is None else ("yes" if f.claimed else "no")))
        if value]
    if wanted:
        # one membership test for all the facets: their intersection, taken in the facet index
        parts = [_holding(facet, value) for facet, value in wanted]
        members = parts[0] if len(parts) == 1 else intersect(*parts)
        # "+id" keeps SQLite from driving the query by the id index, so that it walks the sort's index
        scan = ordered and engine.dialect.name == "sqlite" and all(_common(engine, *fv) for fv in wanted)
        out.append((literal_column("+incidents.id") if scan else c.id).in_(members))
    if f.q and f.q.strip():
        if engine.dialect.name == "sqlite":
            query = _fts_query(f.q)
            if query:
                hits = text("SELECT rowid FROM incident_fts WHERE incident_fts MATCH :q").bindparams(q=query)
                # sorted pages walk the sort's index and test each row ("+" keeps SQLite from starting
                # from the hits, which for a common word means fetching and sorting all of them)
                rowid = literal_column("+incidents.rowid" if ordered else "incidents.rowid")
                out.append(rowid.in_(hits.columns(column("rowid"))))
        else:
            reporting = (select(t.incident_mentions.c.incident_id)
                         .join(t.mentions, t.mentions.c.id == t.incident_mentions.c.mention_id))
            like = "%" + f.q.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            hits = select(t.articles.c.id).where(t.articles.c.text.ilike(like, escape="\\"))
            out.append(c.id.in_(reporting.where(t.mentions.c.article_id.in_(hits))))
    return out


def search(engine, f: Filters, sort: str = "date", descending: bool = True, page: int = 1,
           per_page: int = 50) -> tuple[list[dict], dict]:
    """One page of incident records, and the totals of the whole filtered set."""
    cond = conditions(engine, f)
    where = and_(*cond) if cond else text("1=1")
    ordered = conditions(engine, f, ordered=True)
    c = t.incidents.c
    column = SORTS.get(sort, c.date)
    # plain column order, so the column's index serves it (descending puts the unknown last; ascending first)
    order = [column.desc(), c.id.desc()] if descending else [column.asc(), c.id.asc()]
    q = (select(c.data).where(and_(*ordered) if ordered else text("1=1")).order_by(*order).limit(per_page)
         .offset(max(0, page - 1) * per_page))
    totals_q = select(func.count(), func.coalesce(func.sum(c.killed), 0), func.coalesce(func.sum(c.injured), 0)
                      ).where(where)
    with engine.connect() as conn:
        rows = []
        for (data,) in conn.execute(q):
            d = dict(data)
            d.pop("mention_ids", None)
            rows.append(d)
        n, killed, injured = conn.execute(totals_q).one()
    return rows, {"incidents": n, "killed": int(killed), "injured": int(injured)}


def filtered_records(engine, f: Filters, batch: int = 1000):
    """Every record of the filtered set, in date order, streamed (for downloads)."""
    cond = conditions(engine, f)
    c = t.incidents.c
    q = select(c.data).where(and_(*cond) if cond else text("1=1")).order_by(c.date.is_(None), c.date, c.id)
    with engine.connect() as conn:
        for (data,) in conn.execution_options(yield_per=batch).execute(q):
            d = dict(data)
            d.pop("mention_ids", None)
            yield d


def timeline(engine, f: Filters, by: str = "month", groups: int = 6) -> dict:
    """Incidents and deaths per month (or year) of the filtered set, stacked by the most active groups
    (the rest pooled as "other")."""
    c = t.incidents.c
    cond = conditions(engine, f) + [c.date.is_not(None)]
    width = 7 if by == "month" else 4
    if engine.dialect.name == "sqlite":
        period = func.substr(c.date, 1, width)
    else:
        period = func.to_char(c.date, "YYYY-MM" if by == "month" else "YYYY")
    group = func.coalesce(c.perpetrator, "unknown")
    with engine.connect() as conn:
        rows = conn.execute(select(period, group, func.count(), func.coalesce(func.sum(c.killed), 0))
                            .where(and_(*cond)).group_by(period, group)).all()
    totals: dict[str, int] = {}
    for _, g, n, _k in rows:
        totals[g] = totals.get(g, 0) + n
    top = [g for g, _ in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:groups]]
    periods: dict[str, dict] = {}
    for p, g, n, k in rows:
        key = g if g in top else "other"
        slot = periods.setdefault(p, {"incidents": {}, "killed": 0})
        slot["incidents"][key] = slot["incidents"].get(key, 0) + n
        slot["killed"] += int(k)
    names = top + (["other"] if any("other" in s["incidents"] for s in periods.values()) else [])
    return {"periods": dict(sorted(periods.items())), "groups": names}


def points(engine, f: Filters, limit: int = 3000) -> list[dict]:
    """Located incidents of the filtered set for the map, deadliest first."""
    c = t.incidents.c
    cond = conditions(engine, f, ordered=True) + [c.lat.is_not(None), c.lon.is_not(None)]
    q = (select(c.id, c.lat, c.lon, c.killed, c.city, c.date, c.perpetrator).where(and_(*cond))
         .order_by(c.killed.desc(), c.id).limit(limit))
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(q).mappings()]


def choices(engine) -> dict[str, list[str]]:
    """The values each filter can take (for the filter form's lists)."""
    c, fc = t.incidents.c, t.incident_facets.c
    out = {}
    with engine.connect() as conn:
        out["country"] = [r[0] for r in conn.execute(select(c.country).where(c.country.is_not(None))
                                                     .distinct().order_by(c.country))]
        out["region"] = [r[0] for r in conn.execute(select(c.admin1).where(c.admin1.is_not(None))
                                                    .distinct().order_by(c.admin1))]
        for facet in ("group", "attack_type", "target_type", "weapon_type"):
            out[facet] = [r[0] for r in conn.execute(select(fc.value).where(fc.facet == facet)
                                                     .distinct().order_by(fc.value))]
    return out


# the text of an incident's articles (each once), for word search (SQLite's FTS5 table incident_fts)
INDEX_TEXT = ("INSERT INTO incident_fts(rowid, body) SELECT r, group_concat(body, ' ') FROM ("
              "SELECT DISTINCT i.rowid AS r, a.id, coalesce(a.title, '') || ' ' || a.text AS body "
              "FROM incidents i JOIN incident_mentions im ON im.incident_id = i.id "
              "JOIN mentions m ON m.id = im.mention_id JOIN articles a ON a.id = m.article_id {where}) "
              "GROUP BY r")


_INDEX_SOME = text(INDEX_TEXT.format(where="WHERE i.id IN :ids")).bindparams(bindparam("ids", expanding=True))


def index_text(conn, incident_ids: list[str]) -> None:
    """Index the text of these incidents' articles for word search."""
    for i in range(0, len(incident_ids), 500):
        conn.execute(_INDEX_SOME, {"ids": incident_ids[i:i + 500]})
