"""Sanitize body HTML and say what the sanitizer removes, from one set of allowlists."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from html.parser import HTMLParser
from typing import Any

import nh3

from generator.signals import deferred

# The one source of truth: nh3 is given these, and `Removals` checks raw HTML against them.
TAGS = frozenset(nh3.ALLOWED_TAGS | {"section", "figure", "figcaption", "mark", "details",
                                      "summary"})
GENERIC = frozenset({"id", "class", "title", "lang", "dir"})
ATTRIBUTES: dict[str, frozenset[str]] = {
    **{tag: frozenset(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()},
    "a": frozenset({"href", "title", "hreflang"}),
    "img": frozenset({"src", "alt", "title", "width", "height", "loading", "decoding",
                      "srcset", "sizes"}),
    "th": frozenset({"style", "colspan", "rowspan"}),
    "td": frozenset({"style", "colspan", "rowspan"}),
    "iframe": frozenset({"src", "width", "height", "title", "allow", "allowfullscreen",
                         "aria-label"}),
}
URL_SCHEMES = frozenset(nh3.ALLOWED_URL_SCHEMES)
STYLE_PROPERTIES = frozenset({"text-align"})
# Forced on every embed, whatever the editor wrote. Scripts and the embed's own origin
# (its cookies, its player API) are what players and charts need; an allowed host is never
# this site's origin, so allow-same-origin cannot reach the page. Popups may leave the
# sandbox so that "Watch on YouTube" opens a normal tab; no top navigation, forms or modals.
EMBED_ATTRIBUTES = {
    "sandbox": "allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox "
               "allow-presentation",
    "loading": "lazy",
    # YouTube refuses to play without a referrer; the origin alone is enough for it.
    "referrerpolicy": "strict-origin-when-cross-origin",
}
# Permissions an embed may ask for in `allow`: those of the video players' own embed codes.
# Camera, microphone, geolocation, payment and the like are removed.
EMBED_FEATURES = frozenset({"accelerometer", "autoplay", "clipboard-write", "encrypted-media",
                            "fullscreen", "gyroscope", "picture-in-picture", "web-share"})
SUFFIX = " (raw_html: sanitize)"

# Only a plain host: no user, port, backslash or escape that a browser would read otherwise.
_EMBED_SRC = re.compile(r"https://([a-z0-9.-]+)(?:[/?#][^\s\\]*)?", re.I)
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
# Browsers ignore these inside a URL (so "jav\tascript:" is javascript:).
_IGNORED = re.compile(r"[\t\n\r]")
_C0_AND_SPACE = "".join(map(chr, range(0x21)))  # stripped from both ends of a URL
_IFRAME = re.compile(r"<iframe\b([^>]*)>.*?</iframe>", re.S)


def scheme(url: str) -> str:
    """Return the lower-case scheme of a URL as a browser reads it, or "" if relative."""
    match = _SCHEME.match(_IGNORED.sub("", url.strip(_C0_AND_SPACE)))
    return match.group(1).lower() if match else ""


def srcset_urls(value: str) -> list[tuple[str, str]]:
    """Split a srcset into (url, descriptor) candidates, as the HTML standard reads them."""
    out: list[tuple[str, str]] = []
    pos, size = 0, len(value)
    while pos < size:
        while pos < size and (value[pos].isspace() or value[pos] == ","):
            pos += 1
        start = pos
        while pos < size and not value[pos].isspace():
            pos += 1
        url = value[start:pos]
        if not url:
            break
        descriptor = ""
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            comma = value.find(",", pos)
            end = size if comma < 0 else comma
            descriptor = value[pos:end].strip()
            pos = end + 1
        out.append((url, descriptor))
    return out


def check(tag: str, name: str, value: str, embeds: tuple[str, ...]) -> tuple[str | None, str]:
    """Return an allowed attribute's value as kept (None: removed) and why it changed."""
    if name in ("href", "src"):
        kind = scheme(value)
        if tag == "iframe" and name == "src":
            match = _EMBED_SRC.fullmatch(value)
            host = match.group(1).lower() if match else ""
            if host and host in embeds:
                return value, ""
            where = f"from {host}: its host is not in markdown.embeds" if host else (
                "from " + (value[:60] or "nowhere") + ": only https://host/… embeds are allowed")
            return None, f"removed <iframe> {where}"
        if kind and kind not in URL_SCHEMES:
            if name == "href":
                return None, f"removed a {kind}: link"
            return None, f"removed the {kind}: source of <{tag}>"
    elif name == "srcset":
        refused = sorted({kind for url, _ in srcset_urls(value)
                          if (kind := scheme(url)) not in ("", "http", "https")})
        if refused:
            return None, (f"removed the srcset attribute of <{tag}>: it holds a "
                          f"{refused[0]}: URL")
    elif tag == "iframe" and name == "allow":
        features = [f.strip() for f in value.split(";") if f.strip()]
        kept = [f for f in features if f.split()[0].lower() in EMBED_FEATURES]
        if len(kept) < len(features):
            dropped = ", ".join(f.split()[0] for f in features if f not in kept)
            why = f"removed {dropped} from the allow attribute of <iframe>"
            return "; ".join(kept) or None, why
    return value, ""


