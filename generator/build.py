"""Run the whole build: config → content → site → pages → render → feeds → publish."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from generator import feeds, pages, parallel, theme
from generator.cache import CACHE_DIR, Store
from generator.config import load_config
from generator.content import body_html, read_content
from generator.digests import Digester, of_bytes
from generator.model import Article, BuildResult, Site
from generator.output import Publisher, check_output_dir, read_manifest, read_summary
from generator.render import Job, render_changed
from generator.site import assemble

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
        digester = Digester(theme.templates_digest(the_theme))
        statics = [(path, source, source.read_bytes()) for path, source
                   in theme.static_files(the_theme)]
        # Output is a function of these inputs alone: when none changed, nothing can have.
        inputs = digester.digest("inputs", config, options.drafts, content,
                                 [(path, of_bytes(data)) for path, _, data in statics])
        previous = read_summary(out) if options.cache else {}
        if previous.get("inputs") == inputs and set(read_manifest(out)) <= existing:
            lap("unchanged")
            return BuildResult(int(str(previous.get("pages", 0))),
                               int(str(previous.get("feeds", 0))), 0,
                               time.perf_counter() - started, str(out), tuple(timings))
        site = assemble(config, content, drafts=options.drafts)
        planned = pages.plan(site)
        lap("plan")
        digests = [digester.digest(p.path, p.template, p.context) for p in planned]
        lap("digest")
        publisher = Publisher(out, existing, reuse=options.cache)
        todo = [i for i, (p, d) in enumerate(zip(planned, digests, strict=True))
                if not publisher.unchanged(p.path, d)]
        job = Job(the_theme, planned, digests, root, out, publisher.staging, store, config)
        render_changed(job, todo, publisher, options.jobs, options.progress)
        lap("render")
        feed_count = _feeds(site, digester, publisher, store, root)
        lap("feeds")
        for path, _, data in statics:
            digest = of_bytes(data)
            if not publisher.unchanged(path, digest):
                publisher.write(path, data, digest)
        publisher.summary = {"inputs": inputs, "pages": len(planned), "feeds": feed_count}
        changed = publisher.commit()
        lap("publish")
    except BaseException:
        if publisher is not None:
            publisher.abort()
        raise
    finally:
        store.close()
    return BuildResult(len(planned), feed_count, changed, time.perf_counter() - started,
                       str(out), tuple(timings))


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
