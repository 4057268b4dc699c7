"""Cut digest editions: one per calendar period with articles, site-wide and per briefing.

Pure: no IO, no clock. Periods follow the calendar of the digest timezone; weekly editions
starting on Monday use ISO week keys (`2025-W52`), other weeks the date of their first day
(`week-2025-12-21`), days `2025-12-22` and months `2025-12`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo

from generator import dates, routes
from generator.changes import Changes, History, history
from generator.model import Article, Briefing, DigestSettings, Site

# The digest's own words, in the site language from the theme's i18n files (these are the
# English ones, for a theme whose files lack them). Patterns for str.format, never markup.
WORDS = {
    "digest_title_daily": "Digest of {date}",
    "digest_title_weekly": "Week {week}, {year}",
    "digest_title_monthly": "{month}",
    "digests": "Digests",
    "digests_of": "{name}: digests",
    "digest_feed_link": "{name} digest",
    "digest_feed_title": "{name} · digest",
    "digest_feed_description": "Digest editions of {name}",
}


@dataclass(frozen=True)
class Group:
    """The articles of one briefing within an edition (briefing None: in no briefing)."""

    briefing: Briefing | None
    articles: tuple[Article, ...]


@dataclass(frozen=True)
class Edition:
    """One digest edition."""

    key: str
    title: str
    start: datetime  # first instant of the period, in the digest timezone
    until: datetime  # first instant of the next period: the period is [start, until)
    groups: tuple[Group, ...]  # most active briefing first
    overviews_updated: tuple[Briefing, ...]
    scope: str  # "" for site-wide editions, else the briefing slug
    complete: bool
    changes: Changes = field(default_factory=Changes)  # what changed in the period

    @property
    def end(self) -> datetime:
        """Return the period's last second: the date the edition is published under."""
        return self.until - timedelta(seconds=1)

    def covers(self, moment: datetime) -> bool:
        """Tell whether a moment falls within the period."""
        return self.start <= moment < self.until

    @property
    def folder(self) -> str:
        """Return the folder of the edition's files, relative to the site root."""
        return routes.edition(routes.briefing(self.scope) if self.scope else "", self.key)

    @property
    def count(self) -> int:
        """Return how many articles the edition lists."""
        return sum(len(g.articles) for g in self.groups)


def period_start(day: date, settings: DigestSettings) -> date:
    """Return the first day of the period containing `day`."""
    if settings.period == "daily":
        return day
    if settings.period == "monthly":
        return day.replace(day=1)
    return day - timedelta(days=(day.weekday() - settings.week_starts) % 7)


def next_start(start: date, settings: DigestSettings) -> date:
    """Return the first day of the following period (the last day of the calendar at most)."""
    try:
        if settings.period == "daily":
            return start + timedelta(days=1)
        if settings.period == "monthly":
            return (start.replace(day=28) + timedelta(days=4)).replace(day=1)
        return start + timedelta(days=7)
    except OverflowError:  # a period in December 9999 runs to the end of time
        return date.max


def key_of(start: date, settings: DigestSettings) -> str:
    """Name a period: 2025-12-22, 2025-W52 (or week-2025-12-21), 2025-12."""
    if settings.period == "daily":
        return start.isoformat()
    if settings.period == "monthly":
        return f"{start.year:04d}-{start.month:02d}"
    if settings.week_starts == 0:
        year, week, _ = start.isocalendar()
        return f"{year:04d}-W{week:02d}"
    return f"week-{start.isoformat()}"


def _title(settings: DigestSettings, key: str, start: date, last: date, language: str,
           words: Mapping[str, str]) -> str:
    pattern = settings.title or words[f"digest_title_{settings.period}"]
    year, week, _ = (start + timedelta(days=3)).isocalendar()
    return pattern.format(
        key=key, year=year if settings.period == "weekly" else start.year, week=week,
        month=dates.month_label_of(start, language), date=dates.long_date(start, language),
        start=dates.long_date(start, language), end=dates.long_date(last, language))


def zone_of(site: Site) -> tzinfo:
    """Return the timezone the digest calendar follows."""
    return dates.zone(site.config.digests.timezone or site.config.timezone)


def past_of(site: Site) -> History:
    """Gather the site's changes by digest period, for `cut` to give each edition its own."""
    settings = site.config.digests
    tz = zone_of(site)
    return history(site, lambda moment: period_start(moment.astimezone(tz).date(), settings))


def cut(site: Site, now: datetime, include_current: bool, scope: Briefing | None = None,
        words: Mapping[str, str] = WORDS, past: History | None = None) -> list[Edition]:
    """Return the editions, oldest first; one still in progress only when asked for."""
    settings = site.config.digests
    tz = zone_of(site)
    past = past if past is not None else past_of(site)
    articles = site.articles_in(scope.slug) if scope else site.articles
    periods: dict[date, list[Article]] = {}
    for article in articles:
        day = article.date.astimezone(tz).date()
        periods.setdefault(period_start(day, settings), []).append(article)
    order = {b.slug: i for i, b in enumerate(site.briefings)}
    editions = []
    for start in sorted(periods):
        following = next_start(start, settings)
        begins = datetime.combine(start, time(), tz)
        until = datetime.combine(following, time(), tz)
        complete = until <= now
        if not complete and not include_current:
            continue
        key = key_of(start, settings)
        items = periods[start]  # newest first, as the site lists them
        editions.append(Edition(
            key, _title(settings, key, start, following - timedelta(days=1),
                        site.config.language, words),
            begins, until, _groups(site, items, order, scope),
            tuple(b for b in ([scope] if scope else site.briefings)
                  if b.updated is not None and begins <= b.updated < until),
            scope.slug if scope else "", complete,
            past.changes(begins, until, scope.slug if scope else "")))
    return editions


def _groups(site: Site, items: list[Article], order: dict[str, int],
            scope: Briefing | None) -> tuple[Group, ...]:
    if scope is not None:
        return (Group(scope, tuple(items)),)
    # Each article is listed once, under its first briefing.
    by_slug: dict[str, list[Article]] = {}
    for article in items:
        primary = next((s for s in article.briefings if s in order), "")
        by_slug.setdefault(primary, []).append(article)
    activity = Counter({slug: len(found) for slug, found in by_slug.items()})
    ranked = sorted(by_slug, key=lambda s: (-activity[s], s == "", order.get(s, 0), s))
    known = site.briefing_of_slug
    return tuple(Group(known.get(slug), tuple(by_slug[slug])) for slug in ranked)


def edition_of(editions: list[Edition], article: Article) -> Edition | None:
    """Find the edition listing an article."""
    for edition in editions:
        if edition.covers(article.date):
            return edition
    return None


@dataclass(frozen=True)
class Editions:
    """Every edition of the site: site-wide, and per briefing (oldest first)."""

    site: tuple[Edition, ...]
    by_briefing: dict[str, tuple[Edition, ...]]
    words: Mapping[str, str] = field(default_factory=lambda: WORDS)

    def word(self, key: str, **values: str) -> str:
        """Return one of the digest's words in the site language, filled in."""
        return self.words[key].format(**values)


def cut_all(site: Site, now: datetime, include_current: bool,
            words: Mapping[str, str] = WORDS) -> Editions:
    """Cut the site-wide and per-briefing editions (none when digests are disabled)."""
    if not site.config.digests.enabled:
        return Editions((), {}, words)
    past = past_of(site)
    return Editions(tuple(cut(site, now, include_current, None, words, past)),
                    {b.slug: tuple(cut(site, now, include_current, b, words, past))
                     for b in site.briefings}, words)
