"""incidentwatch: news reports about militant attacks -> a traceable incident database."""
__version__ = "0.1.0"
