"""Write RSS 2.0 and Atom feeds with feedgen, deterministically."""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from generator import __version__, markdown, routes
from generator.editions import Edition
from generator.model import Article, Briefing, Output, Site
from generator.xmlchars import strip_forbidden

if TYPE_CHECKING:
    from feedgen.feed import FeedGenerator

# lxml refuses what XML 1.0 forbids; input is cleaned already, this guards the rest.
clean = strip_forbidden


@dataclass(frozen=True)
class FeedSpec:
    """One feed pair: where it lives, what it is called, what it holds."""

    path: str  # folder relative to the site root, "" or "briefings/x/"
    title: str
    description: str
    articles: tuple[Article, ...]


def specs(site: Site) -> list[FeedSpec]:
    """Return the site feed and one per briefing."""
    cfg = site.config
    found = [FeedSpec("", cfg.title, cfg.description or cfg.title, site.articles)]
    for briefing in site.briefings:
        found.append(FeedSpec(briefing.path, f"{briefing.title} · {cfg.title}",
                              briefing.summary or briefing.title,
                              site.articles_in(briefing.slug)))
    return found


Bodies = Callable[[Article], str]


def render_feeds(site: Site, spec: FeedSpec, bodies: Bodies) -> list[Output]:
    """Render one feed spec as RSS 2.0 (feed.xml) and Atom (atom.xml)."""
    items = spec.articles[: site.config.feeds.items]
    # The newest item's date, never the clock: an unchanged site gives an unchanged feed.
    newest = max((a.updated or a.date for a in items), default=None)
    generator = channel(site, spec.path, spec.title, newest)
    for article in items:
        _entry(generator, site, article, bodies)
    return write_both(site, generator, spec.path, spec.description)


def as_html(text: str) -> str:
    """Return plain text as HTML that shows exactly that text, for fields read as HTML."""
    return html.escape(clean(text), quote=False)


def write_both(site: Site, generator: FeedGenerator, folder: str,
               description: str) -> list[Output]:
    """Write one channel as RSS 2.0 (feed.xml) and Atom (atom.xml) in a folder.

    `description` is plain text: RSS readers read <description> as HTML, so it is escaped
    for RSS; Atom's <subtitle> is text, so it is written as it is.
    """
    outputs = []
    page = site.config.permalink(folder)
    formats = {"rss": (generator.rss_str, as_html(description)),
               "atom": (generator.atom_str, clean(description))}
    for name, kind, _, _ in routes.FEEDS:
        write, text = formats[kind]
        # Each format's self link names its own file; feedgen gives RSS's <link>
        # the last link set, which must be the page.
        generator.link([{"href": page + name, "rel": "self",
                         "type": f"application/{kind}+xml"},
                        {"href": page, "rel": "alternate"}], replace=True)
        # feedgen keeps one value for RSS's <description> and Atom's <subtitle>.
        generator.subtitle(text)
        outputs.append(Output(folder + name, write(pretty=True)))
    return outputs


def channel(site: Site, folder: str, title: str, updated: datetime | None) -> FeedGenerator:
    """Start a feed whose page is `folder`; `updated` is its newest item's date.

    Its description is set by `write_both`, once per format.
    """
    # Imported here: a rebuild whose feeds are all unchanged never loads feedgen and lxml.
    from feedgen.feed import FeedGenerator

    cfg = site.config
    fg = FeedGenerator()
    fg.load_extension("dc")
    fg.id(cfg.permalink(folder))
    # Titles are plain text in both formats (RSS Best Practices Profile; Atom type="text").
    fg.title(clean(title))
    fg.language(cfg.language)
    fg.generator("Briefings", version=__version__)
    if cfg.author:
        fg.author({"name": clean(cfg.author)})
    # A feed without items is dated at the epoch, never the clock (feedgen's default), so
    # the same input gives the same feed (RSS lastBuildDate is feedgen's alias of this).
    fg.updated(updated if updated is not None else datetime(1970, 1, 1, tzinfo=UTC))
    return fg


def _entry(fg: FeedGenerator, site: Site, article: Article, bodies: Bodies) -> None:
    cfg = site.config
    url = cfg.permalink(article.path)
    entry = fg.add_entry(order="append")
    entry.id(article.guid)
    entry.guid(article.guid, permalink=article.guid == url)
    entry.title(clean(article.title))
    entry.link(href=url)
    entry.published(article.date)
    entry.updated(article.updated or article.date)
    if cfg.feeds.full_content:
        entry.content(clean(markdown.absolutize(bodies(article), url)), type="html")
    # RSS readers read <description> as HTML: the plain-text summary is escaped for it.
    entry.summary(as_html(article.summary or article.title), type="html")
    author = article.author or cfg.author
    if author:
        entry.author({"name": clean(author)})
        entry.dc.dc_creator(clean(author))
    for tag in site.tags_of(article):
        entry.category(term=clean(tag.name), label=clean(tag.name))


def render_digest_feeds(site: Site, scope: Briefing | None, editions: tuple[Edition, ...],
                        bodies: dict[str, str], words: Mapping[str, str]) -> list[Output]:
    """Render the digest feed of the site or of one briefing: one item per edition."""
    cfg = site.config
    folder = routes.digests(scope.path if scope else "")
    name = scope.title if scope else cfg.title
    items = list(reversed(editions))[: cfg.feeds.items]  # newest first
    generator = channel(site, folder, words["digest_feed_title"].format(name=name),
                        items[0].end if items else None)
    for edition in items:
        url = cfg.permalink(edition.folder)
        entry = generator.add_entry(order="append")
        # The edition's permalink never changes once published: its key names its period.
        entry.id(url)
        entry.guid(url, permalink=True)
        entry.title(clean(edition.title))
        entry.link(href=url)
        entry.published(edition.end)
        entry.updated(edition.end)
        entry.content(clean(markdown.absolutize(bodies[edition.key], url)), type="html")
        briefs = sum(1 for g in edition.groups if g.briefing is not None)
        # Plain text, escaped for RSS's <description> like an article's summary.
        entry.summary(as_html(f"{edition.count} article{'s' if edition.count != 1 else ''}"
                              + (f" across {briefs} briefing{'s' if briefs != 1 else ''}"
                                 if not scope and briefs else "")), type="html")
    return write_both(site, generator, folder,
                      words["digest_feed_description"].format(name=name))
