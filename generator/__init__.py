"""Briefings: a static site generator for topic briefing digests."""

__version__ = "0.1.0"
