"""Make an edition's email-ready: every style inlined in its HTML, its text part wrapped."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from functools import lru_cache
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

from markupsafe import Markup

from generator.markdown import absolutize
from generator.model import Picture, SiteConfig

# Characters a URI may hold as they are (RFC 3986 reserved and unreserved, and "%" so that
# an encoded URL is not encoded twice): everything else, non-ASCII above all, is encoded.
URI_SAFE = "!#$%&'()*+,/:;=?@[]~"
# Mail clients draw the email 600 px wide at most; the text inside has 20 px each side.
EMAIL_WIDTH = 600
IMAGE_WIDTH = 560
# Columns of the text part: a Chinese, Japanese or Korean character takes two.
TEXT_COLUMNS = 72
WIDE_LANGUAGES = ("ko", "ja", "zh")


@lru_cache(maxsize=1)
def _inliner() -> Any:
    # Imported here: only digest emails need it, and most builds render none.
    import css_inline

    # Mail clients drop <style> blocks and never load stylesheets or scripts: styles go
    # onto each element; remote stylesheets are never fetched (the build stays offline and
    # deterministic).
    return css_inline.CSSInliner(keep_style_tags=False, keep_link_tags=False,
                                 load_remote_stylesheets=False)


def inline_css(html: str) -> str:
    """Inline the page's <style> rules into style attributes and drop the <style> tags."""
    return str(_inliner().inline(html))


class _Wrapper(textwrap.TextWrapper):
    """textwrap's rules, with the lines made in one pass.

    textwrap cuts an over-long word one line at a time and copies the rest of the word
    each time: quadratic in the word's length (a 10 MB word took some 40 s). Here a word is
    read at an offset instead, so each character is copied once. The loop is textwrap's
    `_wrap_chunks` for what Jinja's `wordwrap` uses: no indents, no line limit,
    whitespace dropped at the ends of lines.
    """

    def _wrap_chunks(self, chunks: list[str]) -> list[str]:
        width = self.width
        if width <= 0:
            raise ValueError(f"invalid width {width!r} (must be > 0)")
        # Where each chunk's trailing space starts: its rest from an offset is space
        # (as str.strip() has it) when the offset is past that point.
        ends = [len(chunk.rstrip()) for chunk in chunks]
        lines: list[str] = []
        index, offset = 0, 0  # the next chunk, and how much of it is used already
        count = len(chunks)
        while index < count:
            line: list[str] = []
            size = 0
            if lines and offset >= ends[index]:  # space at the start of a line is dropped
                index, offset = index + 1, 0
            while index < count and size + len(chunks[index]) - offset <= width:
                piece = chunks[index][offset:] if offset else chunks[index]
                line.append(piece)
                size += len(piece)
                index, offset = index + 1, 0
            if index < count and len(chunks[index]) - offset > width:
                offset = self._cut_long_word(chunks[index], offset, line, size)
                if offset == len(chunks[index]):
                    index, offset = index + 1, 0
            if line and not line[-1].strip():
                line.pop()
            if line:
                lines.append("".join(line))
        return lines

    def _cut_long_word(self, chunk: str, offset: int, line: list[str], size: int) -> int:
        """Put what fits of a too-long chunk on the line; return the new offset into it."""
        if not self.break_long_words:
            if not line:
                line.append(chunk[offset:])
                return len(chunk)
            return offset
        space = self.width - size
        end = offset + space
        if self.break_on_hyphens and len(chunk) - offset > space:
            # Break after the last hyphen that fits, if there is more than hyphens before it.
            hyphen = chunk.rfind("-", offset, end)
            if hyphen > offset and chunk[offset:hyphen].strip("-"):
                end = hyphen + 1
        line.append(chunk[offset:end])
        return end


def wrap(text: str, width: int = 79, break_long_words: bool = True,
         wrapstring: str | None = None, break_on_hyphens: bool = True) -> str:
    """Wrap text as Jinja's `wordwrap` filter does, in time linear in its length.

    Each line of the text is a paragraph wrapped on its own; lines are joined with
    `wrapstring` (a newline by default).
    """
    wrapper = _Wrapper(width=width, expand_tabs=False, replace_whitespace=False,
                       break_long_words=break_long_words, break_on_hyphens=break_on_hyphens)
    newline = "\n" if wrapstring is None else wrapstring
    return newline.join(newline.join(wrapper.wrap(line)) for line in text.splitlines())


def uri(url: str) -> str:
    """Return a URL as a URI: non-ASCII and spaces percent-encoded, the host in IDNA."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if not netloc.isascii():
        try:
            netloc = netloc.encode("idna").decode("ascii")
        except UnicodeError:  # not a valid host name: encoded like the rest, still ASCII
            netloc = quote(netloc, safe=URI_SAFE)
    return urlunsplit((parts.scheme, netloc, quote(parts.path, safe=URI_SAFE),
                       quote(parts.query, safe=URI_SAFE), quote(parts.fragment, safe=URI_SAFE)))


def absolute_html(html: str, page_url: str) -> Markup:
    """Make every link and image of an HTML fragment absolute against the page's URL."""
    # absolutize writes each URL as a URI (percent-encoded): mail clients and feed readers
    # do not all take IRIs.
    return Markup(absolutize(html, page_url))


