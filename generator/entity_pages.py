"""Plan the entity pages: the index by type, and each entity's page and feeds. Pure."""

from __future__ import annotations

from collections import Counter

from generator import claims, routes, timelines
from generator.model import Entity, Page, Site
from generator.pages import HOME, Crumb, FeedLink, entity_groups, links, newest, page, paginate


def entity_feeds(site: Site, entity: Entity) -> list[FeedLink]:
    """Return the feeds of one entity: "follow Zakharova"."""
    return links(entity.name, site.config.base_url + entity.path)


def entity_pages(site: Site, common: list[FeedLink], home: Crumb = HOME) -> list[Page]:
    """Plan the entity index, grouped by type, and one page per entity (its mentions paginated)."""
    if not site.entities:
        return []
    pages = [page(site, common, routes.ENTITIES, "entities.html", "", groups=entity_groups(site),
                  crumbs=(home,))]
    crumbs = (home, Crumb("entities", routes.ENTITIES, key=True))
    events = timelines.events_by_entity(site)
    for entity in site.entities:
        about = site.about_entity.get(entity.slug, ())
        mentioned = site.mentioning.get(entity.slug, ())
        counts = Counter(b for a in (*about, *mentioned) for b in site.briefings_of(a))
        appears_in = tuple(b for b, _ in sorted(counts.items(),
                                                 key=lambda item: (-item[1], item[0].slug)))
        members = tuple(e for e in site.entities if e.member_of == entity.slug)
        own = entity_feeds(site, entity)
        story = timelines.of_entity(site, entity.slug, events)
        shown = {**claims.entity_context(site, entity.slug),
                 "key_timeline": tuple(e for e in story if e.key),
                 "timeline_json": timelines.json_path(entity.path) if story else ""}
        for pager, chunk in paginate(mentioned, site.config.paginate, entity.path):
            pages.append(page(
                site, common, pager.path_of(pager.number), "entity.html", entity.name,
                entity=entity, about=about if pager.number == 1 else (), mentioned=chunk,
                count_about=len(about), count_mentioned=len(mentioned), appears_in=appears_in,
                member_of=site.entity_of_slug.get(entity.member_of), members=members,
                own_feeds=own, extra_feeds=own, pager=pager, crumbs=crumbs,
                lastmod=newest(about + chunk), **(shown if pager.number == 1 else {})))
    return pages
