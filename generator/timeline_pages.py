"""Plan the briefings' timeline pages and publish every timeline.json. Pure but for publish."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from generator import i18n, routes, timelines
from generator.fingerprint import Digester
from generator.model import Page, Site
from generator.output import Sink
from generator.pages import HOME, Crumb, FeedLink, page


def words(layers: tuple[Path, ...], language: str, root: Path) -> dict[str, str]:
    """Return the words a timeline.json uses, in the site language."""
    return i18n.patterns(layers, language, timelines.WORDS, {"title": "An article"}, root)


def timeline_pages(site: Site, common: list[FeedLink],
                   stories: Mapping[str, tuple[timelines.Entry, ...]], home: Crumb = HOME
                   ) -> list[Page]:
    """Plan each briefing's timeline (`stories`, by slug) twice: everything, and key only."""
    pages = []
    for briefing in site.briefings:
        entries = stories[briefing.slug]
        if not entries:
            continue
        crumbs = (home, Crumb("briefings", routes.BRIEFINGS, key=True),
                  Crumb(briefing.title, briefing.path))
        key = tuple(e for e in entries if e.key)
        for key_only, shown in ((False, entries), (True, key)):
            pages.append(page(
                site, common, routes.timeline(briefing.path, key_only), "timeline.html",
                briefing.title, briefing=briefing, entries=shown, key_only=key_only,
                counts=(len(entries), len(key)),
                json_path=timelines.json_path(briefing.path), crumbs=crumbs,
                lastmod=max(filter(None, [briefing.updated, *(
                    a.updated or a.date for a in site.articles_in(briefing.slug)[:1])]),
                    default=None)))
    return pages


def json_files(site: Site) -> list[str]:
    """Return the path of every timeline.json the site publishes."""
    events = timelines.events_by_entity(site)
    return ([timelines.json_path(b.path) for b in site.briefings
             if timelines.has_briefing_timeline(site, b.slug)]
            + [timelines.json_path(e.path) for e in site.entities
               if timelines.has_entity_timeline(site, e.slug, events)])


def publish(site: Site, digester: Digester, publisher: Sink,
            words: dict[str, str]) -> int:
    """Stage each briefing's and entity's timeline.json whose entries changed; count them."""
    events = timelines.events_by_entity(site)
    scopes = [(b.path, b.title, b.summary, timelines.of_briefing(site, b.slug))
              for b in site.briefings]
    scopes += [(e.path, e.name, e.description, timelines.of_entity(site, e.slug, events))
               for e in site.entities]
    count = 0
    for folder, headline, summary, entries in scopes:
        if not entries:
            continue
        count += 1
        path = timelines.json_path(folder)
        digest = digester.digest("timeline", path, headline, summary, entries, words,
                                 site.config)
        if not publisher.unchanged(path, digest):
            publisher.write(path, timelines.timeline_json(site, headline, summary, entries,
                                                          words), digest)
    return count
