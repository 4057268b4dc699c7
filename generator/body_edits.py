"""Rebuild after edits that changed article bodies only: re-render just those pages.

A page's context holds articles by their card (front matter, first paragraph, path), never
their bodies; only an article's own page and the feeds carry a body (by its key). So when
the digest of everything but the bodies (config, options, theme and code, briefings, the
article cards, statuses and editions) equals the previous build's, every other page is
byte for byte what the previous build wrote, and only the edited articles' pages and the
feeds that hold them need work. Anything else falls back to the whole pipeline.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from generator import pages
from generator.cache import Store
from generator.content import Content
from generator.editions import cut_all
from generator.feed_render import publish_feeds
from generator.fingerprint import Digester
from generator.model import SiteConfig
from generator.output import Publisher
from generator.render import Job, render_changed
from generator.site import assemble
from generator.theme import Theme

Progress = Callable[[str, int, int], None]


def structure(digester: Digester, config: SiteConfig, flags: tuple[bool, ...],
              content: Content, states: list[str], edition_cut: tuple[bool, str],
              statics: list[tuple[str, str]]) -> str:
    """Digest every input of the build except the article bodies."""
    return digester.digest("structure", config, list(flags), content, states, edition_cut,
                           statics)


def bodies(content: Content) -> dict[str, str]:
    """Return each article page's folder with the key of the body it shows."""
    return {a.path: a.key for a in content.articles}


def applies(previous: dict[str, object], digest: str, config: SiteConfig,
            refresh_search: bool, intact: bool) -> bool:
    """Tell whether only bodies changed since a previous build whose files are all there."""
    # A refreshed search index reads every article page: that takes the whole pipeline.
    return (previous.get("structure") == digest and isinstance(previous.get("bodies"), dict)
            and (not config.search or not refresh_search) and intact)


def rebuild(publisher: Publisher, previous: dict[str, Any], content: Content,
            digester: Digester, the_theme: Theme, root: Path, store: Store, config: SiteConfig,
            now: datetime, flags: tuple[bool, bool, bool], jobs: int,
            progress: Progress | None) -> tuple[int, int]:
    """Stage the pages and feeds of the edited bodies; return (pages, feeds) of the site."""
    drafts, future, include_current = flags
    site = assemble(config, content, drafts, now, future)
    editions = cut_all(site, now, include_current)
    old: dict[str, object] = previous["bodies"]
    edited = {a.path for a in site.articles_and_expired if old.get(a.path) != a.key}
    planned = pages.article_pages(site, pages.common_feeds(site, editions), editions,
                                  only=edited)
    digests = [digester.digest(p.path, p.template, p.context, p.body_key) for p in planned]
    for path, digest in publisher.previous.items():
        publisher.unchanged(path, digest)  # re-recorded below if it changes after all
    job = Job(the_theme, planned, digests, root, publisher.out, publisher.staging, store,
              config)
    render_changed(job, list(range(len(planned))), publisher, jobs, progress)
    publish_feeds(site, digester, publisher, store, root, jobs)
    # The same structure makes the same pages and feeds (digest feeds included).
    return int(str(previous.get("pages", 0))), int(str(previous.get("feeds", 0)))
