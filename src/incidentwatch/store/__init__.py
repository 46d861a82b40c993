"""Storage: SQLAlchemy tables, Alembic migrations, and the queries the API needs."""
from .db import Store, resolve_url

__all__ = ["Store", "resolve_url"]
