"""Plan the site-wide corrections page and publish its feeds: one item per correction."""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from generator import i18n, json_feed, routes
from generator.feeds import as_html, channel, clean, write_all
from generator.fingerprint import Digester
from generator.model import Article, Notice, Output, Page, Site
from generator.output import Sink
from generator.pages import FeedLink, links, page

# The feeds' own words (patterns for str.format, never markup), English for a theme whose
# files lack them; the theme's i18n files give them in the site language.
WORDS = {
    "corrections_feed_link": "{name} corrections",
    "corrections_feed_title": "{name} · corrections",
    "corrections_feed_description": "Corrections published by {name}",
    "correction_item_title": "Correction: {title}",
    "correction_item_link": "Corrected article: {title}",
}
SAMPLE = {"name": "Briefings", "title": "An article"}


@dataclass(frozen=True)
class Entry:
    """One correction of one article; `number` counts the article's corrections from 1."""

    article: Article
    number: int
    notice: Notice

    @property
    def anchor(self) -> str:
        """Return its fragment on the article page, stable as long as older ones stay."""
        return f"correction-{self.number}"


def words(layers: tuple[Path, ...], language: str, root: Path) -> dict[str, str]:
    """Return the corrections feeds' words in the site language."""
    return i18n.patterns(layers, language, WORDS, SAMPLE, root)


def entries(site: Site) -> tuple[Entry, ...]:
    """Return every correction of every listed article (never a draft), newest first."""
    found = [Entry(a, number, n) for a in site.articles if not a.draft
             for number, n in enumerate(a.corrections, 1)]
    # Ties broken by path and number, so that the order never depends on the input's order.
    found.sort(key=lambda e: (-e.notice.date.timestamp(), e.article.path, -e.number))
    return tuple(found)


def feed_links(site: Site, words: dict[str, str]) -> list[FeedLink]:
    """Return the corrections feeds, one per format."""
    return links(words["corrections_feed_link"].format(name=site.config.title),
                 site.config.base_url + routes.CORRECTIONS)


def plan(site: Site, common: list[FeedLink], words: dict[str, str]) -> list[Page]:
    """Return the corrections page, or nothing when the site has no correction."""
    found = entries(site)
    if not found:
        return []
    own = feed_links(site, words)
    return [page(site, common, routes.CORRECTIONS, "corrections.html", "",
                 corrections=found, extra_feeds=own, own_feeds=own,
                 lastmod=found[0].notice.date)]


def publish(site: Site, digester: Digester, publisher: Sink,
            words: dict[str, str]) -> int:
    """Stage the corrections feeds when what they show changed; return how many exist."""
    items = entries(site)[: site.config.feeds.items]
    if not items:
        return 0
    # Everything an item shows: the article's address and title, the correction's date,
    # number and text; the channel reads the site's settings and the words.
    shown = [(e.article.path, e.article.title, e.number, e.notice.date.isoformat(),
              e.notice.text) for e in items]
    digest = digester.digest("corrections-feed", shown, site.config, words)
    paths = routes.feed_files(routes.CORRECTIONS)
    if not all(publisher.unchanged(path, digest) for path in paths):
        for output in render(site, items, words):
            publisher.write(output.path, output.data, digest)
    return len(paths)


def render(site: Site, items: tuple[Entry, ...], words: dict[str, str]) -> list[Output]:
    """Render the corrections feed in every format, newest correction first."""
    cfg = site.config
    title = words["corrections_feed_title"].format(name=cfg.title)
    generator = channel(site, routes.CORRECTIONS, title,
                        items[0].notice.date if items else None)
    json_items: list[json_feed.Item] = []
    for item in items:
        url = cfg.permalink(item.article.path)
        anchor = f"{url}#{item.anchor}"
        heading = clean(words["correction_item_title"].format(title=item.article.title))
        link = words["correction_item_link"].format(title=item.article.title)
        body = (f"<p>{as_html(item.notice.text)}</p>\n"
                f'<p><a href="{html.escape(url)}">{as_html(link)}</a></p>')
        entry = generator.add_entry(order="append")
        # Its article's URL and its number: the same correction keeps the same id.
        entry.id(anchor)
        entry.guid(anchor, permalink=True)
        entry.title(heading)
        entry.link(href=anchor)
        entry.published(item.notice.date)
        entry.updated(item.notice.date)
        entry.content(body, type="html")
        entry.summary(as_html(item.notice.text), type="html")
        moment = json_feed.rfc3339(item.notice.date)
        json_items.append({"id": anchor, "url": anchor, "external_url": url,
                           "title": heading, "content_html": body,
                           "summary": clean(item.notice.text), "date_published": moment,
                           "date_modified": moment})
    return write_all(site, generator, json_items, routes.CORRECTIONS, title,
                     words["corrections_feed_description"].format(name=cfg.title))
