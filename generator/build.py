"""Run the whole build: config → content → site → pages → render → feeds → publish."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from generator import dates, feeds, pages, parallel, search, theme
from generator.cache import CACHE_DIR, Store
from generator.config import load_config
from generator.content import body_html, read_content
from generator.digest_pages import plan_digests
from generator.editions import Edition, Editions, cut_all, period_start
from generator.errors import Interrupted, Problem, ThemeError
from generator.fingerprint import Digester, of_bytes
from generator.model import Article, Briefing, BuildResult, Page, Site, SiteConfig
from generator.output import Publisher, check_output_dir, read_manifest, read_summary
from generator.render import Job, render_changed
from generator.site import assemble, status
from generator.sitemap import robots, sitemap

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class BuildOptions:
    """What the user asked of this build."""

    site_root: Path
    output_dir: Path | None = None
    drafts: bool = False
    force: bool = False
    base_url: str | None = None  # the preview server serves under its own address
    cache: bool = True
    jobs: int = 1
    now: datetime | None = None  # the build's "now"; None: SOURCE_DATE_EPOCH, else the clock
    include_current: bool = False  # publish the digest edition still in progress
    future: bool = False  # also publish articles whose publish_date is still to come
    refresh_search: bool = True  # False: keep the previous search index (the preview's edits)
    progress: Progress | None = None


def build(options: BuildOptions) -> BuildResult:
    """Build the site; raise a BriefingsError (the old output untouched) when anything is wrong."""
    started = time.perf_counter()
    timings: list[tuple[str, float]] = []

    def lap(name: str) -> None:
        timings.append((name, time.perf_counter() - started - sum(t for _, t in timings)))

    root = options.site_root.resolve()
    config = load_config(root)
    if options.base_url:
        config = replace(config, base_url=options.base_url)
    out = (options.output_dir or root / config.output_dir).resolve()
    existing = check_output_dir(root, out, options.force)
    cache_dir = _cache_dir(root) if options.cache else None
    the_theme = theme.load_theme(root, config, cache_dir / "templates" if cache_dir else None)
    store = Store(cache_dir / "cache.sqlite" if cache_dir else None)
    publisher: Publisher | None = None
    try:
        lap("setup")
        content = read_content(root, config, store, options.jobs, options.progress)
        lap("content")
        digester = Digester(theme.templates_digest(the_theme, root))
        statics = [(path, source, source.read_bytes()) for path, source
                   in theme.static_files(the_theme)]
        # Output is a function of these inputs alone: when none changed, nothing can have.
        now = options.now or build_now()
        states = [status(a, now, options.drafts, options.future) for a in content.articles]
        inputs = digester.digest("inputs", config, options.drafts, content, states,
                                 _edition_cut(config, options),
                                 [(path, of_bytes(data)) for path, _, data in statics])
        previous = read_summary(out) if options.cache else {}
        if previous.get("inputs") == inputs and set(read_manifest(out)) <= existing:
            lap("unchanged")
            return BuildResult(int(str(previous.get("pages", 0))),
                               int(str(previous.get("feeds", 0))), 0,
                               time.perf_counter() - started, str(out), tuple(timings),
                               _held(states))
        site = assemble(config, content, options.drafts, now, options.future)
        editions = cut_all(site, now, options.include_current)
        planned = pages.plan(site, editions) + plan_digests(site, editions)
        lap("plan")
        digests = [digester.digest(p.path, p.template, p.context) for p in planned]
        lap("fingerprint")
        publisher = Publisher(out, existing, reuse=options.cache)
        todo = [i for i, (p, d) in enumerate(zip(planned, digests, strict=True))
                if not publisher.unchanged(p.path, d)]
        job = Job(the_theme, planned, digests, root, out, publisher.staging, store, config)
        render_changed(job, todo, publisher, options.jobs, options.progress)
        lap("render")
        feed_count = _feeds(site, digester, publisher, store, root)
        feed_count += _digest_feeds(site, editions, digester, publisher, the_theme, root)
        lap("feeds")
        if config.search:
            _search(planned, digests, digester, publisher, options.refresh_search)
        for extra in (sitemap(config, planned), robots(config)):
            digest = of_bytes(extra.data)
            if not publisher.unchanged(extra.path, digest):
                publisher.write(extra.path, extra.data, digest)
        for path, _, data in statics:
            digest = of_bytes(data)
            if not publisher.unchanged(path, digest):
                publisher.write(path, data, digest)
        publisher.summary = {"inputs": inputs, "pages": len(planned), "feeds": feed_count}
        changed = publisher.commit()
        lap("publish")
    except KeyboardInterrupt:
        if publisher is not None and publisher.committed:
            raise Interrupted(published=True) from None
        if publisher is not None:
            publisher.abort()
        raise Interrupted(published=False) from None
    except BaseException:
        if publisher is not None:
            publisher.abort()
        raise
    finally:
        store.close()
    return BuildResult(len(planned), feed_count, changed, time.perf_counter() - started,
                       str(out), tuple(timings), site.held_back)


def _search(planned: list[Page], digests: list[str], digester: Digester,
            publisher: Publisher, refresh: bool) -> None:
    """Index the article pages for search, unless none of them changed."""
    # Expired articles keep their page but leave every list: search included.
    chosen = [(p, d) for p, d in zip(planned, digests, strict=True)
              if p.body_key and not p.context.get("expired")]
    digest = digester.digest("search", [d for _, d in chosen])
    previous = {path: d for path, d in publisher.previous.items()
                if path.startswith(search.FOLDER)}
    # Keep the index as it is: under its own digests when not refreshing, or because no
    # article page changed.
    kept = (previous.items() if not refresh
            else [(path, digest) for path in previous])
    if previous and all(publisher.unchanged(path, d) for path, d in kept):
        return
    pages = []
    for page, _ in chosen:
        staged = publisher.staging / page.path
        pages.append((page.path, staged if staged.is_file() else publisher.out / page.path))
    for output in search.build_index(pages):
        publisher.write(output.path, output.data, digest)


def _held(states: list[str]) -> tuple[tuple[str, int], ...]:
    counts: dict[str, int] = {}
    for state in states:
        if state in ("draft", "scheduled"):
            counts[state] = counts.get(state, 0) + 1
    return tuple(sorted(counts.items()))


def build_now() -> datetime:
    """Return the build's notion of now: SOURCE_DATE_EPOCH when set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC)
    return datetime.now(UTC)


