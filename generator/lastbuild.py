"""Find the last build's output and tell whether it is still what the sources make.

A deploy publishes only a finished build of the sources as they are now: it reads what the
build recorded in the cache (each published path and its digest) and runs the build's own
decision on the current sources, which must find nothing to do.
"""

from __future__ import annotations

import contextlib
import os
import pickle
from dataclasses import dataclass
from pathlib import Path

from generator import theme
from generator.build import build_now, load_memo, lock_of
from generator.cache import CACHE_DIR
from generator.decide import Facts, decide
from generator.fingerprint import Digester, of_bytes
from generator.freshness import sources_digest
from generator.ledger import Record, journal_path, read_marker, read_record, record_path
from generator.model import SiteConfig
from generator.output import existing_files
from generator.rclone import DeployError
from generator.scan import read_sources

# The options of a build for readers (no drafts, no future articles, no current edition,
# a fresh search index), in the order build() digests them.
READERS_BUILD = (False, False, False, True)


@dataclass(frozen=True)
class Built:
    """A finished build: its folder, lock, and each published path with its bytes' digest."""

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
    return Built(out, lock_of(out), _content_digests(cache_dir, out, record))


MEMO_FORMAT = 1


def _content_digests(cache_dir: Path, out: Path, record: Record) -> dict[str, str]:
    """Return each published file's digest of its bytes, hashing only the files rewritten.

    The build's digests are of a page's inputs, which may change while its bytes do not: a
    deploy record keyed by them would upload pages that are the same. So the record holds
    digests of the bytes, remembered beside the build's digest of each file.
    """
    memo_file = cache_dir / "deploy" / f"{record_path(cache_dir, out).stem}.digests"
    try:
        with open(memo_file, "rb") as handle:
            form, memo = pickle.load(handle)
        if form != MEMO_FORMAT or not isinstance(memo, dict):
            memo = {}
    except Exception:  # missing or damaged: hash every file once
        memo = {}
    files, kept = {}, {}
    for path, digest in record.files.items():
        size = record.sizes.get(path, -1)
        known = memo.get(path)
        if digest and isinstance(known, tuple) and known[:2] == (digest, size):
            files[path] = known[2]
        else:
            files[path] = of_bytes((out / path).read_bytes())
        kept[path] = (digest, size, files[path])
    if kept != memo:
        with contextlib.suppress(OSError):  # it only saves time
            memo_file.parent.mkdir(parents=True, exist_ok=True)
            temp = memo_file.with_suffix(f".{os.getpid()}.tmp")
            with open(temp, "wb") as handle:
                pickle.dump((MEMO_FORMAT, kept), handle, pickle.HIGHEST_PROTOCOL)
            os.replace(temp, memo_file)
    return files


def _check_sources(root: Path, config: SiteConfig, previous: dict[str, object]) -> None:
    the_theme = theme.load_theme(root, config, None)
    templates = theme.templates_digest(the_theme, root)
    statics = [(path, of_bytes(source.read_bytes()))
               for path, source in theme.static_files(the_theme)]
    memo = load_memo(root / CACHE_DIR / "files.pickle")
    found = read_sources(root, dict(memo) if memo is not None else None)
    parts, _, _ = sources_digest(Digester(templates), config, READERS_BUILD, found, statics,
                                 templates)
    facts = Facts(parts, {source.path: digest if isinstance(digest, str) else "unreadable"
                          for source, digest in found.files}, build_now(), True, True)
    plan = decide(previous, facts)
    if plan.work != "none":
        old = previous.get("parts")
        # Every digest is salted with the code's: options compare only under the same code.
        if (isinstance(old, dict) and old.get("code") == parts["code"]
                and old.get("options") != parts["options"]):
            raise DeployError("the last build was made with --drafts, --future or "
                              "--include-current, which are not for readers; build without "
                              "them, or deploy with --build")
        raise DeployError(f"the sources changed since the last build ({plan.reason.split(':')[0]}"
                          "); run briefings build first, or deploy with --build")