def text_columns(language: str) -> int:
    """Return how many characters a line of the text part holds in the site language."""
    wide = language.replace("_", "-").split("-")[0].lower() in WIDE_LANGUAGES
    return TEXT_COLUMNS // 2 if wide else TEXT_COLUMNS


def email_image(config: SiteConfig, picture: Picture) -> dict[str, Any]:
    """Return the src, width and height (None when unknown) an email shows a picture at.

    A resized copy at least twice the shown width is sharp on high-density screens and
    lighter than the original; without one, the largest there is.
    """
    if picture.remote:
        return {"src": uri(picture.src), "width": IMAGE_WIDTH, "height": None}
    sizes = sorted(picture.variants, key=lambda variant: variant[1])
    if picture.width:
        sizes.append((picture.src, picture.width))
    sharp = [size for size in sizes if size[1] >= 2 * IMAGE_WIDTH]
    src, width = (sharp[0] if sharp else sizes[-1]) if sizes else (picture.src, None)
    shown = min(width or IMAGE_WIDTH, IMAGE_WIDTH)
    height = None
    if picture.width and picture.height:
        height = round(picture.height * shown / picture.width)
    return {"src": config.permalink(src.lstrip("/")), "width": shown, "height": height}


# Elements that end a paragraph of the text part, and those that start a list item.
_BLOCKS = {"address", "article", "aside", "blockquote", "dd", "div", "dl", "dt",
           "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header",
           "hr", "li", "ol", "p", "pre", "section", "table", "tr", "ul"}


class _Text(HTMLParser):
    """Read HTML as the paragraphs of a plain-text email, each link numbered: "text [1]"."""

    def __init__(self, page_url: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.page_url = page_url  # None: links are read as their text alone
        self.paragraphs: list[str] = []
        self.references: list[str] = []  # the URI of link [1], [2]…, each once
        self.words: list[str] = []
        self.links: list[str | None] = []  # the URI of each open <a>, None without one
        self.pre = 0

    def flush(self) -> None:
        text = "".join(self.words)
        text = text.strip("\n") if self.pre else " ".join(text.split())
        if text:
            self.paragraphs.append(text)
        self.words = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in _BLOCKS:
            self.flush()
        if tag == "li":
            self.words.append("* ")
        elif tag == "pre":
            self.pre += 1
        elif tag == "br":
            self.flush()
        elif tag == "img" and found.get("alt"):
            self.words.append(f"[{found['alt']}]")
        elif tag == "a":
            href = found.get("href")
            ok = href and self.page_url is not None
            self.links.append(uri(urljoin(self.page_url or "", href or "")) if ok else None)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.links:
            href = self.links.pop()
            if href:
                if href not in self.references:
                    self.references.append(href)
                self.words.append(f" [{self.references.index(href) + 1}]")
        if tag in _BLOCKS:
            self.flush()
        if tag == "pre":
            self.pre = max(self.pre - 1, 0)

    def handle_data(self, data: str) -> None:
        self.words.append(data)


def _read(html: str, page_url: str | None) -> _Text:
    reader = _Text(page_url)
    reader.feed(html)
    reader.close()
    reader.flush()
    return reader


def plain_text(html: str, page_url: str, width: int = TEXT_COLUMNS) -> str:
    """Write an HTML fragment as wrapped plain text, a blank line between paragraphs.

    Links are numbered in the text and their URLs listed after it, one a line and never
    wrapped: a mail client makes a link only of an unbroken URL.
    """
    reader = _read(html, page_url)
    text = "\n\n".join(wrap(paragraph, width, break_on_hyphens=False)
                        for paragraph in reader.paragraphs)
    urls = [f"[{number}] {href}" for number, href in enumerate(reader.references, 1)]
    return text + ("\n\n" + "\n".join(urls) if urls else "")


def first_line(html: str, limit: int = 150) -> str:
    """Return the first paragraph of an HTML fragment as text, cut at a word near `limit`."""
    found = _read(html, None).paragraphs
    text = found[0] if found else ""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit].rstrip() + "…"


def filters(config: SiteConfig) -> dict[str, Callable[..., Any]]:
    """Return the Jinja filters that email templates use, bound to the site's settings."""
    columns = text_columns(config.language)
    return {
        "uri": uri,
        "absolute_html": absolute_html,
        "email_image": lambda picture: email_image(config, picture),
        "email_text": lambda html, page_url: plain_text(html, page_url, columns),
        "email_wrap": lambda text: wrap(text, columns),
        "first_line": first_line,
    }
