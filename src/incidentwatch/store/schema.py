"""The database tables (SQLAlchemy Core).  Migrations in migrations/ create them."""
from __future__ import annotations

from sqlalchemy import (JSON, Column, Date, DateTime, Float, ForeignKey, Index, Integer, MetaData, String,
                        Table, Text)

metadata = MetaData()

articles = Table(
    "articles", metadata,
    Column("id", String(200), primary_key=True),
    Column("content_hash", String(64), nullable=False, unique=True),
    Column("url", Text),
    Column("title", Text),
    Column("text", Text, nullable=False),
    Column("published", Date),
    Column("published_source", String(20)),
    Column("site", String(200)),
    Column("source", Text),
    Column("format", String(20)),
    Column("ingested_at", DateTime(timezone=True), nullable=False),
)

mentions = Table(
    "mentions", metadata,
    Column("id", String(220), primary_key=True),
    Column("article_id", String(200), ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("role", String(20), nullable=False),
    Column("date", Date),
    Column("date_end", Date),
    Column("country", String(100)),
    Column("admin1", String(100)),
    Column("city", String(200)),
    Column("killed", Integer),
    Column("injured", Integer),
    Column("data", JSON, nullable=False),
    Index("ix_mentions_date", "date"),
    Index("ix_mentions_place", "country", "city"),
    Index("ix_mentions_article", "article_id"),
    Index("ix_mentions_country_date", "country", "date"),
    Index("ix_mentions_country_date_end", "country", "date_end"),
)

evidence = Table(
    "evidence", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("mention_id", String(220), ForeignKey("mentions.id", ondelete="CASCADE"), nullable=False),
    Column("article_id", String(200), ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("field", String(40), nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("sentence", Text, nullable=False),
    Index("ix_evidence_mention", "mention_id"),
)

incidents = Table(
    "incidents", metadata,
    Column("id", String(40), primary_key=True),
    Column("date", Date),
    Column("date_end", Date),
    Column("country", String(100)),
    Column("admin1", String(100)),
    Column("city", String(200)),
    Column("lat", Float),
    Column("lon", Float),
    Column("killed", Integer),
    Column("injured", Integer),
    Column("data", JSON, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("group_id", String(40)),
    Column("perpetrator", String(200)),
    Column("confidence", Float),  # fuse.confidence; NULL for incidents stored before it existed
    Index("ix_incidents_date", "date"),
    Index("ix_incidents_killed", "killed"),
    Index("ix_incidents_timeline", "date", "perpetrator", "killed", "injured"),
    Index("ix_incidents_map", "killed", "lat", "lon", "id", "date", "city", "perpetrator"),
    Index("ix_incidents_place", "country", "city"),
    Index("ix_incidents_group", "group_id"),
)

incident_mentions = Table(
    "incident_mentions", metadata,
    Column("incident_id", String(40), ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True),
    Column("mention_id", String(220), ForeignKey("mentions.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_incident_mentions_mention", "mention_id"),
)

incident_facets = Table(
    "incident_facets", metadata,
    Column("incident_id", String(40), ForeignKey("incidents.id", ondelete="CASCADE"), nullable=False),
    Column("facet", String(20), nullable=False),  # group | attack_type | target_type | weapon_type | claimed
    Column("value", String(200), nullable=False),
    Index("ix_incident_facets_value", "facet", "value", "incident_id"),
    Index("ix_incident_facets_incident", "incident_id"),
)

# An analyst's review of an incident: a field confirmed or corrected, or incidents merged or split.  The
# anchor is the incident's first mention, which finds the incident again after a re-ingest re-fuses it;
# for a split, the mention split off; for a merge, `other` is the other incident's anchor.
corrections = Table(
    "corrections", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("anchor", String(220), nullable=False),
    Column("other", String(220)),  # merge: the other incident's anchor
    Column("incident_id", String(40), nullable=False),
    Column("action", String(20), nullable=False),  # confirm | correct | merge | split
    Column("field", String(40)),
    Column("value", JSON),
    Column("machine_value", JSON),
    Column("reviewer", String(200), nullable=False),
    Column("note", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_corrections_anchor", "anchor"),
    Index("ix_corrections_other", "other"),
)

# `incidentwatch watch`: what each source has given (feed validators, items seen, file offsets), what each
# incident looked like when last seen (to tell what changed), and the alerts, kept until every output
# has taken them (an outbox: a restart neither repeats nor loses one).
watch_sources = Table(
    "watch_sources", metadata,
    Column("name", String(200), primary_key=True),
    Column("state", JSON, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

watch_seen = Table(
    "watch_seen", metadata,
    Column("mention_id", String(220), primary_key=True),
    Column("state", JSON, nullable=False),
    Column("seen_at", DateTime(timezone=True), nullable=False),
)

alerts = Table(
    "alerts", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("rule", String(200), nullable=False),
    Column("incident_id", String(40), nullable=False),
    Column("change", String(40), nullable=False),
    Column("text", Text, nullable=False),
    Column("payload", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

alert_deliveries = Table(
    "alert_deliveries", metadata,
    Column("alert_id", Integer, ForeignKey("alerts.id", ondelete="CASCADE"), primary_key=True),
    Column("output", String(200), primary_key=True),
    Column("delivered_at", DateTime(timezone=True), nullable=False),
)
