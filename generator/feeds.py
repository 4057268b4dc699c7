"""Write RSS 2.0 and Atom feeds with feedgen, and JSON Feed beside them, deterministically."""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from generator import __version__, json_feed, markdown, routes
from generator.editions import Edition
from generator.model import Article, Briefing, Output, Site
from generator.xmlchars import strip_forbidden

if TYPE_CHECKING:
    from feedgen.feed import FeedGenerator

# lxml refuses what XML 1.0 forbids; input is cleaned already, this guards the rest.
clean = strip_forbidden


@dataclass(frozen=True)
class FeedSpec:
    """One feed in every format: where it lives, what it is called, what it holds."""

    path: str  # folder relative to the site root, "" or "briefings/x/"
    title: str
    description: str
    articles: tuple[Article, ...]


def specs(site: Site) -> list[FeedSpec]:
    """Return the site feed, one per briefing and one per entity."""
    cfg = site.config
    found = [FeedSpec("", cfg.title, cfg.description or cfg.title, site.articles)]
    for briefing in site.briefings:
        found.append(FeedSpec(briefing.path, f"{briefing.title} · {cfg.title}",
                              briefing.summary or briefing.title,
                              site.articles_in(briefing.slug)))
    for entity in site.entities:
        # Articles about it and those that mention it, newest first, as the site lists them.
        named = {*site.about_entity.get(entity.slug, ()), *site.mentioning.get(entity.slug, ())}
        found.append(FeedSpec(entity.path, f"{entity.name} · {cfg.title}",
                              entity.description or entity.name,
                              tuple(sorted(named, key=lambda a: (-a.date.timestamp(), a.slug)))))
    return found


Bodies = Callable[[Article], str]


def positions_shown(site: Site, items: tuple[Article, ...]) -> list[tuple[str, ...]]:
    """Return what items show of their positions: claim texts and names live elsewhere."""
    claims = {c.id: c.text for c in site.claims}
    names = site.entity_of_slug
    return [(p.claim, claims.get(p.claim, ""), p.by, names[p.by].name if p.by in names else "",
             p.stance, p.quote) for a in items for p in a.positions]


def positions_html(site: Site, article: Article, words: Mapping[str, str]) -> str:
    """Return the positions an article records, as HTML with absolute links, or ""."""
    if not article.positions:
        return ""
    cfg = site.config
    claims = {c.id: c for c in site.claims}
    names = site.entity_of_slug
    rows = []
    for p in article.positions:
        who = names.get(p.by)
        claim = claims.get(p.claim)
        if who is None or claim is None:
            continue
        quote = f" — “{html.escape(p.quote)}”" if p.quote else ""
        rows.append(f'<li><a href="{cfg.permalink(who.path)}">{html.escape(who.name)}</a> '
                    f'{words.get("stance_" + p.stance, p.stance)}: <a href="'
                    f'{cfg.permalink(claim.path)}">{html.escape(claim.text)}</a>{quote}</li>')
    if not rows:
        return ""
    return (f'\n<section class="positions"><h2>{words.get("claims", "Claims")}</h2>\n<ul>\n'
            + "\n".join(rows) + "\n</ul>\n</section>\n")


def render_feeds(site: Site, spec: FeedSpec, bodies: Bodies,
                 words: Mapping[str, str]) -> list[Output]:
    """Render one feed spec in every format of routes.FEEDS."""
    cfg = site.config
    items = spec.articles[: cfg.feeds.items]
    # The newest item's date, never the clock: an unchanged site gives an unchanged feed.
    newest = max((a.updated or a.date for a in items), default=None)
    generator = channel(site, spec.path, spec.title, newest)
    if any(a.picture is not None for a in items):
        # Only then: a feed without images keeps its namespaces as they were.
        generator.load_extension("media")
    json_items = []
    for article in items:
        url = cfg.permalink(article.path)
        # Made absolute once, for all three formats.
        # The positions it records follow the body: new positions reach readers as they come.
        body = (clean(markdown.absolutize(bodies(article), url)
                      + positions_html(site, article, words))
                if cfg.feeds.full_content else None)
        _entry(generator, site, article, url, body)
        json_items.append(json_feed.article_item(site, article, url, body))
    return write_all(site, generator, json_items, spec.path, spec.title, spec.description)


def as_html(text: str) -> str:
    """Return plain text as HTML that shows exactly that text, for fields read as HTML."""
    return html.escape(clean(text), quote=False)


def write_all(site: Site, generator: FeedGenerator, json_items: list[json_feed.Item],
              folder: str, title: str, description: str) -> list[Output]:
    """Write one channel in a folder as RSS 2.0, Atom and JSON Feed (routes.FEEDS).

    `description` is plain text: RSS readers read <description> as HTML, so it is escaped
    for RSS; Atom's <subtitle> and JSON Feed's description are text, written as they are.
    """
    outputs = []
    cfg = site.config
    page = cfg.permalink(folder)
    formats = {"rss": (generator.rss_str, as_html(description)),
               "atom": (generator.atom_str, clean(description))}
    for name, kind, _, _ in routes.FEEDS:
        if kind == "json":
            outputs.append(Output(folder + name, json_feed.document(
                cfg, folder, name, title, description, json_items)))
            continue
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


def _entry(fg: FeedGenerator, site: Site, article: Article, url: str,
           body: str | None) -> None:
    cfg = site.config
    entry = fg.add_entry(order="append")
    entry.id(article.guid)
    entry.guid(article.guid, permalink=article.guid == url)
    entry.title(clean(article.title))
    entry.link(href=url)
    entry.published(article.date)
    entry.updated(article.updated or article.date)
    if body is not None:
        entry.content(body, type="html")
    # RSS readers read <description> as HTML: the plain-text summary is escaped for it.
    entry.summary(as_html(article.summary or article.title), type="html")
    author = article.author or cfg.author
    if author:
        entry.author({"name": clean(author)})
        entry.dc.dc_creator(clean(author))
    for tag in site.tags_of(article):
        entry.category(term=clean(tag.name), label=clean(tag.name))
    picture = article.picture
    if picture is not None:
        # Media RSS, not <enclosure>: an enclosure needs the file's length in bytes.
        size = {name: str(value) for name, value in
                (("width", picture.width), ("height", picture.height)) if value}
        entry.media.content(url=json_feed.image_url(cfg, picture), medium="image",
                            group=None, **size)


def render_digest_feeds(site: Site, scope: Briefing | None, editions: tuple[Edition, ...],
                        bodies: dict[str, str], summaries: dict[str, str],
                        words: Mapping[str, str]) -> list[Output]:
    """Render the digest feed of the site or of one briefing: one item per edition."""
    cfg = site.config
    folder = routes.digests(scope.path if scope else "")
    name = scope.title if scope else cfg.title
    items = list(reversed(editions))[: cfg.feeds.items]  # newest first
    title = words["digest_feed_title"].format(name=name)
    generator = channel(site, folder, title, items[0].end if items else None)
    json_items = []
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
        body = clean(markdown.absolutize(bodies[edition.key], url))
        entry.content(body, type="html")
        summary = summaries[edition.key]
        # Plain text, escaped for RSS's <description> like an article's summary.
        entry.summary(as_html(summary), type="html")
        json_items.append(json_feed.edition_item(url, edition.title, body, summary,
                                                 edition.end))
    return write_all(site, generator, json_items, folder, title,
                     words["digest_feed_description"].format(name=name))
