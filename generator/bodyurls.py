"""Rewrite the URLs of body HTML: under the site's path prefix, or absolute for feeds."""

from __future__ import annotations

import re
from urllib.parse import quote, urljoin, urlsplit

from generator.sanitize import sanitize, srcset_urls

# An attribute holding a root-relative URL, as markdown-it and nh3 write attributes.
_ROOTED = re.compile(r'\s(?:href|src)="(?=/(?![/\\]))|\ssrcset="([^"]*)"')
# Kept as they are by `to_uri`: the reserved characters and "%" (already-encoded bytes).
_URI_SAFE = "!#$%&'()*+,/:;=?@[]~"


def _rooted(url: str) -> bool:
    return url.startswith("/") and not url.startswith(("//", "/\\"))


def _rebase_srcset(value: str, prefix: str) -> str:
    return ", ".join((prefix + url if _rooted(url) else url) + (f" {size}" if size else "")
                     for url, size in srcset_urls(value))


def rebase(html: str, base_path: str) -> str:
    """Put root-relative href, src and srcset URLs ("/static/x.png") under `base_path`."""
    prefix = base_path.rstrip("/")
    if not prefix or ('="/' not in html and "srcset=" not in html):
        return html
    parts: list[str] = []
    last = 0
    for match in _ROOTED.finditer(html):
        end = match.end()
        # Only inside a tag: markdown-it and nh3 escape "<" and ">" in text and in values,
        # while nh3 leaves a '"' of text raw (so text may read href="/x").
        if html.rfind("<", 0, end) <= html.rfind(">", 0, end):
            continue
        if match.group(1) is None:
            parts += (html[last:end], prefix)
        else:
            parts += (html[last:match.start(1)], _rebase_srcset(match.group(1), prefix))
            end = match.end(1)
        last = end
    parts.append(html[last:])
    return "".join(parts)


def to_uri(url: str) -> str:
    """Percent-encode a URL's non-ASCII characters and spaces (URI, not IRI); IDNA hosts."""
    if url.isascii() and " " not in url:
        return url
    netloc = urlsplit(url).netloc
    if not netloc.isascii():
        userinfo, at, hostport = netloc.rpartition("@")
        host, colon, port = hostport.rpartition(":")
        if not colon or not port.isdigit():
            host, colon, port = hostport, "", ""
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            host = quote(host, safe="")
        url = url.replace(netloc, quote(userinfo, safe=_URI_SAFE) + at + host + colon + port, 1)
    return quote(url, safe=_URI_SAFE)


def absolutize(html: str, page_url: str, base_path: str = "/",
               embeds: tuple[str, ...] = ()) -> str:
    """Make every URL absolute against the page URL and URI-encoded, for feeds and email.

    Pass `base_path` only for HTML that `rebase` has not already put under the prefix.
    """
    prefix = base_path.rstrip("/")

    def absolute(url: str) -> str:
        return to_uri(urljoin(page_url, prefix + url if prefix and _rooted(url) else url))

    def rewrite(tag: str, attribute: str, value: str) -> str | None:
        if attribute in ("href", "src"):
            return absolute(value)
        if attribute == "srcset":
            return ", ".join(absolute(url) + (f" {size}" if size else "")
                             for url, size in srcset_urls(value))
        return value

    return sanitize(html, embeds, rewrite)
