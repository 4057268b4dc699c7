"""Publish the built files safely: only our own files, only what changed, all or nothing.

A build writes what changed into a staging folder beside the output. When nothing of the
old output exists, the staging folder is renamed into place. Otherwise a journal listing
the moves and deletions is written (and synced) into the cache first, then applied with one
rename per file while Ctrl-C and SIGTERM are held back; a build killed while applying
(SIGKILL, power loss) is completed from the journal by the next build before it does
anything else. The journal lives in the cache, never beside the output, so that a file
planted next to the output cannot make a build move or delete anything.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Protocol

from generator.errors import OutputError
from generator.ledger import (
    MARKER,
    Record,
    confined,
    is_safe,
    journal_path,
    read_journal,
    read_marker,
    read_record,
    write_journal,
    write_marker,
    write_record,
)
from generator.signals import deferred

MANIFEST = MARKER  # the name tests and users know


def refuse_output_dir(site_root: Path, out: Path, theme_folders: Iterable[Path] = ()) -> None:
    """Refuse an output folder whose replacement could destroy the user's files."""
    site_root, out = site_root.resolve(), out.resolve()
    home = Path.home().resolve()
    # Folders the build reads: publishing there would overwrite the site, or make the next
    # build load generated pages (and the article text in them) as templates.
    precious = [site_root / "content", site_root / "themes", site_root / "site.yaml",
                site_root / "templates", site_root / "theme_overrides",
                site_root / "static", site_root / "i18n", site_root / ".briefings-cache",
                *theme_folders]
    for folder in [site_root / "templates", *theme_folders]:
        for place in (folder, folder / "templates"):
            if (place / MANIFEST).is_file():
                # Generated pages hold article text: loaded as templates, it would run.
                raise OutputError(f"{place} holds a site that Briefings built (it has "
                                  f"{MANIFEST}); templates are never loaded from an output "
                                  "folder: move that folder away")
    if out == Path(out.anchor) or out == home:
        raise OutputError(f"refusing to publish into {out}: choose a dedicated folder "
                          "such as public/")
    if out == site_root or site_root.is_relative_to(out):
        raise OutputError(f"refusing to publish into {out}: it contains the site itself; "
                          "choose a folder inside it such as public/")
    for item in precious:
        item = item.resolve()
        if out == item or out.is_relative_to(item):
            raise OutputError(f"refusing to publish into {out}: it is inside {item.name}, "
                              "which the build reads; choose a folder such as public/")
        if item.is_relative_to(out):
            raise OutputError(f"refusing to publish into {out}: it contains {item}, which "
                              "the build reads; choose a folder such as public/")


def check_output_dir(out: Path, force: bool, cache_dir: Path | None
                     ) -> tuple[dict[str, int], Record]:
    """Finish an interrupted publish, then return the output's files and the previous record.

    Files that Briefings did not write are allowed only with `force`, and they are left
    alone, never deleted or overwritten.
    """
    if cache_dir is not None:
        recover(out, cache_dir)
    if not out.exists():
        return {}, Record()
    if not out.is_dir():
        raise OutputError(f"{out} exists and is not a folder; remove it or choose another "
                          "output folder")
    existing = existing_files(out)
    published = read_marker(out, existing) or []
    foreign = sorted(set(existing) - set(published) - {MANIFEST})
    if foreign and not force:
        raise OutputError(f"{out} holds files that Briefings did not write ({_some(foreign)});"
                          " move them away, choose another output folder, or pass --force to "
                          "publish there anyway (those files are kept)")
    record = read_record(cache_dir, out, published)
    kept = frozenset(path for path in record.files if path in existing
                     and record.sizes.get(path, existing[path]) == existing[path])
    return existing, dataclasses.replace(record, kept=kept)


def _some(paths: list[str]) -> str:
    shown = ", ".join(repr(p)[1:-1] for p in paths[:3])
    return shown + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")


def existing_files(folder: Path) -> dict[str, int]:
    """List every file under a folder with its size, as relative paths with forward slashes."""
    found: dict[str, int] = {}
    pending = [("", str(folder))]
    while pending:
        prefix, current = pending.pop()
        with os.scandir(current) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    pending.append((prefix + entry.name + "/", entry.path))
                else:
                    found[prefix + entry.name] = entry.stat(follow_symlinks=False).st_size
    return found


def staging_of(out: Path) -> Path:
    """Return the staging folder of an output folder."""
    return out.with_name(f".{out.name}.staging")


