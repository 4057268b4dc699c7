"""Render Markdown bodies to HTML and derive plain-text summaries."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.footnote import footnote_plugin

from generator.bodyurls import absolutize, rebase, to_uri
from generator.sanitize import removals, sanitize, scheme

__all__ = ["Rendered", "absolutize", "rebase", "render_body", "sanitize", "to_uri"]

Resolve = Callable[[str], "dict[str, str] | None"]


@dataclass(frozen=True)
class Rendered:
    """A rendered body: its HTML, first paragraph, sanitizer warnings and local URLs."""

    html: str
    first: str  # the plain text of the first paragraph
    warnings: tuple[tuple[int, str], ...] = ()  # (line in the body, message)
    references: tuple[tuple[int, str, str], ...] = ()  # (line, "image" or "link", URL)
    text: str = ""  # what a reader reads, as plain text (names are looked for in it)

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
    # The "commonmark" preset plus tables and strikethrough: the "gfm-like" preset's linkify
    # costs about three times as much per article, for bare URLs that editors rarely type.
    # commonmark's nesting limit of 20 drops deeper text; 100 keeps any real document
    # whole while still bounding the parser's recursion on pathological input.
    # xhtmlOut off: HTML5 void elements (<br>, <img …>), as the sanitizer also writes them.
    md = MarkdownIt("commonmark", {"html": raw_html != "escape", "highlight": highlight,
                                   "maxNesting": 100, "xhtmlOut": False})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    md.add_render_rule("image", _image)
    return md


def local(url: str) -> bool:
    """Tell whether a URL names a file beside the page: no scheme, not "/…", "//…" or "#…"."""
    return bool(url) and not url.startswith(("/", "#", "\\")) and not scheme(url)


def _image(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict,
           env: EnvType) -> str:
    token = tokens[idx]
    attrs: dict[str, str] = {"src": str(token.attrs.get("src", "")),
                             "alt": self.renderInlineAsText(token.children or [], options, env)}
    title = str(token.attrs.get("title", ""))
    if title and not token.meta.get("figure"):
        attrs["title"] = title
    resolve: Resolve | None = env.get("resolve")
    if resolve is not None and local(attrs["src"]):
        attrs.update(resolve(unquote(attrs["src"])) or {})
    attrs.setdefault("loading", "lazy")
    attrs.setdefault("decoding", "async")
    img = "<img" + "".join(f' {name}="{escapeHtml(value)}"' for name, value in attrs.items())
    if token.meta.get("figure"):
        return f"{img}><figcaption>{escapeHtml(title)}</figcaption>"
    return img + ">"


def _mark_figures(tokens: list[Token]) -> None:
    """Make each paragraph that holds only a titled image a figure with a caption."""
    for index in range(1, len(tokens) - 1):
        inline = tokens[index]
        children = inline.children or []
        if (inline.type == "inline" and len(children) == 1 and children[0].type == "image"
                and children[0].attrs.get("title")
                and tokens[index - 1].type == "paragraph_open"
                and tokens[index + 1].type == "paragraph_close"):
            children[0].meta["figure"] = True
            for token in (tokens[index - 1], tokens[index + 1]):
                # A tight list hides its paragraphs; a figure is still written.
                token.tag, token.hidden = "figure", False


def render_body(body: str, raw_html: str, embeds: tuple[str, ...] = (),
                resolve: Resolve | None = None) -> Rendered:
    """Render a Markdown body to HTML, with what sanitizing removed and the local URLs."""
    md = parser(raw_html)
    env: dict[str, Any] = {"resolve": resolve}
    tokens = md.parse(body, env)
    _mark_figures(tokens)
    html = md.renderer.render(tokens, md.options, env)
    warnings: list[tuple[int, str]] = []
    references: list[tuple[int, str, str]] = []
    for line, token, text in _located(tokens):
        if token.type in ("html_block", "html_inline"):
            # Raw HTML is checked for what sanitizing removes; the files it names are the
            # author's own business, as in any hand-written HTML (only Markdown's are checked).
            found, _ = removals(text, embeds)
            if raw_html == "sanitize":
                warnings += [(line + at - 1, why) for at, why in found]
            continue
        kind, url = ("image", "src") if token.type == "image" else ("link", "href")
        target = str(token.attrs.get(url, ""))
        if _reference(target):
            references.append((line, kind, unquote(target)))
        if raw_html == "sanitize" and kind == "image" and scheme(target) == "data":
            warnings.append((line, "removed the data: source of an image (raw_html: sanitize)"))
    if raw_html == "sanitize" and (_has_html(tokens) or "data:" in html):
        # Without raw HTML, markdown-it escapes all text and refuses javascript:, vbscript:
        # and file: links itself; only data: images would get past it (nh3 drops those).
        html = sanitize(html, embeds)
    return Rendered(html, first_paragraph(tokens), tuple(dict.fromkeys(warnings)),
                    tuple(references), all_text(tokens))


def _reference(url: str) -> bool:
    # Relative and root-relative URLs: a file or page of this site that should exist.
    return bool(url) and not url.startswith(("#", "//")) and not scheme(url)


def _located(tokens: list[Token]) -> Iterator[tuple[int, Token, str]]:
    """Yield raw HTML, links and images with their 1-based line in the body."""
    line = 1
    for token in tokens:
        if token.map is not None:
            line = token.map[0] + 1
        if token.type == "html_block":
            yield line, token, token.content
        elif token.type == "inline":
            at = line
            for child in token.children or []:
                if child.type == "html_inline":
                    yield at, child, child.content
                elif child.type in ("link_open", "image"):
                    yield at, child, ""
                # A break's content is empty; raw HTML and an image's alt may span lines.
                at += 1 if child.type in ("softbreak", "hardbreak") else child.content.count("\n")
def _has_html(tokens: list[Token]) -> bool:
    for token in tokens:
        if token.type == "html_block":
            return True
        if token.children and any(c.type == "html_inline" for c in token.children):
            return True
    return False


def first_paragraph(tokens: list[Token]) -> str:
    """Return the plain text of the first paragraph of text, or an empty string."""
    for index, token in enumerate(tokens):
        if token.type == "paragraph_open" and index + 1 < len(tokens):
            children = tokens[index + 1].children or []
            # A photo on its own is no summary: its alt text describes the picture.
            if all(c.type in _PICTURE for c in children if c.content.strip() or c.children):
                continue
            return plain_text(children)
    return ""


_PICTURE = ("image", "softbreak", "hardbreak")


_TAG = re.compile(r"<[^>]*>")


def all_text(tokens: list[Token]) -> str:
    """Return the plain text of every block (paragraphs, headings, lists, tables, raw HTML
    blocks without their tags), one a line."""
    return "\n".join(plain_text(t.children or []) if t.type == "inline"
                     else html.unescape(_TAG.sub(" ", t.content))
                     for t in tokens if t.type in ("inline", "html_block"))


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


