"""The store: the only module that speaks SQL.

SQLite at ./incidentwatch.db unless told otherwise (`--db URL` or the
INCIDENTWATCH_DB environment variable); any SQLAlchemy URL works, PostgreSQL
included.  The schema is created and upgraded by Alembic on open.
"""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Iterable, Iterator

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, delete, event, insert, or_, select, and_
from sqlalchemy.engine import Engine

from ..ingest.metadata import content_hash
from ..model import Article, Incident, Mention
from .. import review
from . import schema as t
from . import queries
from .facets import facet_rows, perpetrator

DEFAULT_URL = "sqlite:///incidentwatch.db"
MIGRATIONS = Path(__file__).parent / "migrations"


def resolve_url(url: str | None) -> str:
    """A URL from the argument, the environment, or the default; a bare path means SQLite."""
    url = url or os.environ.get("INCIDENTWATCH_DB") or DEFAULT_URL
    if "://" not in url:
        url = f"sqlite:///{url}"
    return url


def _sqlite_pragmas(dbapi_conn, _record):
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _incident_columns(incident_id: str, rec: dict, group_id: str | None, now: dt.datetime) -> dict:
    """The incidents table's row for a record (columns for filtering and sorting, the record as JSON)."""
    def day(v):
        return dt.date.fromisoformat(v) if isinstance(v, str) and v else (v or None)

    return {"id": incident_id, "date": day(rec.get("date")), "date_end": day(rec.get("date_end")),
            "country": rec.get("country"), "admin1": rec.get("admin1"), "city": rec.get("city"),
            "lat": rec.get("lat"), "lon": rec.get("lon"), "killed": (rec.get("killed") or {}).get("best"),
            "injured": (rec.get("injured") or {}).get("best"), "group_id": group_id,
            "perpetrator": perpetrator(rec), "confidence": rec.get("confidence"), "data": rec, "updated_at": now}


def _field_corrections(conn, anchors: Iterable[str]) -> dict[str, list[dict]]:
    """Analysts' confirmations and corrections of fields, by the mention they are anchored on."""
    anchors = sorted(set(anchors))
    out: dict[str, list[dict]] = {}
    for i in range(0, len(anchors), 500):
        q = select(t.corrections).where(t.corrections.c.anchor.in_(anchors[i:i + 500]),
                                        t.corrections.c.action.in_(("confirm", "correct", *review.VERDICTS)))
        for row in conn.execute(q).mappings():
            out.setdefault(row["anchor"], []).append(dict(row))
    return out


