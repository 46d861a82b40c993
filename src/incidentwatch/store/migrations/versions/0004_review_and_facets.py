"""Analysts' corrections, and facets of incidents for filtering (group, attack/target/weapon type, claimed).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    facets = op.create_table(
        "incident_facets",
        sa.Column("incident_id", sa.String(40), sa.ForeignKey("incidents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("facet", sa.String(20), nullable=False),
        sa.Column("value", sa.String(200), nullable=False),
    )
    op.create_index("ix_incident_facets_value", "incident_facets", ["facet", "value", "incident_id"])
    op.create_index("ix_incident_facets_incident", "incident_facets", ["incident_id"])
    op.create_table(
        "corrections",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("anchor", sa.String(220), nullable=False),
        sa.Column("other", sa.String(220)),
        sa.Column("incident_id", sa.String(40), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("field", sa.String(40)),
        sa.Column("value", sa.JSON),
        sa.Column("machine_value", sa.JSON),
        sa.Column("reviewer", sa.String(200), nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_corrections_anchor", "corrections", ["anchor"])
    op.create_index("ix_corrections_other", "corrections", ["other"])
    with op.batch_alter_table("incidents") as batch:
        batch.add_column(sa.Column("perpetrator", sa.String(200)))
        batch.create_index("ix_incidents_killed", ["killed"])
        # covering indexes: totals and the timeline, and the map's deadliest points, without reading records
        batch.create_index("ix_incidents_timeline", ["date", "perpetrator", "killed", "injured"])
        batch.create_index("ix_incidents_map", ["killed", "lat", "lon", "id", "date", "city", "perpetrator"])
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        # full-text search over the articles of each incident, keyed by the incident's rowid; the store
        # fills it when it writes incidents, and a trigger empties it when they are deleted
        op.execute("CREATE VIRTUAL TABLE incident_fts USING fts5(body)")
        op.execute("CREATE TRIGGER incident_fts_delete AFTER DELETE ON incidents BEGIN "
                   "DELETE FROM incident_fts WHERE rowid = old.rowid; END")
        from incidentwatch.store.queries import INDEX_TEXT

        op.execute(INDEX_TEXT.format(where=""))
    from incidentwatch.store.facets import facet_rows, perpetrator

    rows = conn.execute(sa.text("SELECT id, data FROM incidents")).fetchall()
    batch = []
    for incident_id, data in rows:
        data = _json(data)
        batch.extend(facet_rows(incident_id, data))
        conn.execute(sa.text("UPDATE incidents SET perpetrator = :p WHERE id = :id"),
                     {"p": perpetrator(data), "id": incident_id})
        if len(batch) > 5000:
            op.bulk_insert(facets, batch)
            batch = []
    if batch:
        op.bulk_insert(facets, batch)


def _json(data):
    import json

    return data if isinstance(data, dict) else json.loads(data)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS incident_fts_delete")
        op.execute("DROP TABLE IF EXISTS incident_fts")
    with op.batch_alter_table("incidents") as batch:
        batch.drop_index("ix_incidents_killed")
        batch.drop_index("ix_incidents_timeline")
        batch.drop_index("ix_incidents_map")
        batch.drop_column("perpetrator")
    op.drop_table("corrections")
    op.drop_table("incident_facets")
