"""Read a feed (RSS, Atom by feedparser; JSON Feed by its JSON): one item per entry."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import tzinfo
from typing import Any

import feedparser  # type: ignore[import-untyped]

from generator.importing.furniture import Furniture
from generator.importing.item import Item, checksum, first, iso_date
from generator.importing.webpage import main_text


class FeedProblem(Exception):
    """The feed cannot be read."""


def _html_text(html: str, title: str, furniture: Furniture) -> str:
    """Turn an entry's HTML (or plain text) into Markdown."""
    from trafilatura import load_html

    tree = load_html(f"<html><body><article>{html}</article></body></html>")
    if tree is None:
        return ""
    return main_text(tree, title, furniture, min_text=0)[0]


def _entry(origin: str, number: int, title: str, html: str, date: str, updated: str,
           author: str, source: str, url: str, tz: tzinfo, furniture: Furniture) -> Item:
    when, then = iso_date(date, tz), iso_date(updated, tz)
    values = {"title": title, "author": author, "source": source, "source_url": url,
              "date": when, "updated": then if then != when else ""}
    return Item(origin=f"{origin}#{number}", checksum=checksum(html.encode()),
                title=" ".join(title.split()), text=_html_text(html, title, furniture),
                date=when, updated=values["updated"], author=author.strip(),
                source=source.strip(), source_url=url.strip(),
                fields=(*((k, "feed") for k, v in values.items() if v), ("text", "feed")))


def read_xml_feed(raw: bytes, origin: str, tz: tzinfo, furniture: Furniture) -> list[Item]:
    """Make one item per entry of an RSS or Atom feed, content:encoded over the summary."""
    parsed = feedparser.parse(raw, sanitize_html=False, resolve_relative_uris=False)
    if parsed.get("bozo") and not parsed.entries:
        raise FeedProblem(f"is not a feed that can be read ({parsed.get('bozo_exception')})")
    publication = parsed.feed.get("title", "")
    items = []
    for number, entry in enumerate(parsed.entries, start=1):
        contents = [c.get("value", "") for c in entry.get("content", []) if c.get("value")]
        html = contents[0] if contents else entry.get("summary", "")
        # Raw strings, not feedparser's *_parsed: those are in UTC and drop the offset.
        published = entry.get("published", "") or entry.get("created", "")
        updated = entry.get("updated", "") if "updated" in entry else ""
        items.append(_entry(origin, number, entry.get("title", ""), html, published or updated,
                            updated, entry.get("author", ""), publication,
                            entry.get("link", ""), tz, furniture))
    return items


def _authors(item: Mapping[str, Any]) -> str:
    people = item.get("authors") or ([item["author"]] if item.get("author") else [])
    names = [p.get("name", "") for p in people if isinstance(p, dict)] if isinstance(
        people, list) else []
    return ", ".join(n.strip() for n in names if isinstance(n, str) and n.strip())


def read_json_feed(raw: bytes, origin: str, tz: tzinfo, furniture: Furniture) -> list[Item]:
    """Make one item per entry of a JSON Feed (1.0 or 1.1), content_html over the summary."""
    # feedparser reads no JSON Feed; its format is plain JSON with documented keys.
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise FeedProblem(f"is not valid JSON ({exc})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("items"), list):
        raise FeedProblem("is not a JSON Feed: it needs an 'items' list")
    publication = doc.get("title", "") if isinstance(doc.get("title"), str) else ""
    items = []
    for number, entry in enumerate(doc["items"], start=1):
        if not isinstance(entry, dict):
            raise FeedProblem(f"item {number} is not an object")

        def text(key: str, entry: dict[str, Any] = entry) -> str:
            value = entry.get(key, "")
            return value if isinstance(value, str) else ""

        html = text("content_html") or text("content_text") or text("summary")
        url, _ = first((text("url"), ""), (text("external_url"), ""))
        items.append(_entry(origin, number, text("title"), html, text("date_published"),
                            text("date_modified"), _authors(entry) or _authors(doc),
                            publication, url, tz, furniture))
    return items
