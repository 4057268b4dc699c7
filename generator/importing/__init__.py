"""Turn raw material (saved pages, feeds, plain-text scrapes) into draft articles."""
