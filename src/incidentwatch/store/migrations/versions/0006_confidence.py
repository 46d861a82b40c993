"""Incidents carry their confidence as a column, so that lists filter on it in the database.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # incidents stored before carry none (NULL): filters let them through until `incidentwatch reextract`
    op.add_column("incidents", sa.Column("confidence", sa.Float))


def downgrade() -> None:
    op.drop_column("incidents", "confidence")
