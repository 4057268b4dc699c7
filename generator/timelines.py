"""Put a story in order: the events and articles on a briefing's or an entity's timeline.

Pure: no IO. Each timeline is published twice from the same entries: as an ordered list on
its page (semantic HTML, no script needed) and as `timeline.json` in TimelineJS3's format.
"""

from __future__ import annotations

import hashlib
import html
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date

from generator import dates, routes
from generator.model import Article, Event, Picture, Site

# The words a timeline.json uses (English defaults for a theme whose files lack them).
WORDS = {"timeline_group_key": "Key developments", "timeline_group_coverage": "Coverage",
         "timeline_read": "Read: {title}"}


@dataclass(frozen=True)
class Entry:
    """One line of a timeline: an editor's event or an article, dated as exactly as known."""

    day: date  # the first day of its date
    precision: str  # "year", "month" or "day"
    label: str  # the date as readers write it: "2024", "October 2024", "3 October 2024"
    title: str
    text: str
    key: bool  # a key development
    uid: str  # stable, unique on its timeline: what TimelineJS links to
    path: str = ""  # the article's page; "" for an event
    source: str = ""  # the article's publication
    picture: Picture | None = None
    moment: str = ""  # an article's UTC time of publication: same-day entries in order

    @property
    def iso(self) -> str:
        """Return the date at its precision, as <time datetime> takes it: 2024, 2024-10…."""
        return self.day.isoformat()[: {"year": 4, "month": 7}.get(self.precision, 10)]


def label_of(day: date, precision: str, language: str) -> str:
    """Name a date at its precision in the site language."""
    if precision == "year":
        return str(day.year)
    if precision == "month":
        return dates.month_label_of(day, language)
    return dates.long_date(day, language)


def _event_entry(event: Event, language: str) -> Entry:
    # Named by what it is, not by its place in a list: reordering events keeps the ids.
    uid = "event-" + hashlib.blake2b(
        f"{event.source_path}\0{event.day}\0{event.precision}\0{event.title}".encode(),
        digest_size=6).hexdigest()
    return Entry(event.day, event.precision, label_of(event.day, event.precision, language),
                 event.title, event.text, event.key, uid)


def _article_entry(article: Article, site: Site) -> Entry:
    day = article.date.astimezone(dates.zone(site.config.timezone)).date()
    return Entry(day, "day", dates.long_date(day, site.config.language), article.title,
                 article.summary, article.key_development, f"article-{article.slug}",
                 article.path, article.source, article.picture,
                 article.date.astimezone(UTC).isoformat())


def _ordered(entries: list[Entry]) -> tuple[Entry, ...]:
    """Sort oldest first; a year before its months, a month before its days; events first."""
    order = {"year": 0, "month": 1, "day": 2}
    unique: dict[str, Entry] = {}
    for entry in entries:
        unique.setdefault(entry.uid, entry)  # one event written twice the same way: once
    return tuple(sorted(unique.values(), key=lambda e: (
        e.day, order[e.precision], e.moment, e.title, e.uid)))


def of_briefing(site: Site, slug: str) -> tuple[Entry, ...]:
    """Return a briefing's timeline: its events, its articles' events and its articles."""
    articles = site.articles_in(slug)
    briefing = site.briefing_of_slug[slug]
    language = site.config.language
    events = [*briefing.events, *(e for a in articles for e in a.events)]
    return _ordered([*(_event_entry(e, language) for e in events),
                     *(_article_entry(a, site) for a in articles)])


def of_briefings(site: Site) -> dict[str, tuple[Entry, ...]]:
    """Return every briefing's timeline, by slug: made once for all the pages that show it."""
    return {b.slug: of_briefing(site, b.slug) for b in site.briefings}


def has_briefing_timeline(site: Site, slug: str) -> bool:
    """Tell whether a briefing's timeline has an entry, without making it."""
    # Its articles' events come only with its articles.
    return bool(site.briefing_of_slug[slug].events or site.articles_in(slug))


def has_entity_timeline(site: Site, slug: str, events: Mapping[str, list[Event]]) -> bool:
    """Tell whether an entity's timeline has an entry, without making it."""
    return bool(events.get(slug) or site.about_entity.get(slug))


def events_by_entity(site: Site) -> dict[str, list[Event]]:
    """Index the events of every briefing and listed article by the entities they are about."""
    found: dict[str, list[Event]] = {}
    for event in (*(e for b in site.briefings for e in b.events),
                  *(e for a in site.articles for e in a.events)):
        for slug in event.about:
            found.setdefault(slug, []).append(event)
    return found


def of_entity(site: Site, slug: str, events: Mapping[str, list[Event]]) -> tuple[Entry, ...]:
    """Return an entity's timeline: the events about it and the articles about it."""
    language = site.config.language
    return _ordered([*(_event_entry(e, language) for e in events.get(slug, ())),
                     *(_article_entry(a, site) for a in site.about_entity.get(slug, ()))])


def timeline_json(site: Site, headline: str, summary: str, entries: tuple[Entry, ...],
                  words: Mapping[str, str]) -> bytes:
    """Write a timeline in TimelineJS3's JSON format (absolute links, HTML text)."""
    cfg = site.config
    found = []
    for entry in entries:
        start: dict[str, int] = {"year": entry.day.year}
        if entry.precision != "year":
            start["month"] = entry.day.month
        if entry.precision == "day":
            start["day"] = entry.day.day
        text = f"<p>{html.escape(entry.text)}</p>" if entry.text else ""
        if entry.path:
            read = words["timeline_read"].format(title=entry.title)
            text += (f'<p><a href="{html.escape(cfg.permalink(entry.path))}">'
                     f"{html.escape(read)}</a></p>")
        item: dict[str, object] = {
            "start_date": {**start, "display_date": entry.label},
            "text": {"headline": html.escape(entry.title), "text": text},
            "unique_id": entry.uid,
            "group": words["timeline_group_key" if entry.key else "timeline_group_coverage"],
        }
        if entry.picture is not None:
            media = entry.picture.src if entry.picture.remote else cfg.permalink(
                entry.picture.src)
            item["media"] = {"url": media, "caption": html.escape(entry.picture.caption),
                             "credit": html.escape(entry.picture.credit)}
        found.append(item)
    data = {"title": {"text": {"headline": html.escape(headline),
                               "text": f"<p>{html.escape(summary)}</p>" if summary else ""}},
            "events": found}
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()


def json_path(folder: str) -> str:
    """Return the path of the timeline.json of a briefing or entity folder."""
    return folder + routes.TIMELINE_JSON
