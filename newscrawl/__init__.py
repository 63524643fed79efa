"""newscrawl: a complete, exact JSON Lines record of what Al Mayadeen publishes."""

__version__ = "0.1.0"
