"""One imported item: its metadata, where each field came from, and its main text."""

from __future__ import annotations

import email.utils
import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from generator import __version__

TOOL = f"briefings import {__version__}"

# Where a field's value came from, as the draft's import.fields records it.
SOURCES = ("json-ld", "opengraph", "meta", "byline", "dateline", "caption", "extractor",
           "readability", "htmldate", "feed", "text", "import-time")


@dataclass(frozen=True)
class Item:
    """What one source item yields, before it becomes a draft."""

    origin: str  # the file path or URL it was read from (with #n for a feed's n-th item)
    checksum: str  # "sha256:…" of the original bytes
    title: str
    text: str  # the main text as Markdown
    date: str = ""  # ISO 8601, with an offset when a time is known
    updated: str = ""
    author: str = ""
    source: str = ""  # the publication or agency
    source_url: str = ""
    place: str = ""
    agency: str = ""
    caption: str = ""
    heuristic_date: bool = False
    fields: tuple[tuple[str, str], ...] = field(default=())  # (field, where it came from)


def checksum(raw: bytes) -> str:
    """Return the "sha256:…" checksum of the original bytes."""
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def text_key(text: str) -> str:
    """Return a checksum of a text's words, blind to spacing and Markdown escapes."""
    words = re.sub(r"\\(?=[^\w\s])", "", text).casefold().split()
    return hashlib.sha256(" ".join(words).encode()).hexdigest()


_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")


def iso_date(raw: str, tz: tzinfo) -> str:
    """Read an ISO 8601 or RFC 822 date; return it as ISO 8601, or "" when unreadable.

    A time without an offset is taken in `tz`; a date without a time stays a date, so no
    time of day is invented.
    """
    raw = raw.strip()
    if not raw:
        return ""
    if _DATE_ONLY.fullmatch(raw[:10]) and len(raw) == 10:
        return raw
    moment: datetime | None
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = email.utils.parsedate_to_datetime(raw)
        except (TypeError, ValueError, IndexError):
            moment = None
    if moment is None or not 1 < moment.year < 9999:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment.isoformat()


def first(*candidates: tuple[str, str]) -> tuple[str, str]:
    """Return the first (value, source) pair whose value is not empty, else ("", "")."""
    for value, where in candidates:
        if value and value.strip():
            return " ".join(value.split()), where
    return "", ""