def _edition_cut(config: SiteConfig, options: BuildOptions) -> tuple[bool, str]:
    # The clock changes the output only through which period is the current one (the
    # editions before it are complete), so that is all the inputs digest needs of it.
    now = options.now or build_now()
    tz = dates.zone(config.digests.timezone or config.timezone)
    return options.include_current, period_start(now.astimezone(tz).date(),
                                                 config.digests).isoformat()


def _digest_feeds(site: Site, editions: Editions, digester: Digester, publisher: Publisher,
                  the_theme: theme.Theme, root: Path) -> int:
    count = 0
    scopes: list[tuple[Briefing | None, tuple[Edition, ...]]] = [(None, editions.site)]
    scopes += [(b, editions.by_briefing[b.slug]) for b in site.briefings
               if editions.by_briefing.get(b.slug)]
    for scope, own in scopes:
        if not own:
            continue
        count += 2
        digest = digester.digest("digest-feed", scope, own, site.config)
        folder = (scope.path if scope else "") + "digests/"
        paths = (folder + "feed.xml", folder + "atom.xml")
        if all(publisher.unchanged(path, digest) for path in paths):
            continue
        bodies = {}
        for edition in own:
            fragment = theme.render_page(the_theme, Page("", "digest_body.html", {
                "site": site.config, "edition": edition, "scope": scope}), root)
            if isinstance(fragment, Problem):
                raise ThemeError([fragment])
            bodies[edition.key] = fragment
        for output in feeds.render_digest_feeds(site, scope, own, bodies):
            publisher.write(output.path, output.data, digest)
    return count


def _cache_dir(root: Path) -> Path | None:
    """Return the cache folder, or None when it cannot be made (a file in its place)."""
    folder = root / CACHE_DIR
    try:
        (folder / "templates").mkdir(parents=True, exist_ok=True)
    except OSError:
        return None  # build without a cache rather than touch what is there
    return folder


def _feeds(site: Site, digester: Digester, publisher: Publisher, store: Store,
           root: Path) -> int:
    def body(article: Article) -> str:
        return body_html(root, site.config, "article", article.source_path, article.key, store)

    count = 0
    for spec in feeds.specs(site):
        digest = digester.digest("feed", spec, site.config)
        count += 2
        paths = (spec.path + "feed.xml", spec.path + "atom.xml")
        if all(publisher.unchanged(path, digest) for path in paths):
            continue
        for output in feeds.render_feeds(site, spec, body):
            publisher.write(output.path, output.data, digest)
    return count


def default_jobs() -> int:
    """Return the default number of worker processes: one per CPU."""
    return parallel.default_jobs()
