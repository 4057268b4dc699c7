"""Read a saved web page: metadata by precedence, main text by trafilatura (or readability)."""

from __future__ import annotations

import re
from configparser import ConfigParser
from copy import deepcopy
from datetime import tzinfo
from functools import cache
from typing import Any

import trafilatura
from htmldate import find_date
from lxml.etree import Element  # type: ignore[import-untyped]
from lxml.html import fragment_fromstring, tostring  # type: ignore[import-untyped]
from readability import Document  # type: ignore[import-untyped]
from trafilatura.settings import Document as Extracted
from trafilatura.settings import use_config
from trafilatura.xml import xmltotxt

from generator.importing import metadata
from generator.importing.furniture import Furniture
from generator.importing.item import Item, checksum, first, iso_date

MIN_TEXT = 200  # characters of main text below which readability-lxml is tried as well
_BY = re.compile(r"^(?:by|от|автор:?)\s+", re.IGNORECASE)
_REPORTER = re.compile(r"\s*(?:기자|특파원)$")


class NoText(Exception):
    """The page has no main text to import."""


@cache
def _config() -> ConfigParser:
    config = use_config()
    # Feed items and short pages are legitimate; the timeout uses signals, which a
    # library must not arm.
    for key in ("MIN_EXTRACTED_SIZE", "MIN_OUTPUT_SIZE", "MIN_OUTPUT_COMM_SIZE",
                "EXTRACTION_TIMEOUT"):
        config.set("DEFAULT", key, "0" if key == "EXTRACTION_TIMEOUT" else "1")
    return config


def _plain(text: str) -> str:
    return " ".join(text.split())


def _markdown(body: Any, title: str, furniture: Furniture) -> str:
    """Render trafilatura's extracted tree as Markdown, quotes as `>` blocks."""
    if body is None:
        return ""
    blocks: list[str] = []
    for index, child in enumerate(body):
        words = _plain("".join(child.itertext()))
        if index == 0 and child.tag == "head" and words.casefold() == _plain(title).casefold():
            continue  # the page's own headline: the draft has it as its title
        if words in furniture:
            continue
        root = Element("body")
        copy = deepcopy(child)
        copy.tail = None
        root.append(copy)
        text = xmltotxt(root, include_formatting=True).strip()
        if child.tag == "quote":
            text = "\n".join(f"> {line}".rstrip() for line in text.splitlines())
        if text:
            blocks.append(text)
    return "\n\n".join(blocks)


def _extract(html: Any, title: str, furniture: Furniture,
             recall: bool = False) -> tuple[str, Extracted | None]:
    document = trafilatura.bare_extraction(
        html, with_metadata=True, include_links=True, include_formatting=True,
        include_comments=False, include_tables=True, favor_precision=not recall,
        favor_recall=recall, deduplicate=False, config=_config())
    if not isinstance(document, Extracted):
        return "", None
    return _markdown(document.body, title or document.title or "", furniture), document


def _neutral(summary: str) -> Any:
    """Make readability's pick plain blocks, so trafilatura converts it without pruning."""
    tree = fragment_fromstring(summary, create_parent="div")
    # Readability chose these as the story; their tags, classes and ids (a <footer>, a
    # "related" class) are what made trafilatura drop them.
    for element in tree.iter("footer", "header", "aside", "nav", "section"):
        element.tag = "div"
    for element in tree.iter():
        for name in ("class", "id", "role"):
            element.attrib.pop(name, None)
    return trafilatura.load_html(f"<html><body>{tostring(tree, encoding='unicode')}"
                                 "</body></html>")


def main_text(tree: Any, title: str, furniture: Furniture,
              min_text: int = MIN_TEXT) -> tuple[str, str, str]:
    """Return (Markdown, the extractor used, the extractor's title) of a page's main text."""
    text, document = _extract(deepcopy(tree), title, furniture)
    found_title = document.title if document and document.title else ""
    used = "extractor"
    if len(_plain(text)) < min_text:
        summary = Document(tostring(tree, encoding="unicode")).summary(html_partial=True)
        fallback, _ = _extract(_neutral(summary), title or found_title, furniture, recall=True)
        if len(_plain(fallback)) > len(_plain(text)):
            text, used = fallback, "readability"
    return text, used, found_title


def _person(name: str) -> str:
    return _REPORTER.sub("", _BY.sub("", name.strip())).strip()


def read_page(raw: bytes, origin: str, tz: tzinfo, furniture: Furniture,
              min_text: int = MIN_TEXT) -> Item:
    """Make an item of a saved HTML page; raise NoText when it has no main text."""
    tree = trafilatura.load_html(raw)
    if tree is None:
        raise NoText("is not an HTML page that can be read")
    found = [(metadata.json_ld(tree), "json-ld"), (metadata.opengraph(tree), "opengraph"),
             (metadata.meta(tree), "meta")]
    declared_title, _ = first(*((d.title, w) for d, w in found))
    text, used, extracted_title = main_text(tree, declared_title, furniture, min_text)
    if not text.strip():
        raise NoText("has no main text that could be extracted")
    values: dict[str, tuple[str, str]] = {}
    for name in metadata.FIELDS:
        values[name] = first(*((getattr(d, name), w) for d, w in found))
    if not values["title"][0]:
        values["title"] = first((extracted_title, "extractor"))
    date, where = iso_date(values["date"][0], tz), values["date"][1]
    heuristic = False
    if not date:
        guess = find_date(tree, original_date=True, extensive_search=True,
                          outputformat="%Y-%m-%d")
        date, where, heuristic = (guess, "htmldate", True) if guess else ("", "", False)
    updated = iso_date(values["updated"][0], tz)
    fields = [(name, where_) for name, (value, where_) in values.items()
              if value and name not in ("date", "updated")]
    fields += [("date", where)] if date else []
    fields += [("updated", values["updated"][1])] if updated and updated != date else []
    fields.append(("text", used))
    return Item(origin=origin, checksum=checksum(raw), title=values["title"][0], text=text,
                date=date, updated=updated if updated != date else "",
                author=_person(values["author"][0]), source=values["source"][0],
                source_url=values["source_url"][0], heuristic_date=heuristic,
                fields=tuple(fields))
