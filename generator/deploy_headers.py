"""Decide each deployed file's Content-Type and Cache-Control, and the order files go up. Pure."""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Iterable, Sequence
from functools import cache

from generator import routes
from generator.model import HeaderRule

UTF8 = "; charset=utf-8"
# By extension; text gets its charset so that no browser guesses one.
TYPES = {
    ".html": "text/html" + UTF8, ".css": "text/css" + UTF8,
    ".js": "text/javascript" + UTF8, ".mjs": "text/javascript" + UTF8,
    ".json": "application/json", ".map": "application/json",
    ".webmanifest": "application/manifest+json",
    ".xml": "application/xml" + UTF8, ".xsl": "application/xslt+xml" + UTF8,
    ".txt": "text/plain" + UTF8, ".md": "text/markdown" + UTF8, ".csv": "text/csv" + UTF8,
    ".ics": "text/calendar" + UTF8, ".svg": "image/svg+xml" + UTF8,
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
    ".webp": "image/webp", ".avif": "image/avif", ".ico": "image/x-icon",
    ".woff": "font/woff", ".woff2": "font/woff2", ".ttf": "font/ttf", ".otf": "font/otf",
    ".pdf": "application/pdf", ".wasm": "application/wasm",
    # Pagefind's index, fragments, metadata and compiled search: opaque (gzipped) bytes.
    ".pf_meta": "application/octet-stream", ".pf_index": "application/octet-stream",
    ".pf_fragment": "application/octet-stream", ".pagefind": "application/octet-stream",
}
# The feeds' own media types, by file name (routes.FEEDS), text ones with their charset.
FEED_TYPES = {name: kind + ("" if kind.endswith("json") else UTF8)
              for name, _, kind, _ in routes.FEEDS}

IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300"
HOUR = "public, max-age=3600"
# A theme asset's name carries its digest (style.af008850.css); Pagefind names its fragments,
# index chunks and metadata by theirs.
_FINGERPRINTED = re.compile(r"static/(?:.*/)?[^/]+\.[0-9a-f]{8,}\.[A-Za-z0-9]+"
                            r"|pagefind/(?:.*/)?[^/]+\.(?:pf_fragment|pf_index|pf_meta)")
_INDEX = {routes.SITEMAP}


def content_type(path: str) -> str:
    """Return the Content-Type a file of the site is served with."""
    name = path.rpartition("/")[2]
    if name in FEED_TYPES:
        return FEED_TYPES[name]
    ext = "." + name.rpartition(".")[2].lower() if "." in name else ""
    if ext in TYPES:
        return TYPES[ext]
    guessed = mimetypes.guess_type(name, strict=False)[0]
    if guessed and guessed.startswith("text/"):
        return guessed + UTF8
    return guessed or "application/octet-stream"


def default_cache_control(path: str) -> str:
    """Return the Cache-Control of a file no deploy.headers rule matches."""
    if _FINGERPRINTED.fullmatch(path):
        return IMMUTABLE
    if path.endswith(".html") or phase(path) == "index":
        return SHORT
    return HOUR


@cache
def _pattern(glob: str) -> re.Pattern[str]:
    """Compile a glob: ** spans folders ("**/" also matches none), * and ? stay in one."""
    out, i = [], 0
    while i < len(glob):
        if glob.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif glob.startswith("**", i):
            out.append(".*")
            i += 2
        elif glob[i] == "*":
            out.append("[^/]*")
            i += 1
        elif glob[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(glob[i]))
            i += 1
    return re.compile("".join(out))


def matches(glob: str, path: str) -> bool:
    """Tell whether a site path matches a deploy.headers glob (a leading / is ignored)."""
    return _pattern(glob.lstrip("/")).fullmatch(path) is not None


def headers(path: str, rules: Sequence[HeaderRule]) -> tuple[str, str]:
    """Return (Content-Type, Cache-Control) of a file: the first matching rule, else defaults."""
    kind, control = "", ""
    for rule in rules:
        if matches(rule.match, path):
            kind = kind or rule.content_type
            control = control or rule.cache_control
            if kind and control:
                break
    return kind or content_type(path), control or default_cache_control(path)


PHASES = ("assets", "pages", "index")  # the order they go up; the record, then deletions
PHASE_NAMES = {"assets": "assets", "pages": "pages",
               "index": "feeds, sitemap and search index"}


def phase(path: str) -> str:
    """Return which upload phase a file belongs to (readers reach assets through pages, and
    pages through feeds, the sitemap and search: each goes up before what links to it)."""
    name = path.rpartition("/")[2]
    if name in FEED_TYPES or path in _INDEX or path.startswith("pagefind/"):
        return "index"
    if name.endswith((".html", ".txt")) and not path.startswith("static/"):
        return "pages"
    return "assets"


def in_order(paths: Iterable[str]) -> dict[str, list[str]]:
    """Return the paths by phase, each sorted, phases in upload order."""
    grouped: dict[str, list[str]] = {name: [] for name in PHASES}
    for path in paths:
        grouped[phase(path)].append(path)
    return {name: sorted(found) for name, found in grouped.items()}
