"""Event groups on incidents; mentions blocked by country and date.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("incidents") as batch:
        batch.add_column(sa.Column("group_id", sa.String(40)))
        batch.create_index("ix_incidents_group", ["group_id"])
    op.create_index("ix_mentions_country_date", "mentions", ["country", "date"])


def downgrade() -> None:
    op.drop_index("ix_mentions_country_date", table_name="mentions")
    with op.batch_alter_table("incidents") as batch:
        batch.drop_index("ix_incidents_group")
        batch.drop_column("group_id")
