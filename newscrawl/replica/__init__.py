"""newscrawl."""
