"""Every output path and feed file name of a site, defined once. Pure.

Paths are relative to the site root; folders end in "/" and their page is "index.html".
A new page type adds its route here, and the model, the planner, the feeds and the
templates (through the `routes` global) all read it from here.
"""

from __future__ import annotations

ARTICLES = "articles/"
BRIEFINGS = "briefings/"
TAGS = "tags/"
ENTITIES = "entities/"
CORRECTIONS = "corrections/"  # every correction the site has published
CLAIMS = "claims/"
DIGESTS = "digests/"
ARCHIVE = "archive/"
SEARCH = "search/"
SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"
NOT_FOUND = "404.html"
PAGE = "index.html"
EMAIL = ("email.html", "email")  # an edition's email copy: (file, page kind)
EMAIL_TEXT = ("email.txt", "text")  # and its plain-text part

TIMELINE = "timeline/"  # a briefing's whole timeline, with key/ for key developments only
TIMELINE_JSON = "timeline.json"  # a briefing's or an entity's, in TimelineJS3's format
PAGEFIND = "pagefind/"  # the search index
STATIC = "static/"  # the theme's files
# First folders of the site's own routes: a page of its own (content/pages/) cannot take one.
RESERVED = ("articles", "briefings", "tags", "digests", "archive", "search", "pagefind",
            "static", "page", "entities", "claims", "corrections")

RSS = "feed.xml"
ATOM = "atom.xml"
# Each feed format: (file name, format, media type, label).
FEEDS = ((RSS, "rss", "application/rss+xml", "RSS"),
         (ATOM, "atom", "application/atom+xml", "Atom"),
         ("feed.json", "json", "application/feed+json", "JSON Feed"))


def article(slug: str) -> str:
    """Return the folder of an article."""
    return f"{ARTICLES}{slug}/"


def standalone(slug: str) -> str:
    """Return the folder of a page of its own (content/pages/<slug>.md)."""
    return f"{slug}/"


def briefing(slug: str) -> str:
    """Return the folder of a briefing."""
    return f"{BRIEFINGS}{slug}/"


def entity(slug: str) -> str:
    """Return the folder of an entity (a person, organization, country…)."""
    return f"{ENTITIES}{slug}/"


def claim(slug: str) -> str:
    """Return the folder of a claim and the positions taken on it."""
    return f"{CLAIMS}{slug}/"


def tag(slug: str) -> str:
    """Return the folder of a tag."""
    return f"{TAGS}{slug}/"


def digests(scope: str = "") -> str:
    """Return the digest folder of the site ("") or of a briefing (its folder)."""
    return scope + DIGESTS


def edition(scope: str, key: str) -> str:
    """Return the folder of one digest edition."""
    return f"{digests(scope)}{key}/"


def archive(year: int, month: int | None = None) -> str:
    """Return the archive folder of a year, or of one of its months."""
    return f"{ARCHIVE}{year}/" if month is None else f"{ARCHIVE}{year}/{month:02d}/"


def timeline(folder: str, key_only: bool = False) -> str:
    """Return the folder of a briefing's timeline page (everything, or key developments)."""
    return f"{folder}{TIMELINE}{'key/' if key_only else ''}"


def paged(base: str, number: int) -> str:
    """Return the folder of page `number` of a paginated list."""
    return base if number == 1 else f"{base}page/{number}/"


def page_file(path: str) -> str:
    """Return the file of a route: a folder's index.html, or the file itself."""
    return path + PAGE if path.endswith("/") or not path else path


def feed_files(folder: str) -> tuple[str, ...]:
    """Return the feed files of a folder, one per format."""
    return tuple(folder + name for name, _, _, _ in FEEDS)
