"""Write sitemap.xml (with lastmod) and robots.txt pointing at it."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

from generator import routes
from generator.model import Output, Page, SiteConfig

NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML = "http://www.w3.org/1999/xhtml"


def sitemap(config: SiteConfig, pages: list[Page],
            alternates: Mapping[str, list[tuple[str, str]]] | None = None) -> Output:
    """List every HTML page with its last modification, URLs percent-encoded.

    `alternates` gives a page (by output path) its translations: (language, absolute URL).
    """
    # Written as text: ElementTree took a tenth of a second at 10,000 pages, most of a
    # one-article rebuild's publishing.
    alternates = alternates or {}
    spaces = f' xmlns:xhtml="{XHTML}"' if alternates else ""
    lines = ["<?xml version='1.0' encoding='utf-8'?>", f'<urlset xmlns="{NS}"{spaces}>']
    for page in sorted(pages, key=lambda p: p.path):
        if page.kind != "html" or not page.listed:
            continue
        folder = page.path.removesuffix("index.html")
        lines.append("  <url>")
        lines.append(f"    <loc>{escape(config.permalink(folder), quote=False)}</loc>")
        if page.lastmod is not None:
            lines.append(f"    <lastmod>{page.lastmod.isoformat(timespec='seconds')}</lastmod>")
        for code, url in alternates.get(page.path, ()):
            lines.append(f'    <xhtml:link rel="alternate" hreflang="{escape(code)}" '
                         f'href="{escape(url)}"/>')
        lines.append("  </url>")
    lines.append("</urlset>")
    return Output(routes.SITEMAP, ("\n".join(lines) + "\n").encode("utf-8"))


def robots(config: SiteConfig) -> Output:
    """Allow everything and name the sitemap."""
    text = f"User-agent: *\nAllow: /\n\nSitemap: {config.permalink(routes.SITEMAP)}\n"
    return Output(routes.ROBOTS, text.encode("utf-8"))
