"""Run the whole build: config → content → site → pages → render → feeds → publish.

The first stages (config, theme, reading the content files) are cheap; when their bytes,
the options and the clock's window match what the previous build recorded, the output is
already right and the build stops there.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from generator import dates, freshness, parallel, theme
from generator.cache import CACHE_DIR, Store
from generator.config import load_config
from generator.decide import Facts, decide
from generator.editions import period_start
from generator.errors import BriefingsError
from generator.fingerprint import Digester, code_digest, of_bytes
from generator.ledger import exclusive, recorded_warnings
from generator.model import BuildResult, SiteConfig
from generator.output import check_output_dir, refuse_output_dir
from generator.scan import Memo, read_sources

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
    wait: bool = True  # another build holds the output or cache: wait for it (False: refuse)
    on_wait: Callable[[str], None] | None = None  # told when this build waits for another


def build(options: BuildOptions) -> BuildResult:
    """Build the site; raise a BriefingsError (the old output untouched) when anything is wrong."""
    started = time.perf_counter()
    root = options.site_root.resolve()
    config = load_config(root)
    out = (options.output_dir or root / config.output_dir).resolve()
    if options.base_url:
        config = replace(config, base_url=options.base_url)
    cache_dir = _cache_dir(root)
    the_theme = theme.load_theme(root, config, _bytecode_dir(cache_dir)
                                 if cache_dir and options.cache else None)
    refuse_output_dir(root, out, the_theme.layers)
    # One build at a time per output and per cache: two interleaved publishes would each
    # record the other's staged files as published.
    with contextlib.ExitStack() as locks:
        for lock in ([cache_dir / "lock"] if cache_dir else []) + [lock_of(out)]:
            locks.enter_context(exclusive(lock, options.wait, options.on_wait))
        return _build(options, root, config, the_theme, out, cache_dir, started)


def lock_of(out: Path) -> Path:
    """Return the lock file that keeps builds (and deploys) of one output one at a time."""
    return out.with_name(f".{out.name}.lock")


def _build(options: BuildOptions, root: Path, config: SiteConfig, the_theme: theme.Theme,
           out: Path, cache_dir: Path | None, started: float) -> BuildResult:
    timings: list[tuple[str, float]] = []

    def lap(name: str) -> None:
        timings.append((name, time.perf_counter() - started - sum(t for _, t in timings)))

    existing, record = check_output_dir(out, options.force, cache_dir)
    memo_file = cache_dir / "files.pickle" if cache_dir and options.cache else None
    memo = load_memo(memo_file)
    before = dict(memo) if memo is not None else None
    found = read_sources(root, memo)
    if memo_file is not None and memo != before:
        _save_memo(memo_file, memo)
    templates = theme.templates_digest(the_theme, root)
    digester = Digester(templates)
    statics = tuple((path, data, of_bytes(data)) for path, source
                    in theme.static_files(the_theme) for data in [source.read_bytes()])
    now = options.now or build_now()
    cut = _edition_cut(config, options.include_current, now)
    chosen = (options.drafts, options.future, options.include_current, options.refresh_search)
    parts, frame, sources = freshness.sources_digest(
        digester, config, chosen, found, [(path, digest) for path, _, digest in statics],
        templates)
    previous = record.summary if options.cache else {}
    facts = Facts(parts, {source.path: digest if isinstance(digest, str) else "unreadable"
                          for source, digest in found.files}, now, record.intact,
                  options.cache)
    plan = decide(previous, facts)
    lap("read")
    if plan.work == "none":
        lap("unchanged")
        return BuildResult(int(str(previous.get("pages", 0))),
                           int(str(previous.get("feeds", 0))), 0,
                           time.perf_counter() - started, str(out), tuple(timings),
                           _recorded_held(previous.get("held")), plan.reason,
                           recorded_warnings(previous))
    # Imported here: a build that changes nothing never pays for loading Markdown, Jinja2
    # rendering, feeds and search.
    from generator import pipeline

    store = Store(cache_dir / "cache.sqlite" if cache_dir and options.cache else None)
    inputs = pipeline.Inputs(root, config, out, existing, the_theme, found, statics,
                             digester, frame, sources, now, cut, previous, record, facts,
                             cache_dir)
    settings = pipeline.Settings(options.drafts, options.future, options.include_current,
                                 options.cache, options.jobs, options.refresh_search,
                                 options.progress)
    return pipeline.run(inputs, settings, plan, store, started, timings)


def _recorded_held(value: object) -> tuple[tuple[str, int], ...]:
    if not isinstance(value, list):
        return ()
    return tuple((str(pair[0]), int(str(pair[1]))) for pair in value
                 if isinstance(pair, list) and len(pair) == 2)


# The build's "now" leaves room for the digest period around it (up to a month either way)
# and for any site timezone: dates outside years 1 to 9999 cannot be computed.
EARLIEST = datetime(2, 1, 1, tzinfo=UTC)
LATEST = datetime(9998, 12, 31, 23, 59, 59, tzinfo=UTC)
LATEST_EPOCH = int(LATEST.timestamp())


def build_now() -> datetime:
    """Return the build's notion of now: SOURCE_DATE_EPOCH when set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        # The command line refuses what dates cannot hold; a caller of build() gets an error.
        if len(epoch) > 12 or int(epoch) > LATEST_EPOCH:
            raise BriefingsError(f"SOURCE_DATE_EPOCH={epoch[:30]} is out of range; set it to "
                                 "seconds since 1970 (e.g. 1767225600) or unset it")
        return datetime.fromtimestamp(int(epoch), UTC)
    return datetime.now(UTC)


