"""Index mentions by the end of their date span, so month-long spans are found without a wide scan.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_mentions_country_date_end", "mentions", ["country", "date_end"])


def downgrade() -> None:
    op.drop_index("ix_mentions_country_date_end", table_name="mentions")