def recover(out: Path, cache_dir: Path) -> None:
    """Finish a publish that was killed while applying its journal."""
    journal = journal_path(cache_dir, out)
    if not journal.exists():
        return
    try:
        plan = read_journal(journal)
        moves, deletes = list(plan["moves"]), list(plan["deletes"])
        files, sizes, summary = dict(plan["files"]), dict(plan["sizes"]), dict(plan["summary"])
        if plan["out"] != str(out) or not all(map(is_safe, [*moves, *deletes, *files])):
            raise ValueError("not a journal of this output")
    except (OSError, ValueError, KeyError, TypeError):
        journal.unlink()  # written before anything moved, so nothing is half-applied
        return
    staging = staging_of(out)
    if not staging.is_dir():
        # The staged files are gone: publish what was moved, and have the rest rendered anew.
        files = {path: ("" if path in moves else digest) for path, digest in files.items()}
        summary = {}
    _apply(out, staging, moves, deletes, files, sizes, summary, cache_dir, journal)


def _apply(out: Path, staging: Path, moves: list[str], deletes: list[str],
           files: dict[str, str], sizes: dict[str, int], summary: dict[str, object],
           cache_dir: Path | None, journal: Path) -> None:
    for rel in moves:
        source, target = staging / rel, confined(out, rel)
        try:
            os.replace(source, target)  # the common case in one system call
            continue
        except OSError:
            pass  # a new folder, a folder in the way, or moved before an interruption
        if not source.exists():
            continue
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)  # a folder of our own files only: foreign ones are refused
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)
    for rel in deletes:
        target = confined(out, rel)
        with contextlib.suppress(FileNotFoundError):
            target.unlink()
        _prune(out, target.parent)
    write_marker(out, list(files))
    write_record(cache_dir, out, files, sizes, summary)
    journal.unlink(missing_ok=True)
    shutil.rmtree(staging, ignore_errors=True)


def _prune(out: Path, folder: Path) -> None:
    while folder != out and folder.is_relative_to(out):
        try:
            folder.rmdir()  # only succeeds when empty: a user's file keeps its folder
        except OSError:
            return
        folder = folder.parent


def rewrite_summary(out: Path, cache_dir: Path | None, record: Record,
                    summary: dict[str, object]) -> None:
    """Record a new summary beside the same files; the output itself is not touched."""
    write_record(cache_dir, out, record.files, record.sizes, summary)