def _edition_cut(config: SiteConfig, include_current: bool, now: datetime
                 ) -> tuple[bool, str]:
    # The clock changes the output only through which period is the current one (the
    # editions before it are complete), so that is all the inputs digest needs of it.
    tz = dates.zone(config.digests.timezone or config.timezone)
    return include_current, period_start(now.astimezone(tz).date(),
                                         config.digests).isoformat()


MEMO_SCHEMA = 1


def load_memo(file: Path | None) -> Memo | None:
    """Return the digests of published-as-is files the previous build read ({} if none)."""
    if file is None:
        return None
    try:
        with open(file, "rb") as handle:
            schema, memo = pickle.load(handle)
        return memo if schema == MEMO_SCHEMA and isinstance(memo, dict) else {}
    except Exception:  # missing, damaged or foreign: read every file again
        return {}


def _save_memo(file: Path, memo: Memo | None) -> None:
    temp = file.with_suffix(f".{os.getpid()}.tmp")
    try:
        with open(temp, "wb") as handle:
            pickle.dump((MEMO_SCHEMA, memo), handle, pickle.HIGHEST_PROTOCOL)
        os.replace(temp, file)
    except OSError:  # it only saves time
        with contextlib.suppress(OSError):
            temp.unlink()


def _bytecode_dir(cache_dir: Path) -> Path:
    """Return the folder of compiled templates for this generator's code, dropping others."""
    # Jinja keys compiled templates by their source alone, yet the code compiled depends on
    # the filters and globals the generator registers: a changed generator compiles anew.
    folder = cache_dir / "templates" / code_digest()
    with contextlib.suppress(OSError):
        for other in folder.parent.iterdir():
            if other != folder:
                shutil.rmtree(other) if other.is_dir() else other.unlink()
        folder.mkdir(exist_ok=True)
    return folder


def _cache_dir(root: Path) -> Path | None:
    """Return the cache folder, or None when it cannot be made (a file in its place)."""
    folder = root / CACHE_DIR
    try:
        (folder / "templates").mkdir(parents=True, exist_ok=True)
    except OSError:
        return None  # build without a cache rather than touch what is there
    return folder


def default_jobs() -> int:
    """Return the default number of worker processes: one per CPU."""
    return parallel.default_jobs()