class Store:
    def __init__(self, url: str | None = None):
        self.url = resolve_url(url)
        self.engine: Engine = create_engine(self.url, future=True)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self.migrate()

    def migrate(self) -> None:
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        with self.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")

    def close(self) -> None:
        self.engine.dispose()

    # --- articles -----------------------------------------------------------
    def find_duplicate(self, article: Article) -> str | None:
        """The id of a stored article that is this one (same id, or same text), if any."""
        with self.engine.connect() as conn:
            row = conn.execute(select(t.articles.c.id).where(or_(
                t.articles.c.id == article.id,
                t.articles.c.content_hash == content_hash(article.text)))).first()
        return row[0] if row else None

    def add_article(self, article: Article, mentions: list[Mention]) -> None:
        """Store one article with its mentions and their evidence, in one transaction."""
        with self.engine.begin() as conn:
            conn.execute(insert(t.articles).values(
                id=article.id, content_hash=content_hash(article.text), url=article.url, title=article.title,
                text=article.text, published=article.published, published_source=article.published_source,
                site=article.site, source=article.source, format=article.format, ingested_at=_now()))
            self._insert_mentions(conn, mentions)

    @staticmethod
    def _insert_mentions(conn, mentions: list[Mention]) -> None:
        for m in mentions:
            conn.execute(insert(t.mentions).values(
                id=m.id, article_id=m.article_id, role=m.role, date=m.date, date_end=m.date_end,
                country=m.country, admin1=m.admin1, city=m.city, killed=m.killed.best,
                injured=m.injured.best, data=m.to_dict()))
            if m.evidence:
                conn.execute(insert(t.evidence), [
                    {"mention_id": m.id, "article_id": e.article_id, "field": e.field, "start": e.start,
                     "end": e.end, "sentence": e.text} for e in m.evidence])

    def replace_mentions(self, article_id: str, mentions: list[Mention]) -> None:
        """Put an article's newly extracted mentions in place of its old ones, in one transaction.  The old
        mentions leave their incidents, which the caller re-fuses (see clear_incidents)."""
        with self.engine.begin() as conn:
            old = select(t.mentions.c.id).where(t.mentions.c.article_id == article_id)
            conn.execute(delete(t.evidence).where(t.evidence.c.mention_id.in_(old)))
            conn.execute(delete(t.incident_mentions).where(t.incident_mentions.c.mention_id.in_(old)))
            conn.execute(delete(t.mentions).where(t.mentions.c.article_id == article_id))
            self._insert_mentions(conn, mentions)

    def articles(self, batch: int = 200) -> Iterator[Article]:
        """Every stored article, in the order they were stored, streamed."""
        c = t.articles.c
        q = select(c.id, c.text, c.title, c.url, c.published, c.published_source, c.site, c.source,
                   c.format).order_by(c.ingested_at, c.id)
        with self.engine.connect() as conn:
            for r in conn.execution_options(yield_per=batch).execute(q).mappings():
                yield Article(id=r["id"], text=r["text"], title=r["title"] or "", url=r["url"],
                              published=r["published"], published_source=r["published_source"], site=r["site"],
                              source=r["source"] or "", format=r["format"] or "")

    def mentions_of(self, article_id: str) -> list[Mention]:
        with self.engine.connect() as conn:
            return [Mention.from_dict(row[0]) for row in conn.execute(
                select(t.mentions.c.data).where(t.mentions.c.article_id == article_id).order_by(t.mentions.c.id))]

    def clear_incidents(self) -> None:
        """Drop every incident (not the articles, mentions or reviews): before fusing all mentions afresh."""
        with self.engine.begin() as conn:
            conn.execute(delete(t.incident_facets))
            conn.execute(delete(t.incident_mentions))
            conn.execute(delete(t.incidents))

    def review_anchors(self) -> list[tuple[str, str | None]]:
        """The mentions every analyst review is anchored on (and a merge's other mention)."""
        with self.engine.connect() as conn:
            return [(a, o) for a, o in conn.execute(select(t.corrections.c.anchor, t.corrections.c.other))]

    def bulk_load(self, articles: list[Article], mentions: list[Mention], incidents: list[Incident]) -> None:
        """Insert many already-fused records in one transaction, without re-fusing (loading a prepared
        batch, or building a large database for a benchmark)."""
        now = _now()
        with self.engine.begin() as conn:
            if articles:
                conn.execute(insert(t.articles), [
                    {"id": a.id, "content_hash": content_hash(a.text), "url": a.url, "title": a.title,
                     "text": a.text, "published": a.published, "published_source": a.published_source,
                     "site": a.site, "source": a.source, "format": a.format, "ingested_at": now} for a in articles])
            if mentions:
                conn.execute(insert(t.mentions), [
                    {"id": m.id, "article_id": m.article_id, "role": m.role, "date": m.date, "date_end": m.date_end,
                     "country": m.country, "admin1": m.admin1, "city": m.city, "killed": m.killed.best,
                     "injured": m.injured.best, "data": m.to_dict()} for m in mentions])
            if incidents:
                self._write_incidents(conn, incidents, now)

    def article(self, article_id: str) -> Article | None:
        with self.engine.connect() as conn:
            r = conn.execute(select(t.articles).where(t.articles.c.id == article_id)).mappings().first()
        if r is None:
            return None
        return Article(id=r["id"], text=r["text"], title=r["title"] or "", url=r["url"], published=r["published"],
                       published_source=r["published_source"], site=r["site"], source=r["source"] or "",
                       format=r["format"] or "")

    def count(self, table: str) -> int:
        from sqlalchemy import func
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(t.metadata.tables[table])).scalar_one()

    # --- mentions -----------------------------------------------------------
    def mentions_near(self, probes: Iterable[Mention], days: int = 3) -> list[Mention]:
        """Blocking: stored mentions that could be the same incident as a probe, or one of its event
        group: same country, and a date (or a date span) within `days` of the probe's; or undated in
        the same town.  Each lookup is a range scan on the (country, date), (country, date_end) or
        (country, city) index, so its cost does not grow with the size of the database."""
        c = t.mentions.c
        out: dict[str, Mention] = {}
        with self.engine.connect() as conn:
            for m in probes:
                queries = []
                country = c.country == m.country if m.country else c.country.is_(None)
                if m.date is not None:
                    lo = m.date - dt.timedelta(days=days)
                    hi = (m.date_end or m.date) + dt.timedelta(days=days)
                    queries.append(and_(country, c.date >= lo, c.date <= hi))
                    # spans (a month, a year) that reach into the window; bounded on date_end alone so
                    # that the (country, date_end) index serves it
                    queries.append(and_(country, c.date_end >= lo, c.date_end <= hi + dt.timedelta(days=366)))
                if m.city:
                    # undated in the same town; an undated probe, every mention in its town (the (country,
                    # city) index serves both), so that it meets the dated reports stored before it
                    queries.append(and_(country, c.city == m.city) if m.date is None else
                                   and_(country, c.city == m.city, c.date.is_(None)))
                for q in queries:
                    for row in conn.execute(select(c.data).where(q)):
                        found = Mention.from_dict(row[0])
                        out[found.id] = found
        return list(out.values())

    def mentions_of_incidents_with(self, mention_ids: Iterable[str]) -> list[Mention]:
        """Every mention of every incident that holds one of these mentions."""
        ids = list(mention_ids)
        out: dict[str, Mention] = {}
        with self.engine.connect() as conn:
            for i in range(0, len(ids), 500):
                inc = select(t.incident_mentions.c.incident_id).where(
                    t.incident_mentions.c.mention_id.in_(ids[i:i + 500]))
                q = (select(t.mentions.c.data)
                     .join(t.incident_mentions, t.incident_mentions.c.mention_id == t.mentions.c.id)
                     .where(t.incident_mentions.c.incident_id.in_(inc)))
                for row in conn.execute(q):
                    m = Mention.from_dict(row[0])
                    out[m.id] = m
        return list(out.values())

    def all_mentions(self) -> Iterator[Mention]:
        with self.engine.connect() as conn:
            for row in conn.execute(select(t.mentions.c.data).order_by(t.mentions.c.id)):
                yield Mention.from_dict(row[0])

    def unfused_mentions(self) -> list[Mention]:
        """Mentions in no incident: stored by an ingest that stopped (killed, interrupted) before it fused
        them.  A finished ingest leaves none."""
        im = t.incident_mentions
        fused = select(im.c.mention_id).where(im.c.mention_id == t.mentions.c.id).exists()
        with self.engine.connect() as conn:
            return [Mention.from_dict(row[0]) for row in
                    conn.execute(select(t.mentions.c.data).where(~fused).order_by(t.mentions.c.id))]

    # --- incidents ----------------------------------------------------------
    def replace_incidents(self, mention_ids: Iterable[str], new: list[Incident]) -> None:
        """Drop the incidents holding these mentions and store the re-fused ones, atomically."""
        ids = list(mention_ids)
        with self.engine.begin() as conn:
            for i in range(0, len(ids), 500):
                old = select(t.incident_mentions.c.incident_id).where(
                    t.incident_mentions.c.mention_id.in_(ids[i:i + 500]))
                old_ids = [r[0] for r in conn.execute(old)]
                if old_ids:
                    conn.execute(delete(t.incident_facets).where(t.incident_facets.c.incident_id.in_(old_ids)))
                    conn.execute(delete(t.incident_mentions).where(t.incident_mentions.c.incident_id.in_(old_ids)))
                    conn.execute(delete(t.incidents).where(t.incidents.c.id.in_(old_ids)))
            for inc in new:
                conn.execute(delete(t.incident_facets).where(t.incident_facets.c.incident_id == inc.id))
                conn.execute(delete(t.incident_mentions).where(t.incident_mentions.c.incident_id == inc.id))
                conn.execute(delete(t.incidents).where(t.incidents.c.id == inc.id))
            self._write_incidents(conn, new, _now())

    def _write_incidents(self, conn, incidents: list[Incident], now: dt.datetime) -> None:
        """Insert incidents with their mentions and facets; analysts' corrections (found by anchor) are
        applied, so the stored record, its columns and its facets are the corrected ones."""
        records = [i.to_dict() | {"mention_ids": i.mention_ids} for i in incidents]
        # corrections anchored on any of an incident's mentions (an incident merged by an analyst keeps both
        # incidents' corrections)
        by_anchor = _field_corrections(conn, {mid for r in records for mid in r["mention_ids"]})
        corrections = {inc.id: [c for mid in inc.mention_ids for c in by_anchor.get(mid, [])] for inc in incidents}
        rows, links, facets = [], [], []
        for inc, rec in zip(incidents, records):
            rec = review.apply(rec, corrections.get(inc.id, []))
            rows.append(_incident_columns(inc.id, rec, inc.group_id, now))
            links.extend({"incident_id": inc.id, "mention_id": mid} for mid in inc.mention_ids)
            facets.extend(facet_rows(inc.id, rec))
        if rows:
            conn.execute(insert(t.incidents), rows)
        if links:
            conn.execute(insert(t.incident_mentions), links)
        if facets:
            conn.execute(insert(t.incident_facets), facets)
        if conn.dialect.name == "sqlite":
            queries.index_text(conn, [inc.id for inc in incidents])

    # --- views for the workbench ---------------------------------------------
    def search(self, filters, sort: str = "date", descending: bool = True, page: int = 1, per_page: int = 50):
        return queries.search(self.engine, filters, sort, descending, page, per_page)

    def filtered(self, filters):
        return queries.filtered_records(self.engine, filters)

    def timeline(self, filters, by: str = "month"):
        return queries.timeline(self.engine, filters, by)

    def points(self, filters, limit: int = 3000):
        return queries.points(self.engine, filters, limit)

    def choices(self):
        return queries.choices(self.engine)

    def mentions_of_article(self, article_id: str) -> list[tuple[Mention, str | None]]:
        """An article's mentions, each with the incident it belongs to."""
        q = (select(t.mentions.c.data, t.incident_mentions.c.incident_id)
             .join(t.incident_mentions, t.incident_mentions.c.mention_id == t.mentions.c.id, isouter=True)
             .where(t.mentions.c.article_id == article_id).order_by(t.mentions.c.id))
        with self.engine.connect() as conn:
            return [(Mention.from_dict(d), inc) for d, inc in conn.execute(q)]

    def corrections(self, record: dict | str) -> list[dict]:
        """Every review of an incident (its id, or its record with its mention ids): of its fields, and of
        its fusion."""
        if isinstance(record, str):
            record = self.incident(record) or {"id": record}
        c = t.corrections.c
        ids = record.get("mention_ids") or []
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(select(t.corrections).where(
                or_(c.incident_id == record["id"], c.anchor.in_(ids), c.other.in_(ids))).order_by(c.id)).mappings()]

    # --- review -------------------------------------------------------------
    def add_correction(self, incident_id: str, action: str, field: str | None, value, reviewer: str,
                       note: str | None = None) -> dict:
        """Store an analyst's correction (or confirmation) of an incident's field and apply it to the stored
        incident; returns the corrected record.  KeyError if there is no such incident."""
        now = _now()
        with self.engine.begin() as conn:
            row = conn.execute(select(t.incidents.c.data, t.incidents.c.group_id)
                               .where(t.incidents.c.id == incident_id)).first()
            if row is None:
                raise KeyError(incident_id)
            record = dict(row[0])
            machine = next((r["machine_value"] for r in reversed(record.get("review") or [])
                            if r.get("field") == field and r["action"] == "correct"), record.get(field))
            conn.execute(insert(t.corrections).values(
                anchor=review.anchor(record) or incident_id, incident_id=incident_id, action=action, field=field,
                value=value, machine_value=machine, reviewer=reviewer, note=note, created_at=now))
            mine = [c for cs in _field_corrections(conn, record.get("mention_ids") or [incident_id]).values()
                    for c in cs]
            base = {k: v for k, v in record.items() if k != "review"}
            for c in mine:  # back to the machine's values before re-applying every correction
                if c["action"] == "correct" and c["field"]:
                    base[c["field"]] = c["machine_value"]
            corrected = review.apply(base, mine)
            conn.execute(delete(t.incident_facets).where(t.incident_facets.c.incident_id == incident_id))
            values = _incident_columns(incident_id, corrected, row[1], now)
            values.pop("id")
            conn.execute(t.incidents.update().where(t.incidents.c.id == incident_id).values(**values))
            facets = facet_rows(incident_id, corrected)
            if facets:
                conn.execute(insert(t.incident_facets), facets)
        return corrected

    def incidents_of_mentions(self, mention_ids: Iterable[str]) -> list[dict]:
        """The incident records (with their mention ids) that hold these mentions."""
        ids = list(mention_ids)
        q = (select(t.incidents.c.data).where(t.incidents.c.id.in_(
            select(t.incident_mentions.c.incident_id).where(t.incident_mentions.c.mention_id.in_(ids))))
             .order_by(t.incidents.c.id))
        with self.engine.connect() as conn:
            return [dict(r[0]) for r in conn.execute(q)]

    def add_decision(self, action: str, mention_id: str, incident_id: str, reviewer: str,
                     other: str | None = None, note: str | None = None) -> None:
        """Record an analyst's fusion decision: `merge` (mention_id's incident is other's) or `split`
        (mention_id stands alone).  Fusion reads them back with `decisions`."""
        with self.engine.begin() as conn:
            conn.execute(insert(t.corrections).values(
                anchor=mention_id, other=other, incident_id=incident_id, action=action, reviewer=reviewer,
                note=note, created_at=_now()))

    def decisions(self, mention_ids: Iterable[str]):
        """The analysts' merge and split decisions that concern these mentions."""
        from ..fuse.cluster import Decisions

        ids = sorted(set(mention_ids))
        out = Decisions()
        c = t.corrections.c
        with self.engine.connect() as conn:
            for i in range(0, len(ids), 500):
                part = ids[i:i + 500]
                q = select(c.action, c.anchor, c.other).where(
                    c.action.in_(("merge", "split")), or_(c.anchor.in_(part), c.other.in_(part))).order_by(c.id)
                for action, anchor, other in conn.execute(q):
                    if action == "split":
                        out.apart.add(anchor)
                    elif other and (anchor, other) not in out.together:
                        out.together.append((anchor, other))
        return out

    def incidents(self, country: str | None = None, since: dt.date | None = None,
                  min_confidence: float | None = None) -> Iterator[dict]:
        """Incidents in date order (undated last), as export records.  `min_confidence` leaves out those
        below it (see queries.confident)."""
        q = select(t.incidents.c.data)
        if country:
            q = q.where(t.incidents.c.country == country)
        if since:
            q = q.where(t.incidents.c.date >= since)
        if min_confidence:
            q = q.where(queries.confident(min_confidence))
        q = q.order_by(t.incidents.c.date.is_(None), t.incidents.c.date, t.incidents.c.id)
        with self.engine.connect() as conn:
            for row in conn.execute(q):
                d = dict(row[0])
                d.pop("mention_ids", None)
                yield d

    def incident(self, incident_id: str) -> dict | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(t.incidents.c.data).where(t.incidents.c.id == incident_id)).first()
            if row is None:  # allow a unique prefix
                rows = conn.execute(select(t.incidents.c.data).where(
                    t.incidents.c.id.like(f"{incident_id}%"))).fetchall()
                row = rows[0] if len(rows) == 1 else None
        return dict(row[0]) if row else None
