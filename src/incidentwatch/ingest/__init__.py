"""Readers: turn files and feeds into Article records (or Rejections)."""
from .errors import Rejection
from .read import read_paths

__all__ = ["Rejection", "read_paths"]
