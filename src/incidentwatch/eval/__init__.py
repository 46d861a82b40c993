"""Scoring: MUC-4 templates and news incidents against gold, as the shared scorers do."""