class Publisher:
    """Collect one build's files in staging, then publish them in one step."""

    def __init__(self, out: Path, existing: Mapping[str, int], record: Record,
                 reuse: bool = True, cache_dir: Path | None = None) -> None:
        self.out = out.resolve()
        self.staging = staging_of(self.out)
        self.existing = existing
        self.previous = record.files
        self.previous_sizes = record.sizes
        self.previous_summary = record.summary
        self.cache_dir = cache_dir
        self.present = record.kept
        self.reuse = reuse
        self.manifest: dict[str, str] = {}
        self.changed: list[str] = []
        self.summary: dict[str, object] = {}
        self.committed = False
        try:
            if self.staging.exists():
                shutil.rmtree(self.staging)
            self.staging.mkdir(parents=True)
        except OSError as exc:
            raise OutputError(f"cannot write beside {self.out} ({exc.strerror}); check that "
                              "its folder exists and is writable, or pass another --output"
                              ) from None

    def holds(self, path: str, digest: str) -> bool:
        """Tell whether the previous output already holds this file for this digest."""
        return self.reuse and self.previous.get(path) == digest and path in self.present

    def unchanged(self, path: str, digest: str) -> bool:
        """Keep the previous output's file when it holds this digest; tell whether it did."""
        if self.holds(path, digest):
            self.manifest[path] = digest
            return True
        return False

    def old_bytes(self, path: str) -> bytes | None:
        """Return the previous bytes of a file, if the previous build wrote it."""
        if path not in self.present:
            return None
        try:
            return confined(self.out, path).read_bytes()
        except (OSError, OutputError):
            return None

    def record(self, path: str, digest: str, written: bool) -> None:
        """Note a file of this build: written to staging, or identical to the old one."""
        self.manifest[path] = digest
        if written:
            self.changed.append(path)

    def write(self, path: str, data: bytes, digest: str) -> None:
        """Stage one file, unless its bytes equal the previous output's."""
        if self.old_bytes(path) == data:
            self.record(path, digest, written=False)
            return
        target = self.staging / path
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        except OSError as exc:
            raise OutputError(f"cannot stage {path} beside {self.out} ({exc.strerror}); "
                              "free some space or check permissions, then build again; "
                              "the published site is unchanged") from None
        self.record(path, digest, written=True)

    def _sizes(self) -> dict[str, int]:
        changed = set(self.changed)
        sizes = {}
        for path in self.manifest:
            if path in changed:
                sizes[path] = (self.staging / path).stat().st_size
            elif path in self.previous_sizes and path in self.present:
                sizes[path] = self.previous_sizes[path]
            else:
                sizes[path] = self.existing.get(path, -1)
        return sizes

    def _refuse_collisions(self, deletes: list[str]) -> None:
        """Refuse to overwrite, or to write through, anything Briefings did not write."""
        foreign = set(self.existing) - set(self.previous) - {MANIFEST}
        # A foreign file where this build needs a folder, or foreign files under a folder
        # where it needs a file, collide just as a foreign file at the same path does.
        taken = set(foreign)
        for path in foreign:
            parts = path.split("/")
            taken.update("/".join(parts[:i]) for i in range(1, len(parts)))
        clashes = sorted(path for path in self.manifest if foreign and (
            path in taken or any(path[:i] in foreign for i, c in enumerate(path) if c == "/")))
        if clashes:
            raise OutputError(f"refusing to overwrite files in {self.out} that Briefings did "
                              f"not write ({_some(clashes)}); move them away or choose another "
                              "output folder (--force keeps foreign files, never replaces them)")
        checked: set[str] = set()
        for path in [*self.changed, *deletes]:
            folder = path.rpartition("/")[0]
            if folder not in checked:
                confined(self.out, path)
                checked.add(folder)

    def commit(self) -> int:
        """Publish: swap in a first build, or apply the changes through the journal."""
        sizes = self._sizes()
        if not self.out.exists():
            write_marker(self.staging, list(self.manifest))
            self.out.parent.mkdir(parents=True, exist_ok=True)
            with deferred():
                os.replace(self.staging, self.out)
                write_record(self.cache_dir, self.out, self.manifest, sizes, self.summary)
                self.committed = True
            return len(self.changed)
        deletes = sorted(set(self.previous) - set(self.manifest))
        self._refuse_collisions(deletes)
        if (not self.changed and not deletes and self.previous == self.manifest
                and self.previous_summary == self.summary and self.previous_sizes == sizes):
            shutil.rmtree(self.staging, ignore_errors=True)
            self.committed = True
            return 0
        if self.cache_dir is not None:
            journal = journal_path(self.cache_dir, self.out)
            journal.parent.mkdir(parents=True, exist_ok=True)
        else:  # no cache to keep it in: applied at once, but not recoverable after a kill
            journal = Path(tempfile.mkdtemp(prefix="briefings-journal-")) / "journal"
        with deferred():
            write_journal(journal, {"out": str(self.out), "moves": sorted(self.changed),
                                    "deletes": deletes, "files": self.manifest, "sizes": sizes,
                                    "summary": self.summary})
            _apply(self.out, self.staging, sorted(self.changed), deletes, self.manifest,
                   sizes, self.summary, self.cache_dir, journal)
            if self.cache_dir is None:
                shutil.rmtree(journal.parent, ignore_errors=True)
            self.committed = True
        return len(self.changed) + len(deletes)

    def abort(self) -> None:
        """Throw the staged files away; the previous output stays exactly as it was."""
        if self.cache_dir is not None and journal_path(self.cache_dir, self.out).exists():
            return  # publishing had begun: the next build completes it from the journal
        shutil.rmtree(self.staging, ignore_errors=True)


class Sink(Protocol):
    """Where a stage puts the files it makes: the publisher, or a folder of it."""

    def unchanged(self, path: str, digest: str) -> bool:
        """Tell whether the output holds this file for this digest (and keep it)."""

    def write(self, path: str, data: bytes, digest: str) -> None:
        """Stage a file."""


@dataclasses.dataclass(frozen=True)
class Within:
    """A publisher seen from one of its folders (a language's): paths are relative to it."""

    publisher: Publisher
    folder: str

    def unchanged(self, path: str, digest: str) -> bool:
        """Tell whether the output holds this file for this digest (and keep it)."""
        return self.publisher.unchanged(self.folder + path, digest)

    def write(self, path: str, data: bytes, digest: str) -> None:
        """Stage a file."""
        self.publisher.write(self.folder + path, data, digest)
