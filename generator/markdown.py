"""Render Markdown bodies to HTML and derive plain-text summaries."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any
from urllib.parse import urljoin

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from generator.signals import deferred

# The "commonmark" preset plus tables and strikethrough: the "gfm-like" preset's linkify
# costs about three times as much per article, for bare URLs that editors rarely type.
_TAGS = nh3.ALLOWED_TAGS | {"section", "figure", "figcaption", "mark", "details", "summary"}
_ATTRIBUTES = {
    **{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()},
    "*": {"id", "class", "title", "lang", "dir"},
    "a": {"href", "title", "hreflang"},
    "img": {"src", "alt", "title", "width", "height", "loading"},
    "th": {"style", "colspan", "rowspan"},
    "td": {"style", "colspan", "rowspan"},
}


def highlight(code: str, lang: str, _attrs: str) -> str:
    """Colour a fenced code block with Pygments; unknown languages stay plain."""
    if not lang:
        return ""
    # Imported here: most articles have no code, and Pygments takes a while to load.
    import pygments
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        lexer = get_lexer_by_name(lang)
    except ClassNotFound:
        return ""
    return str(pygments.highlight(code, lexer, _formatter()))


@lru_cache(maxsize=1)
def _formatter() -> Any:
    from pygments.formatters import HtmlFormatter

    # nowrap: markdown-it wraps the spans in <pre><code class="language-…">.
    return HtmlFormatter(nowrap=True)


@lru_cache(maxsize=4)
def parser(raw_html: str) -> MarkdownIt:
    """Return the Markdown parser for a raw-HTML mode (sanitize, allow or escape)."""
    # commonmark's nesting limit of 20 drops deeper text; 100 keeps any real document
    # whole while still bounding the parser's recursion on pathological input.
    # xhtmlOut off: HTML5 void elements (<br>, <img …>), as the sanitizer also writes them.
    md = MarkdownIt("commonmark", {"html": raw_html != "escape", "highlight": highlight,
                                   "maxNesting": 100, "xhtmlOut": False})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    return md


def sanitize(html: str, attribute_filter: Callable[[str, str, str], str | None] | None = None,
             ) -> str:
    """Remove scripts, event handlers and unsafe URLs (javascript:, data:) from HTML."""
    return str(nh3.clean(html, tags=_TAGS, attributes=_ATTRIBUTES, link_rel=None,
                         filter_style_properties={"text-align"},
                         attribute_filter=attribute_filter))


def render(body: str, raw_html: str) -> tuple[str, str]:
    """Render a Markdown body; return its HTML and the plain text of its first paragraph."""
    md = parser(raw_html)
    tokens = md.parse(body)
    html = md.renderer.render(tokens, md.options, {})
    if raw_html == "sanitize" and (_has_html(tokens) or "data:" in html):
        # Without raw HTML, markdown-it escapes all text and refuses javascript:, vbscript:
        # and file: links itself; only data: images would get past it (nh3 drops those).
        html = sanitize(html)
    return html, first_paragraph(tokens)


def _has_html(tokens: list[Token]) -> bool:
    for token in tokens:
        if token.type == "html_block":
            return True
        if token.children and any(c.type == "html_inline" for c in token.children):
            return True
    return False


def first_paragraph(tokens: list[Token]) -> str:
    """Return the plain text of the first paragraph, or an empty string."""
    for index, token in enumerate(tokens):
        if token.type == "paragraph_open" and index + 1 < len(tokens):
            return plain_text(tokens[index + 1].children or [])
    return ""


def plain_text(children: list[Token]) -> str:
    """Flatten inline tokens to text, as a reader would read them."""
    parts: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.children:
            parts.append(plain_text(child.children))
    return " ".join("".join(parts).split())


def absolutize(html: str, page_url: str) -> str:
    """Make every href and src absolute against the page URL, for feed readers."""

    def rewrite(tag: str, attribute: str, value: str) -> str | None:
        if attribute in ("href", "src"):
            return urljoin(page_url, value)
        return value

    # nh3 prints and drops an exception raised in a Python filter, so a Ctrl-C landing in
    # `rewrite` would be lost: hold it until the sanitizer has returned.
    with deferred():
        return sanitize(html, rewrite)
