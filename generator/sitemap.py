"""Write sitemap.xml (with lastmod) and robots.txt pointing at it."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from generator.model import Output, Page, SiteConfig

NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
UNLISTED = ("404.html",)


def sitemap(config: SiteConfig, pages: list[Page]) -> Output:
    """List every HTML page with its last modification, URLs percent-encoded."""
    root = ET.Element("urlset", xmlns=NS)
    for page in sorted(pages, key=lambda p: p.path):
        if page.kind != "html" or page.path in UNLISTED or page.context.get("expired"):
            continue
        folder = page.path.removesuffix("index.html")
        entry = ET.SubElement(root, "url")
        ET.SubElement(entry, "loc").text = config.permalink(folder)
        if page.lastmod is not None:
            ET.SubElement(entry, "lastmod").text = page.lastmod.isoformat(timespec="seconds")
    ET.indent(root)
    data = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return Output("sitemap.xml", data + b"\n")


def robots(config: SiteConfig) -> Output:
    """Allow everything and name the sitemap."""
    text = f"User-agent: *\nAllow: /\n\nSitemap: {config.permalink('sitemap.xml')}\n"
    return Output("robots.txt", text.encode("utf-8"))
