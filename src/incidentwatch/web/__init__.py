"""The analyst workbench (incidentwatch serve)."""
