"""Write JSON Feed 1.1 documents (https://www.jsonfeed.org/version/1.1/), deterministically."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from urllib.parse import quote

from generator.model import Article, Picture, Site, SiteConfig
from generator.xmlchars import strip_forbidden

VERSION = "https://jsonfeed.org/version/1.1"
# RFC 3986 reserved characters and "%": an editor's URL keeps its structure and escapes.
_URI_SAFE = ":/?#[]@!$&'()*+,;=%~"

Item = dict[str, Any]


def document(config: SiteConfig, folder: str, file: str, title: str, description: str,
             items: list[Item]) -> bytes:
    """Return the feed of a folder (its page) as UTF-8 JSON, ending in a newline."""
    feed: dict[str, Any] = {
        "version": VERSION,
        "title": strip_forbidden(title),
        "home_page_url": config.permalink(folder),
        "feed_url": config.permalink(folder + file),
        "description": strip_forbidden(description),
        "language": config.language,
    }
    if config.author:
        feed["authors"] = [{"name": strip_forbidden(config.author)}]
    feed["items"] = items
    # Insertion order is fixed above and in the items: the same input gives the same bytes.
    return (json.dumps(feed, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def article_item(site: Site, article: Article, url: str, body: str | None) -> Item:
    """Return one article as an item; `body` is its absolute-URL HTML, None for summaries only."""
    cfg = site.config
    item: Item = {"id": article.guid, "url": url, "title": strip_forbidden(article.title)}
    if body is not None:
        item["content_html"] = body
    else:
        # A JSON Feed item needs content_html or content_text; the RSS gives the summary.
        item["content_text"] = strip_forbidden(article.summary or article.title)
    if article.summary:
        item["summary"] = strip_forbidden(article.summary)
    if article.picture is not None:
        item["image"] = image_url(cfg, article.picture)
    item["date_published"] = rfc3339(article.date)
    item["date_modified"] = rfc3339(article.updated or article.date)
    author = article.author or cfg.author
    if author:
        item["authors"] = [{"name": strip_forbidden(author)}]
    tags = [strip_forbidden(tag.name) for tag in site.tags_of(article)]
    if tags:
        item["tags"] = tags
    return item


def edition_item(url: str, title: str, body: str, summary: str, end: datetime) -> Item:
    """Return one digest edition as an item; its permalink is its id, as in RSS and Atom."""
    return {"id": url, "url": url, "title": strip_forbidden(title), "content_html": body,
            "summary": strip_forbidden(summary), "date_published": rfc3339(end),
            "date_modified": rfc3339(end)}


def image_url(config: SiteConfig, picture: Picture) -> str:
    """Return the absolute, percent-encoded URL of an image (a site path or a URL)."""
    if picture.remote:
        return quote(picture.src, safe=_URI_SAFE)
    # A site path is relative to the site root; a leading slash would double the base's.
    return config.permalink(picture.src.lstrip("/"))


def rfc3339(moment: datetime) -> str:
    """Return an aware datetime as RFC 3339 text (dates are always aware here)."""
    return moment.isoformat()
