"""Read a page's declared metadata: JSON-LD NewsArticle, then OpenGraph and meta tags."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

# NewsArticle and its kinds come first; a plain Article or BlogPosting only when no news.
NEWS_TYPES = ("NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle",
              "OpinionNewsArticle", "BackgroundNewsArticle", "ReviewNewsArticle",
              "AskPublicNewsArticle")
OTHER_TYPES = ("Article", "BlogPosting", "Report", "SocialMediaPosting", "WebPage")
FIELDS = ("title", "date", "updated", "author", "source", "source_url")


@dataclass(frozen=True)
class Declared:
    """Metadata one kind of markup declares, field by field ("" when it says nothing)."""

    title: str = ""
    date: str = ""
    updated: str = ""
    author: str = ""
    source: str = ""
    source_url: str = ""


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, list):
        for child in node:
            yield from _walk(child)
    elif isinstance(node, dict):
        yield node
        yield from _walk(node.get("@graph", []))


def _types(node: dict[str, Any]) -> set[str]:
    kind = node.get("@type", [])
    return {str(k).rsplit("/", 1)[-1] for k in (kind if isinstance(kind, list) else [kind])}


def _name(value: Any) -> str:
    """Read a name from a string, a {name} object or a list of either."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dict):
        return _name(value.get("name", ""))
    if isinstance(value, list):
        return ", ".join(n for n in (_name(v) for v in value) if n)
    return ""


def _url(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("@id") or value.get("url") or ""
    return value.strip() if isinstance(value, str) and value.startswith("http") else ""


def json_ld(tree: Any) -> Declared:
    """Read the page's JSON-LD NewsArticle (or, failing one, Article)."""
    nodes: list[dict[str, Any]] = []
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            nodes.extend(_walk(json.loads(script.text or "")))
        except (ValueError, RecursionError):  # a broken block is the page's; others may do
            continue
    for kinds in (NEWS_TYPES, OTHER_TYPES):
        for node in nodes:
            if _types(node) & set(kinds):
                return _article(node)
    return Declared()


def _article(node: dict[str, Any]) -> Declared:
    def text(key: str) -> str:
        value = node.get(key, "")
        return value.strip() if isinstance(value, str) else ""

    return Declared(title=text("headline") or text("name"),
                    date=text("datePublished") or text("dateCreated"),
                    updated=text("dateModified"),
                    author=_name(node.get("author", "")),
                    source=_name(node.get("publisher", "") or node.get("sourceOrganization", "")),
                    source_url=_url(node.get("url", "")) or _url(node.get("mainEntityOfPage", "")))


def _meta(tree: Any, attribute: str, *names: str) -> str:
    for name in names:
        for element in tree.xpath(f"//meta[@{attribute}]"):
            if element.get(attribute, "").strip().casefold() == name:
                content = (element.get("content") or "").strip()
                if content:
                    return content
    return ""


def opengraph(tree: Any) -> Declared:
    """Read the page's OpenGraph properties."""
    author = _meta(tree, "property", "article:author")
    return Declared(title=_meta(tree, "property", "og:title"),
                    date=_meta(tree, "property", "article:published_time"),
                    updated=_meta(tree, "property", "article:modified_time", "og:updated_time"),
                    author="" if author.startswith("http") else author,
                    source=_meta(tree, "property", "og:site_name"),
                    source_url=_url(_meta(tree, "property", "og:url")))


def meta(tree: Any) -> Declared:
    """Read the page's other meta tags and its canonical link."""
    canonical = [link.get("href", "") for link in tree.xpath("//link[@href]")
                 if "canonical" in (link.get("rel") or "").casefold().split()]
    return Declared(title=_meta(tree, "name", "twitter:title", "title", "dc.title"),
                    date=_meta(tree, "name", "article:published_time", "pubdate", "publishdate",
                               "date", "dc.date", "dc.date.issued", "dcterms.created"),
                    updated=_meta(tree, "name", "article:modified_time", "dcterms.modified"),
                    author=_meta(tree, "name", "author", "byl", "dc.creator"),
                    source=_meta(tree, "name", "application-name", "publisher", "dc.publisher"),
                    source_url=_url(canonical[0]) if canonical else "")
