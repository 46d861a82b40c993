"""Learning from annotated documents: role fillers (who attacked whom, with what) and incident types."""
