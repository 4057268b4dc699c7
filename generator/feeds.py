"""Write RSS 2.0 and Atom feeds with feedgen, deterministically."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from feedgen.feed import FeedGenerator

from generator import __version__, markdown
from generator.model import Article, Output, Site
from generator.xmlchars import strip_forbidden

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
    outputs = []
    generator = _generator(site, spec, bodies)
    page = site.config.base_url + spec.path
    for name, kind, write in (("feed.xml", "rss", generator.rss_str),
                              ("atom.xml", "atom", generator.atom_str)):
        # Each format's self link names its own file; feedgen gives RSS's <link>
        # the last link set, which must be the page.
        generator.link([{"href": page + name, "rel": "self",
                         "type": f"application/{kind}+xml"},
                        {"href": page, "rel": "alternate"}], replace=True)
        outputs.append(Output(spec.path + name, write(pretty=True)))
    return outputs


def _generator(site: Site, spec: FeedSpec, bodies: Bodies) -> FeedGenerator:
    cfg = site.config
    page = cfg.base_url + spec.path
    items = spec.articles[: cfg.feeds.items]
    fg = FeedGenerator()
    fg.load_extension("dc")
    fg.id(page)
    fg.title(clean(spec.title))
    fg.description(clean(spec.description))
    fg.subtitle(clean(spec.description))
    fg.language(cfg.language)
    fg.generator("Briefings", version=__version__)
    if cfg.author:
        fg.author({"name": clean(cfg.author)})
    # The newest item's date, never the clock: an unchanged site gives an unchanged feed.
    newest = max((a.updated or a.date for a in items), default=None)
    if newest is not None:
        fg.updated(newest)
    for article in items:
        _entry(fg, site, article, bodies)
    return fg


def _entry(fg: FeedGenerator, site: Site, article: Article, bodies: Bodies) -> None:
    cfg = site.config
    url = cfg.base_url + article.path
    entry = fg.add_entry(order="append")
    entry.id(article.guid)
    entry.guid(article.guid, permalink=article.guid == url)
    entry.title(clean(article.title))
    entry.link(href=url)
    entry.published(article.date)
    entry.updated(article.updated or article.date)
    summary = clean(article.summary or article.title)
    if cfg.feeds.full_content:
        entry.content(clean(markdown.absolutize(bodies(article), url)), type="html")
    entry.summary(summary)  # also RSS <description>
    author = article.author or cfg.author
    if author:
        entry.author({"name": clean(author)})
        entry.dc.dc_creator(clean(author))
    for tag in site.tags_of(article):
        entry.category(term=clean(tag.name), label=clean(tag.name))
