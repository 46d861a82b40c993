"""Fusion: mentions of one real event, across articles, into one incident."""
from .cluster import cluster, fuse, may_relate

__all__ = ["cluster", "fuse", "may_relate"]