def allowed(tag: str, name: str) -> bool:
    """Tell whether the sanitizer keeps an attribute on a tag (its value still checked)."""
    return name in GENERIC or name in ATTRIBUTES.get(tag, ())


@lru_cache(maxsize=8)
def _options(embeds: tuple[str, ...]) -> dict[str, Any]:
    tags = set(TAGS | {"iframe"}) if embeds else set(TAGS)
    attributes = {tag: set(names) for tag, names in ATTRIBUTES.items() if tag in tags}
    attributes["*"] = set(GENERIC)
    return {"tags": tags, "attributes": attributes, "url_schemes": set(URL_SCHEMES),
            "link_rel": None, "filter_style_properties": set(STYLE_PROPERTIES),
            "set_tag_attribute_values": {"iframe": dict(EMBED_ATTRIBUTES)} if embeds else None}


Rewrite = Callable[[str, str, str], str | None]


def sanitize(html: str, embeds: tuple[str, ...] = (), rewrite: Rewrite | None = None) -> str:
    """Remove scripts, handlers, unsafe URLs and embeds from hosts not in `embeds`."""

    def keep(tag: str, name: str, value: str) -> str | None:
        if name in EMBED_ATTRIBUTES and tag == "iframe":
            return value
        kept = check(tag, name, value, embeds)[0]
        return kept if kept is None or rewrite is None else rewrite(tag, name, kept)

    # nh3 prints and drops an exception raised in a Python filter, so a Ctrl-C landing in
    # `keep` would be lost: hold it until the sanitizer has returned.
    with deferred():
        clean = str(nh3.clean(html, attribute_filter=keep, **_options(embeds)))
    return _IFRAME.sub(_embed, clean) if "<iframe" in clean else clean


# nh3 writes the attributes it sets in an order that changes from one process to the next
# (a Rust hash map): they are taken out and written again in a fixed order.
_FORCED = re.compile(' (?:{})="[^"]*"'.format("|".join(EMBED_ATTRIBUTES)))
_FORCED_TEXT = "".join(f' {name}="{value}"' for name, value in EMBED_ATTRIBUTES.items())


def _embed(match: re.Match[str]) -> str:
    # An iframe whose src was refused is left empty by nh3: drop it whole. Fallback text
    # inside an iframe is never shown, and a feed reader might read it as markup.
    attributes = match.group(1)
    if ' src="' not in attributes:
        return ""
    return f"<iframe{_FORCED.sub('', attributes)}{_FORCED_TEXT}></iframe>"


class Removals(HTMLParser):
    """Find what `sanitize` will remove from raw HTML, with its line within the HTML."""

    def __init__(self, embeds: tuple[str, ...]) -> None:
        super().__init__(convert_charrefs=True)
        self.embeds = embeds
        self.found: list[tuple[int, str]] = []
        self.urls: list[tuple[int, str, str]] = []  # line, "image" or "link", URL

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        values = {name: value or "" for name, value in attrs}
        if tag == "iframe":
            why = check(tag, "src", values.get("src", ""), self.embeds)[1]
            if why:
                self.found.append((line, why))
                return
        elif tag not in TAGS:
            self.found.append((line, f"removed <{tag}>"))
            return
        for name, value in values.items():
            if tag == "iframe" and name in EMBED_ATTRIBUTES:
                continue  # replaced by the forced value, not removed
            if not allowed(tag, name):
                self.found.append((line, f"removed the {name} attribute of <{tag}>"))
                continue
            kept, why = check(tag, name, value, self.embeds)
            if why:
                self.found.append((line, why))
            elif kept is not None and (tag, name) in (("a", "href"), ("img", "src")):
                self.urls.append((line, "link" if tag == "a" else "image", kept))

    handle_startendtag = handle_starttag


def removals(html: str, embeds: tuple[str, ...]) -> tuple[list[tuple[int, str]],
                                                         list[tuple[int, str, str]]]:
    """Return what sanitizing a raw HTML fragment removes and the URLs it keeps, by line."""
    finder = Removals(embeds)
    finder.feed(html)
    finder.close()
    return [(line, why + SUFFIX) for line, why in finder.found], finder.urls
