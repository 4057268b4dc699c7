"""Rebuild after edits that changed article bodies only: re-render just those pages.

A page's context holds articles by their card (front matter, first paragraph, path), never
their bodies; only an article's own page and the feeds carry a body (by its key). So when
the digest of everything but the bodies (config, options, theme and code, briefings, the
article cards, statuses and editions) equals the previous build's, every other page is
byte for byte what the previous build wrote, and only the edited articles' pages and the
feeds that hold them need work. Anything else falls back to the whole pipeline.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import pickle
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any

from generator import entities, pages, search
from generator.cache import Store
from generator.content import Content, bundles_of
from generator.editions import Editions
from generator.feed_render import feed_words, publish_feeds
from generator.fingerprint import Digester
from generator.model import Article, Site, SiteConfig
from generator.output import Publisher
from generator.parse import CHANGED, Bundle, Settings, cache_key, finding, parse_job
from generator.render import Job, render_changed
from generator.scan import Found, Source
from generator.theme import Theme

Progress = Callable[[str, int, int], None]


def structure(digester: Digester, config: SiteConfig, flags: tuple[bool, ...],
              content: Content, states: list[str], edition_cut: tuple[bool, str],
              statics: list[tuple[str, str]]) -> str:
    """Digest every input of the build except the article bodies."""
    return digester.digest("structure", config, list(flags), content, states, edition_cut,
                           statics)


def bodies(articles: Iterable[Article]) -> dict[str, str]:
    """Return each article page's folder with the key of the body it shows."""
    return {a.path: a.key for a in articles}


def rebuild(publisher: Publisher, previous: dict[str, Any], site: Site, editions: Editions,
            digester: Digester, the_theme: Theme, root: Path, store: Store, config: SiteConfig,
            jobs: int, progress: Progress | None, refresh_search: bool) -> tuple[int, int]:
    """Stage the pages, feeds and search shards of the edited bodies; return (pages, feeds)."""
    old: dict[str, object] = previous["bodies"]
    edited = {a.path for a in site.articles_and_expired if old.get(a.path) != a.key}
    planned = pages.article_pages(site, pages.common_feeds(site, editions), editions,
                                  only=edited)
    for path, digest in publisher.previous.items():
        publisher.unchanged(path, digest)  # re-recorded below if it changes after all
    render_changed(Job(the_theme, planned, digester, root, store, config), publisher, jobs,
                   progress)
    publish_feeds(site, digester, publisher, store, root, jobs,
                  feed_words(the_theme.layers, config.language, root))
    if config.search:  # the shards that hold an edited page are indexed again
        search.update_index(publisher, search.shard_of(site), refresh_search, jobs)
    # The same structure makes the same pages and feeds (digest feeds included).
    return int(str(previous.get("pages", 0))), int(str(previous.get("feeds", 0)))


# The assembled model of the last build that read every file, kept for the next builds
# after body edits: loading it costs a fraction of parsing records and assembling anew.
MODEL = "model.pickle"
MODEL_SCHEMA = 1
RECALL_AT_MOST = 64  # files edited since the model; more are parsed faster in parallel


@dataclasses.dataclass(frozen=True)
class Recalled:
    """The kept model with the bodies edited since it was made."""

    site: Site
    editions: Editions
    states: list[str]  # each article's status, in content order
    bodies: dict[str, str]  # as `bodies` returns


class _Pickler(pickle.Pickler):
    """Store articles by source path, so that an edited one can stand in for its old self."""

    def persistent_id(self, obj: Any) -> str | None:
        return obj.source_path if type(obj) is Article else None


def _unpickler(file: IO[bytes], articles: dict[str, Article]) -> pickle.Unpickler:
    unpickler = pickle.Unpickler(file)
    # A C-level lookup: a Python method here costs more than the rest of the load.
    unpickler.persistent_load = articles.__getitem__  # type: ignore[method-assign]
    return unpickler


def save(store: Store, frame: str, structure: str, found: Found, states: list[str],
         content: Content, site: Site, editions: Editions) -> None:
    """Keep the assembled model beside the cache; failing to costs only speed."""
    path = store.path.with_name(MODEL)
    temp = path.with_suffix(f".{os.getpid()}.tmp")  # a preview and a build may both write
    digests = {source.path: digest for source, digest in found.files}
    try:
        with open(temp, "wb") as handle:
            pickle.dump((MODEL_SCHEMA, frame, structure), handle, pickle.HIGHEST_PROTOCOL)
            pickle.dump((digests, states, {a.source_path: a for a in content.articles},
                         content.entities), handle, pickle.HIGHEST_PROTOCOL)
            _Pickler(handle, pickle.HIGHEST_PROTOCOL).dump((site, editions))
        os.replace(temp, path)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        with contextlib.suppress(OSError):
            temp.unlink()


def recall(store: Store, frame: str, found: Found, settings: Settings,
           previous: dict[str, object]) -> Recalled | None:
    """Return the kept model with the edited bodies, or None unless only bodies changed."""
    try:
        with open(store.path.with_name(MODEL), "rb") as handle:
            if pickle.load(handle) != (MODEL_SCHEMA, frame, previous.get("structure")):
                return None  # made from other files, options or code, or never published
            digests, states, articles, people = pickle.load(handle)
            if any(isinstance(digest, OSError) for _, digest in found.files):
                return None  # the whole read reports it
            edited = [(source, digest) for source, digest in found.files
                      if isinstance(digest, str) and digests.get(source.path) != digest]
            if len(edited) > RECALL_AT_MOST or not all(
                    source.kind == "article" and source.path in articles
                    for source, _ in edited):
                return None
            # The edited bodies are read for the entities' names, as a whole read would.
            names = entities.matcher(people)
            if names is not None:
                settings = dataclasses.replace(settings, names=names.digest)
            with finding(entities.finder(names)):
                renewed = _renew(edited, articles, store, settings, bundles_of(found))
            if renewed is None:
                return None
            articles.update(renewed)
            site, editions = _unpickler(handle, articles).load()
    except Exception:  # a damaged or foreign file (any error unpickling it): read everything
        return None
    return Recalled(site, editions, states, bodies(articles.values()))


def _renew(edited: list[tuple[Source, str]], articles: dict[str, Article], store: Store,
           settings: Settings, bundles: dict[str, Bundle]) -> dict[str, Article] | None:
    """Return the edited articles with their new body keys, if only their bodies changed."""
    keyed = [(cache_key("article", s.path, digest, settings, bundles.get(s.bundle, ())), s,
              digest) for s, digest in edited]
    stored = store.lookup([key for key, _, _ in keyed]) or {}
    parsed = []
    renewed = {}
    try:
        for key, source, digest in keyed:
            record = stored.get(key)
            if record is None:
                _, record, html = parse_job((key, "article", source.path, source.file,
                                             digest, settings, bundles.get(source.bundle, ())))
                if record.card == CHANGED:
                    return None
                parsed.append((key, record, html))
            old = articles[source.path]
            if record.card != old.card or record.problems or not record.usable:
                return None
            renewed[source.path] = dataclasses.replace(old, key=key)
        return renewed
    finally:
        store.put_many(parsed)  # kept either way: a whole read would parse them too
