"""What readers say about input they cannot take."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Rejection:
    """An input that was not ingested, and why (one line for the user)."""

    source: str
    reason: str

    def __str__(self) -> str:
        reason = " / ".join(ln.strip() for ln in self.reason.splitlines() if ln.strip())  # always one line
        return f"{self.source}: {reason}"


class Rejected(Exception):
    """Raised by a reader for a whole file that cannot be read."""
