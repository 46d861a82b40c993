"""What readers say about input they cannot take."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Rejection:
    """An input that was not ingested, and why (one line for the user)."""

    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


class Rejected(Exception):
    """Raised by a reader for a whole file that cannot be read."""
