"""Exports: JSONL (the contract outside tools read), CSV (GTD-like columns), GeoJSON."""
from .formats import FORMATS, write

__all__ = ["FORMATS", "write"]
