"""Follow feeds, folders and growing JSON Lines files; alert on new or changed incidents."""
from .config import Config, ConfigError, load
from .loop import Watcher

__all__ = ["Config", "ConfigError", "Watcher", "load"]
