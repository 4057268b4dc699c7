"""Plan every HTML page: which template, which context. Pure: no IO, no Jinja."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from generator import dates
from generator.editions import Editions
from generator.model import Article, Briefing, Page, Site, Tag

LATEST = 3  # developments shown per briefing on the front page and at the top of a briefing


@dataclass(frozen=True)
class FeedLink:
    """A feed to announce with <link rel="alternate">."""

    title: str
    url: str
    type: str


@dataclass(frozen=True)
class Month:
    """One month of a timeline."""

    label: str
    articles: tuple[Article, ...]


@dataclass(frozen=True)
class Neighbours:
    """An article's newer and older neighbours within one briefing."""

    briefing: Briefing
    newer: Article | None
    older: Article | None


def site_feeds(site: Site) -> list[FeedLink]:
    """Return the site-wide feeds."""
    base, title = site.config.base_url, site.config.title
    return [FeedLink(f"{title} (RSS)", base + "feed.xml", "application/rss+xml"),
            FeedLink(f"{title} (Atom)", base + "atom.xml", "application/atom+xml")]


def briefing_feeds(site: Site, briefing: Briefing) -> list[FeedLink]:
    """Return the feeds of one briefing."""
    base = site.config.base_url + briefing.path
    return [FeedLink(f"{briefing.title} (RSS)", base + "feed.xml", "application/rss+xml"),
            FeedLink(f"{briefing.title} (Atom)", base + "atom.xml", "application/atom+xml")]


def digest_feeds(site: Site, briefing: Briefing | None) -> list[FeedLink]:
    """Return the digest feeds, site-wide or of one briefing."""
    base = site.config.base_url + (briefing.path if briefing else "") + "digests/"
    name = f"{briefing.title} digest" if briefing else f"{site.config.title} digest"
    return [FeedLink(f"{name} (RSS)", base + "feed.xml", "application/rss+xml"),
            FeedLink(f"{name} (Atom)", base + "atom.xml", "application/atom+xml")]


def timeline(site: Site, articles: tuple[Article, ...]) -> list[Month]:
    """Group articles (newest first) by month in the site timezone."""
    tz = dates.zone(site.config.timezone)
    months: dict[str, list[Article]] = {}
    for article in articles:
        label = dates.month_label(article.date, site.config.language, tz)
        months.setdefault(label, []).append(article)
    return [Month(label, tuple(items)) for label, items in months.items()]


def sources(articles: tuple[Article, ...]) -> list[tuple[str, int]]:
    """Count the publications cited, most cited first."""
    counts = Counter(a.source for a in articles if a.source)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0].casefold()))


def tag_counts(site: Site, articles: tuple[Article, ...]) -> list[tuple[Tag, int]]:
    """Count the tags used by these articles, most used first."""
    counts = Counter(tag for a in articles for tag in site.tags_of(a))
    return sorted(counts.items(), key=lambda item: (-item[1], item[0].name.casefold()))


def neighbours(site: Site, article: Article,
               positions: dict[str, dict[str, int]] | None = None) -> list[Neighbours]:
    """Find the newer and older article in each of the article's briefings."""
    found = []
    for briefing in site.briefings_of(article):
        items = site.articles_in(briefing.slug)
        at = (positions[briefing.slug][article.slug] if positions is not None
              else [a.slug for a in items].index(article.slug))
        found.append(Neighbours(briefing, items[at - 1] if at > 0 else None,
                                items[at + 1] if at + 1 < len(items) else None))
    return found


def common_feeds(site: Site, editions: Editions) -> list[FeedLink]:
    """Return the feeds every page announces (one shared list, digested once)."""
    return site_feeds(site) + (digest_feeds(site, None) if editions.site else [])


def briefing_digests(site: Site, briefing: Briefing, editions: Editions) -> dict[str, Any]:
    """Return what a briefing page shows of the digests: news since its last edition."""
    own = editions.by_briefing.get(briefing.slug, ())
    done = [e for e in own if e.complete]
    since = done[-1].end if done else None
    items = site.articles_in(briefing.slug)
    return {
        "new_since": tuple(a for a in items if since is None or a.date > since) if own else (),
        "last_edition": done[-1] if done else None,
        "editions": tuple(reversed(own)),
        "digest_feeds": digest_feeds(site, briefing) if own else [],
    }


def page(site: Site, common: list[FeedLink], path: str, template: str, title: str,
         body_key: str | None = None, kind: str = "html", **context: Any) -> Page:
    """Make one page: its output path, template and the context every template receives."""
    extra = context.pop("extra_feeds", None)
    feeds = common + extra if extra else common
    return Page(path + "index.html" if path.endswith("/") or not path else path, template, {
        "site": site.config, "briefings_nav": site.briefings, "feeds": feeds,
        "page_path": path, "page_title": title, **context,
    }, body_key, kind)


def plan(site: Site, editions: Editions | None = None) -> list[Page]:
    """Return every page of the site, in a stable order."""
    editions = editions or Editions((), {})
    common = common_feeds(site, editions)
    edition_of = {a.key: e for e in editions.site for g in e.groups for a in g.articles}
    pages = [
        page(site, common, "", "index.html", site.config.title, overview=[
            (b, site.articles_in(b.slug)[:LATEST], len(site.articles_in(b.slug)))
            for b in site.briefings
        ], recent=site.articles[:LATEST * 2]),
        page(site, common, "articles/", "articles.html", "All articles",
              timeline=timeline(site, site.articles), count=len(site.articles)),
        page(site, common, "tags/", "tags.html", "Tags", tags=tag_counts(site, site.articles)),
        page(site, common, "404.html", "404.html", "Page not found"),
    ]
    for briefing in site.briefings:
        items = site.articles_in(briefing.slug)
        pages.append(page(
            site, common, briefing.path, "briefing.html", briefing.title, briefing=briefing,
            latest=items[:LATEST], timeline=timeline(site, items), sources=sources(items),
            tags=tag_counts(site, items), count=len(items),
            extra_feeds=briefing_feeds(site, briefing), own_feeds=briefing_feeds(site, briefing),
            **briefing_digests(site, briefing, editions)))
    positions = {slug: {a.slug: i for i, a in enumerate(items)}
                 for slug, items in site.by_briefing.items()}
    for article in site.articles:
        pages.append(page(
            site, common, article.path, "article.html", article.title, body_key=article.key,
            article=article, article_briefings=site.briefings_of(article),
            tags=site.tags_of(article), neighbours=neighbours(site, article, positions),
            edition=edition_of.get(article.key)))
    for tag in site.tags:
        pages.append(page(site, common, tag.path, "tag.html", f"Tag: {tag.name}", tag=tag,
                          articles=site.articles_tagged(tag)))
    return pages
