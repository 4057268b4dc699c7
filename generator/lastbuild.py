"""Find the last build's output and tell whether it is still what the sources make.

A deploy publishes only a finished build of the sources as they are now: it reads what the
build recorded in the cache (each published path and its digest) and runs the build's own
decision on the current sources, which must find nothing to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator import theme
from generator.build import _load_memo, _lock_of, build_now
from generator.cache import CACHE_DIR
from generator.decide import Facts, decide
from generator.fingerprint import Digester, of_bytes
from generator.freshness import sources_digest
from generator.ledger import journal_path, read_marker, read_record
from generator.model import SiteConfig
from generator.output import existing_files
from generator.rclone import DeployError
from generator.scan import read_sources

# The options of a build for readers (no drafts, no future articles, no current edition,
# a fresh search index), in the order build() digests them.
READERS_BUILD = (False, False, False, True)


@dataclass(frozen=True)
class Built:
    """A finished build: its folder, lock, and each published path with its digest."""

    out: Path
    lock: Path
    files: dict[str, str]


def last_build(root: Path, config: SiteConfig) -> Built:
    """Return the last build of the site; raise DeployError if there is none or it is stale."""
    out = (root / config.output_dir).resolve()
    cache_dir = root / CACHE_DIR
    again = "run briefings build first, or deploy with --build"
    if journal_path(cache_dir, out).exists():
        raise DeployError(f"the last build into {out} was interrupted while publishing; {again}")
    existing = existing_files(out) if out.is_dir() else {}
    published = read_marker(out, existing)
    record = read_record(cache_dir, out, published or [])
    if not published or not record.summary:
        raise DeployError(f"no build of {out} is recorded; {again}")
    missing = [p for p in record.files if existing.get(p, -1) != record.sizes.get(p, -2)]
    if missing:
        raise DeployError(f"{out} was changed since it was built ({missing[0]} is missing or "
                          f"was edited); {again}")
    _check_sources(root, config, record.summary)
    files = {path: digest or "bytes:" + of_bytes((out / path).read_bytes())
             for path, digest in record.files.items()}
    return Built(out, _lock_of(out), files)


def _check_sources(root: Path, config: SiteConfig, previous: dict[str, object]) -> None:
    the_theme = theme.load_theme(root, config, None)
    templates = theme.templates_digest(the_theme, root)
    statics = [(path, of_bytes(source.read_bytes()))
               for path, source in theme.static_files(the_theme)]
    memo = _load_memo(root / CACHE_DIR / "files.pickle")
    found = read_sources(root, dict(memo) if memo is not None else None)
    parts, _, _ = sources_digest(Digester(templates), config, READERS_BUILD, found, statics,
                                 templates)
    old_parts = previous.get("parts")
    if isinstance(old_parts, dict) and old_parts.get("options") != parts["options"]:
        raise DeployError("the last build was made with --drafts, --future or "
                          "--include-current, which are not for readers; build without them, "
                          "or deploy with --build")
    facts = Facts(parts, {source.path: digest if isinstance(digest, str) else "unreadable"
                          for source, digest in found.files}, build_now(), True, True)
    plan = decide(previous, facts)
    if plan.work != "none":
        raise DeployError(f"the sources changed since the last build ({plan.reason.split(':')[0]}"
                          "); run briefings build first, or deploy with --build")
