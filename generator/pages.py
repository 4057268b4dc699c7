"""Plan every HTML page: which template, which context. Pure: no IO, no Jinja."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from generator import claims, dates, related, routes, timelines
from generator.editions import Editions
from generator.model import (
    ENTITY_TYPES,
    Article,
    Briefing,
    Entity,
    Page,
    Site,
    Standalone,
    Tag,
)

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


@dataclass(frozen=True)
class Pager:
    """Where one page of a paginated list sits among its siblings."""

    number: int
    count: int
    base: str  # the first page's path, e.g. "tags/x/"
    total: int  # items over all pages

    def path_of(self, number: int) -> str:
        """Return the path of page `number` (1 is the base path itself)."""
        return routes.paged(self.base, number)

    @property
    def prev(self) -> str | None:
        """Return the previous page's path, if any."""
        return self.path_of(self.number - 1) if self.number > 1 else None

    @property
    def next(self) -> str | None:
        """Return the next page's path, if any."""
        return self.path_of(self.number + 1) if self.number < self.count else None


@dataclass(frozen=True)
class Crumb:
    """One step of a breadcrumb trail; the translation key or the text of its label."""

    label: str
    path: str
    key: bool = False  # label is a UI-string key to translate


HOME = Crumb("home", "", key=True)


def paginate(items: tuple[Article, ...], per_page: int, base: str
             ) -> list[tuple[Pager, tuple[Article, ...]]]:
    """Split a list into pages of `per_page` items (always at least one page)."""
    count = max(1, -(-len(items) // per_page))
    return [(Pager(n + 1, count, base, len(items)), items[n * per_page:(n + 1) * per_page])
            for n in range(count)]


def newest(articles: tuple[Article, ...]) -> datetime | None:
    """Return the latest date or update among articles (a list page's lastmod)."""
    return max((a.updated or a.date for a in articles), default=None)


def site_feeds(site: Site) -> list[FeedLink]:
    """Return the site-wide feeds."""
    return links(site.config.title, site.config.base_url)


def briefing_feeds(site: Site, briefing: Briefing) -> list[FeedLink]:
    """Return the feeds of one briefing."""
    return links(briefing.title, site.config.base_url + briefing.path)


def digest_feeds(site: Site, briefing: Briefing | None, editions: Editions) -> list[FeedLink]:
    """Return the digest feeds, site-wide or of one briefing."""
    name = editions.word("digest_feed_link",
                         name=briefing.title if briefing else site.config.title)
    return links(name, site.config.base_url + routes.digests(briefing.path if briefing else ""))


def links(name: str, folder_url: str) -> list[FeedLink]:
    """Return the feed links of a folder, one per format."""
    return [FeedLink(f"{name} ({label})", folder_url + file, media)
            for file, _, media, label in routes.FEEDS]


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
    return site_feeds(site) + (digest_feeds(site, None, editions) if editions.site else [])


def briefing_digests(site: Site, briefing: Briefing, editions: Editions) -> dict[str, Any]:
    """Return what a briefing page shows of the digests: news since its last edition."""
    own = editions.by_briefing.get(briefing.slug, ())
    done = [e for e in own if e.complete]
    since = done[-1].until if done else None
    items = site.articles_in(briefing.slug)
    return {
        "new_since": tuple(a for a in items if since is None or a.date >= since) if own else (),
        "last_edition": done[-1] if done else None,
        "editions": tuple(reversed(own)),
        "digest_feeds": digest_feeds(site, briefing, editions) if own else [],
    }


def page(site: Site, common: list[FeedLink], path: str, template: str, title: str,
         body: Article | Standalone | None = None, kind: str = "html",
         lastmod: datetime | None = None, listed: bool = True, **context: Any) -> Page:
    """Make one page: its output path, template and the context every template receives."""
    extra = context.pop("extra_feeds", None)
    feeds = common + extra if extra else common
    context.setdefault("pager", None)
    context.setdefault("crumbs", ())
    return Page(routes.page_file(path), template, {
        "site": site.config, "briefings_nav": site.briefings, "feeds": feeds,
        "page_path": path, "page_title": title, "menus": menus(site),
        "favicon": site.favicon, "has_entities": bool(site.entities), **context,
    }, body.key if body else None, kind, lastmod, body.source_path if body else None, listed)


def menus(site: Site) -> dict[str, tuple[Standalone, ...]]:
    """Return the pages of the header and footer menus."""
    return {"header": site.menu("header"), "footer": site.menu("footer")}


def plan(site: Site, editions: Editions | None = None,
         stories: Mapping[str, tuple[timelines.Entry, ...]] | None = None) -> list[Page]:
    """Return every page of the site, in a stable order (`stories`: briefings' timelines)."""
    editions = editions or Editions((), {})
    stories = timelines.of_briefings(site) if stories is None else stories
    common = common_feeds(site, editions)
    per = site.config.paginate
    home = HOME
    pages = [page(site, common, routes.NOT_FOUND, "404.html", "404", listed=False)]
    overview = [(b, site.articles_in(b.slug)[:LATEST], len(site.articles_in(b.slug)))
                for b in site.briefings]
    for pager, items in paginate(site.articles, per, ""):
        pages.append(page(site, common, pager.path_of(pager.number), "index.html",
                          site.config.title, overview=overview, recent=items, pager=pager,
                          lastmod=newest(items)))
    # Computed once, not for each page of a list: each walks every article.
    years = archive_years(site)
    for pager, items in paginate(site.articles, per, routes.ARTICLES):
        pages.append(page(site, common, pager.path_of(pager.number), "articles.html", "",
                          timeline=timeline(site, items), count=len(site.articles),
                          years=years, pager=pager, crumbs=(home,),
                          lastmod=newest(items)))
    pages += archives(site, common, home)
    if site.config.search:
        pages.append(page(site, common, routes.SEARCH, "search.html", "", crumbs=(home,),
                          entity_groups=entity_groups(site)))
    pages.append(page(site, common, routes.BRIEFINGS, "briefings.html", "", overview=overview,
                      crumbs=(home,), lastmod=newest(site.articles)))
    pages.append(page(site, common, routes.TAGS, "tags.html", "", crumbs=(home,),
                      tags=tag_counts(site, site.articles), lastmod=newest(site.articles)))
    for briefing in site.briefings:
        items = site.articles_in(briefing.slug)
        cited, counted = sources(items), tag_counts(site, items)
        shown = claims.briefing_context(site, briefing.slug)
        story = stories[briefing.slug]
        first = {**shown, "key_timeline": tuple(e for e in story if e.key),
                 "timeline_path": routes.timeline(briefing.path) if story else ""}
        for pager, chunk in paginate(items, per, briefing.path):
            pages.append(page(
                site, common, pager.path_of(pager.number), "briefing.html", briefing.title,
                briefing=briefing, latest=items[:LATEST], timeline=timeline(site, chunk),
                sources=cited, tags=counted, count=len(items),
                extra_feeds=briefing_feeds(site, briefing) + (
                    digest_feeds(site, briefing, editions)
                    if editions.by_briefing.get(briefing.slug) else []),
                own_feeds=briefing_feeds(site, briefing), pager=pager,
                crumbs=(home, Crumb("briefings", routes.BRIEFINGS, key=True)),
                lastmod=max(filter(None, [newest(items), briefing.updated]), default=None),
                **briefing_digests(site, briefing, editions),
                **(first if pager.number == 1 else {})))
    pages += article_pages(site, common, editions, home)
    for leaf in site.pages:
        pages.append(page(site, common, leaf.path, "page.html", leaf.title, body=leaf,
                          standalone=leaf, crumbs=(home,), lastmod=leaf.updated))
    for tag in site.tags:
        tagged = site.articles_tagged(tag)
        for pager, chunk in paginate(tagged, per, tag.path):
            pages.append(page(site, common, pager.path_of(pager.number), "tag.html", tag.name,
                              tag=tag, articles=chunk, pager=pager,
                              crumbs=(home, Crumb("tags", routes.TAGS, key=True)),
                              lastmod=newest(chunk)))
    return pages


def article_pages(site: Site, common: list[FeedLink], editions: Editions,
                  home: Crumb = HOME, only: set[str] | None = None) -> list[Page]:
    """Plan one page per article (or only those of the given article paths)."""
    edition_of = {a.key: e for e in editions.site for g in e.groups for a in g.articles}
    positions = {slug: {a.slug: i for i, a in enumerate(items)}
                 for slug, items in site.by_briefing.items()}
    # One trail per briefing, shared by its articles (their digests then share it too).
    trails = {b.slug: (home, Crumb(b.title, b.path)) for b in site.briefings}
    # Computed once for all pages: each list walks the posting lists of the whole site.
    coverage = related.related(site, site.config.related, only)
    pages = []
    for article in site.articles_and_expired:
        if only is not None and article.path not in only:
            continue
        in_briefings = site.briefings_of(article)
        crumbs = trails[in_briefings[0].slug] if in_briefings else (home,)
        pages.append(page(
            site, common, article.path, "article.html", article.title, body=article,
            article=article, article_briefings=in_briefings, tags=site.tags_of(article),
            neighbours=neighbours(site, article, positions) if not site.is_expired(article)
            else [], edition=edition_of.get(article.key), crumbs=crumbs,
            expired=site.is_expired(article), lastmod=article.updated or article.date,
            about_entities=known(site, article.about),
            mentioned_entities=known(site, article.mentions),
            related=coverage.get(article.path, ()),
            listed=not site.is_expired(article)))
    return pages


def entity_groups(site: Site) -> list[tuple[str, tuple[Entity, ...]]]:
    """Return the entities grouped by type, in ENTITY_TYPES order (empty types left out)."""
    return [(kind, found) for kind in ENTITY_TYPES
            for found in [tuple(e for e in site.entities if e.type == kind)] if found]


def known(site: Site, slugs: tuple[str, ...]) -> tuple[Entity, ...]:
    """Return the entities of these slugs, in order."""
    return tuple(site.entity_of_slug[s] for s in slugs if s in site.entity_of_slug)


def archive_years(site: Site) -> list[tuple[int, int]]:
    """Return (year, article count) for every year with articles, newest first."""
    tz = dates.zone(site.config.timezone)
    counts = Counter(a.date.astimezone(tz).year for a in site.articles)
    return sorted(counts.items(), reverse=True)


def archives(site: Site, common: list[FeedLink], home: Crumb) -> list[Page]:
    """Plan the archive pages: one list per year (by month) and one per month, paginated."""
    tz = dates.zone(site.config.timezone)
    by_month: dict[tuple[int, int], list[Article]] = {}
    for article in site.articles:
        local = article.date.astimezone(tz)
        by_month.setdefault((local.year, local.month), []).append(article)
    pages = []
    crumbs = (home, Crumb("all_articles", routes.ARTICLES, key=True))
    for year, _ in archive_years(site):
        items = tuple(a for (y, _), found in sorted(by_month.items(), reverse=True) if y == year
                      for a in found)
        pages += _archive(site, common, routes.archive(year), str(year), items, crumbs,
                          year=year, month=None)
        for (y, m), found in sorted(by_month.items()):
            if y == year:
                pages += _archive(site, common, routes.archive(year, m),
                                  dates.month_label_of(date(year, m, 1), site.config.language),
                                  tuple(found), (*crumbs, Crumb(str(year), routes.archive(year))),
                                  year=year, month=m)
    return pages


def _archive(site: Site, common: list[FeedLink], base: str, title: str,
             items: tuple[Article, ...], crumbs: tuple[Crumb, ...], **context: Any
             ) -> list[Page]:
    # A year of a newsroom's archive runs to thousands of articles: pages like the others.
    return [page(site, common, pager.path_of(pager.number), "archive.html", title,
                 timeline=timeline(site, chunk), count=len(items), pager=pager, crumbs=crumbs,
                 lastmod=newest(chunk), **context)
            for pager, chunk in paginate(items, site.config.paginate, base)]

