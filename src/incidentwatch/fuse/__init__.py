"""Fusion: mentions of one real event, across articles, into one incident."""
from .cluster import cluster, fuse

__all__ = ["cluster", "fuse"]
