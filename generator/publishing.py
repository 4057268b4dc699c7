"""Plan every page of each language's part of the site, then render and publish the part."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from generator import (
    corrections,
    feeds,
    i18n,
    pages,
    parts,
    routes,
    search,
    site_files,
    theme,
    timeline_pages,
    timelines,
)
from generator.cache import Store
from generator.claim_pages import claim_pages
from generator.config import TITLE_SAMPLE
from generator.digest_pages import plan_digests
from generator.editions import WORDS, Editions, cut_all
from generator.entity_pages import entity_pages
from generator.errors import Problem
from generator.feed_render import feed_words, publish_digest_feeds, publish_feeds
from generator.fingerprint import Digester
from generator.model import Page, Site, SiteConfig
from generator.output import Publisher, Within
from generator.render import Job, render_changed

Statics = tuple[tuple[str, bytes, str], ...]  # the theme's files: output path, bytes, digest
Progress = Callable[[str, int, int], None]


def editions_of(site: Site, now: datetime, include_current: bool, layers: tuple[Path, ...],
                root: Path) -> Editions:
    """Cut a site's digest editions, titled in its language."""
    config = site.config
    return cut_all(site, now, include_current,
                   i18n.patterns(layers, config.language, WORDS,
                                 {**TITLE_SAMPLE, "name": config.title}, root))


def plan_all(site: Site, editions: Editions, fixes: dict[str, str]) -> list[Page]:
    """Plan every page: the site's, the digests', entities', claims', timelines, corrections."""
    common = pages.common_feeds(site, editions)
    stories = timelines.of_briefings(site)  # the briefing pages and the timeline pages
    return (pages.plan(site, editions, stories) + plan_digests(site, editions)
            + entity_pages(site, common) + claim_pages(site, common)
            + timeline_pages.timeline_pages(site, common, stories)
            + corrections.plan(site, common, fixes))


def generated_paths(site: Site, editions: Editions, planned: list[Page], statics: Statics,
                    own_robots: bool) -> list[str]:
    """Return every path the build writes itself (the search index aside)."""
    paths = [p.path for p in planned] + [path for path, _, _ in statics]
    paths += [f for spec in feeds.specs(site) for f in routes.feed_files(spec.path)]
    paths += timeline_pages.json_files(site)
    if corrections.entries(site):
        paths += list(routes.feed_files(routes.CORRECTIONS))
    scopes = [""] + [b.path for b in site.briefings if editions.by_briefing.get(b.slug)]
    if editions.site:
        paths += [f for scope in scopes for f in routes.feed_files(routes.digests(scope))]
    return paths + [routes.SITEMAP] + ([] if own_robots else [routes.ROBOTS])


def plan_parts(made: list[parts.Part], config: SiteConfig, layers: tuple[Path, ...],
               root: Path, site_statics: tuple[tuple[str, str, str], ...], statics: Statics,
               own_robots: bool) -> tuple[list[list[Page]], list[Problem]]:
    """Plan each part's pages, linked to their translations and under their prefix.

    Also return the site's own files that would land where the build writes its own.
    """
    planned, problems = [], []
    for part in made:
        own = plan_all(part.site, part.editions,
                       corrections.words(layers, part.site.config.language, root))
        # Each part in its own frame; the site's own files (static/) are at the root.
        at_root = part.prefix == ""
        site = part.site
        if at_root and part.language is not None:
            site = dataclasses.replace(site, files=site.files + site_statics)
        problems += site_files.check_collisions(site, generated_paths(
            site, part.editions, own, statics if at_root else (), own_robots), root)
        planned.append((part, own))
    return parts.link(planned, config), problems


@dataclasses.dataclass(frozen=True)
class Stage:
    """What publishing a part needs of the build besides the part."""

    theme: theme.Theme
    digester: Digester
    root: Path
    store: Store
    cache_dir: Path | None  # for resized images; None: no cache
    jobs: int
    progress: Progress | None
    refresh_search: bool


def publish_part(part: parts.Part, planned: list[Page], publisher: Publisher,
                 stage: Stage) -> int:
    """Render and stage one part's pages, feeds, timelines, search and files; count feeds."""
    site, root = part.site, stage.root
    config = site.config
    the_theme = (stage.theme if part.language is None
                 else theme.for_config(stage.theme, root, config))
    layers = stage.theme.layers
    render_changed(Job(the_theme, planned, stage.digester, root, stage.store, config),
                   publisher, stage.jobs, stage.progress)
    sink = Within(publisher, part.prefix)
    count = publish_feeds(site, stage.digester, sink, stage.store, root, stage.jobs,
                          feed_words(layers, config.language, root))
    count += publish_digest_feeds(site, part.editions, stage.digester, sink, the_theme, root)
    count += corrections.publish(site, stage.digester, sink,
                                 corrections.words(layers, config.language, root))
    timeline_pages.publish(site, stage.digester, sink,
                           timeline_pages.words(layers, config.language, root))
    if config.search:
        search.update_index(publisher, [(part.prefix + path, key)
                                        for path, key in search.shard_of(site)],
                            stage.refresh_search, stage.jobs, part.prefix + search.FOLDER)
    site_files.publish(site, sink, root, stage.cache_dir, stage.jobs)
    return count
