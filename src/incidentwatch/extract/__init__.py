"""Per-article extraction: text -> Mentions, each field with its evidence."""
