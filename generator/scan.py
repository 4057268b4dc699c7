"""Find the content files and read their bytes: the first stage, and all a no-change build needs."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from generator.errors import Problem

FOLDERS = (("content/briefings", "briefing"), ("content/articles", "article"))


@dataclass(frozen=True)
class Source:
    """One content file found on disk."""

    kind: str
    path: str  # relative to the site root, with forward slashes
    file: str


@dataclass(frozen=True)
class Found:
    """Every content file with the digest of its bytes (or why it could not be read)."""

    files: tuple[tuple[Source, str | OSError], ...]  # in path order
    problems: tuple[Problem, ...]


def scan(root: Path, folder: str, kind: str, problems: list[Problem]) -> list[Source]:
    """List `*.md` files under a folder, refusing symlinks that lead out of the site."""
    found: list[Source] = []
    real_root = root.resolve()
    top = root / folder
    pending = [(folder + "/", str(top))] if top.is_dir() else []
    seen: set[str] = set()
    while pending:
        prefix, current = pending.pop()
        real = os.path.realpath(current)
        if real in seen:  # a symlinked folder that leads back into the tree
            continue
        seen.add(real)
        with os.scandir(current) as listing:
            entries = sorted(listing, key=lambda e: e.name)
        # Folders are walked in a fixed order, so a folder reached twice always counts once
        # under the same path.
        for entry in reversed(entries):
            rel = prefix + entry.name
            if entry.is_symlink():
                target = Path(entry.path).resolve()
                if not target.is_relative_to(real_root):
                    problems.append(Problem(rel, None, (
                        f"is a symbolic link to {target}, outside the site; copy the "
                        "file into the site instead")))
                    continue
            if entry.is_dir():
                pending.append((rel + "/", entry.path))
            elif entry.name.endswith(".md") and entry.is_file():
                found.append(Source(kind, rel, entry.path))
    return sorted(found, key=lambda s: s.path)


def _hasher() -> hashlib.blake2b:
    return hashlib.blake2b(digest_size=20)


def digest_of(raw: bytes) -> str:
    """Digest a content file's bytes: the no-change check and the parse cache key use it."""
    digest = _hasher()
    digest.update(raw)
    return digest.hexdigest()


def read_sources(root: Path) -> Found:
    """Scan `content/` and read every file."""
    problems: list[Problem] = []
    sources = [s for folder, kind in FOLDERS for s in scan(root, folder, kind, problems)]
    # One thread: measured faster than a thread pool, which fights over the GIL. The bytes
    # are dropped once hashed (30,000 articles hold 130 MB); a parse reads them again.
    files: list[tuple[Source, str | OSError]] = []
    for source in sources:
        try:
            files.append((source, _digest_file(source.file)))
        except OSError as exc:
            files.append((source, exc))
    return Found(tuple(files), tuple(problems))


def _digest_file(file: str) -> str:
    # Plain descriptors: a buffered file object costs more than the read itself here
    # (0.13 s against 0.2 s for 10,000 articles).
    # The same digest as digest_of, fed as the file is read.
    digest = _hasher()
    fd = os.open(file, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        while chunk := os.read(fd, 1 << 16):
            digest.update(chunk)
    finally:
        os.close(fd)
    return digest.hexdigest()
